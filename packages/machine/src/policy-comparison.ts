import { EXIT_REASONS, type ExitReason, type ExitTimelineData, type MonitorCounters } from "@ringlab/monitor";
import { type EventLog, formatEvent } from "./event-log.js";
import type { Machine } from "./machine.js";
import type { RunOutcome } from "./run-loop.js";
import { outcomeText } from "./outcome-text.js";

// The core of `ringlab compare`, shared by the CLI and the browser playground so that both
// show the same verdict and table: pure functions over finished runs, no Node-only API.

/** `1234567` → `1,234,567`. */
export function groupDigits(n: number): string {
  return n.toLocaleString("en-US");
}

/** One policy's run of the guest: everything the guest could show, and what the monitor did. */
export interface PolicyRun {
  /** The policy as `--policies` named it, options included (e.g. `scan-patch:ring=3`). */
  policy: string;
  outcome: RunOutcome;
  instructions: number;
  /** The guest's debug-console output (Latin-1). */
  console: string;
  /** The VGA text screen at the end, or null without a VGA device. */
  screen: string | null;
  /** Every interrupt and exception the guest received (count, vector, kind, CS:EIP). */
  events: EventLog;
  counters: MonitorCounters;
  exits: number;
  exitsByReason: Partial<Record<ExitReason, number>>;
  /** When the exits happened (by reason, per bucket of retired instructions), for policies that keep it. */
  timeline: ExitTimelineData | null;
  /** Host time the run took, in milliseconds (varies from run to run; for a rough idea only). */
  hostMs: number;
}

/** The device of `machine` that can show a text screen (the VGA), if it has one. */
export function textScreenOf(machine: Machine): { screenText(): string } | undefined {
  return machine.devices.find((d) => "screenText" in d) as unknown as { screenText(): string } | undefined;
}

/**
 * What a finished run of `machine` under the policy labelled `policy` looked like: the
 * record {@link comparisonTable} and {@link differences} compare. `console` is what the
 * guest wrote to the debug console, `hostMs` how long the run took.
 */
export function policyRunOf(machine: Machine, policy: string, outcome: RunOutcome, console: string, hostMs: number): PolicyRun {
  const m = machine.monitor;
  return {
    policy,
    outcome,
    instructions: machine.clock.instructions,
    console,
    screen: textScreenOf(machine)?.screenText() ?? null,
    events: machine.events,
    counters: m.counters(),
    exits: m.stats.total,
    exitsByReason: m.stats.byReason(),
    timeline: m.stats.timeline?.data() ?? null,
    hostMs,
  };
}

/** How a run differs from the reference run, or an empty list. */
export function differences(ref: PolicyRun, run: PolicyRun): string[] {
  const out: string[] = [];
  if (run.console !== ref.console) out.push(`console output differs ${firstDifference(ref.console, run.console)}`);
  if (run.screen !== ref.screen) out.push("the VGA screen differs");
  const e = ref.events.firstDifference(run.events);
  if (e >= 0) out.push(`the event log differs ${eventDifference(ref.events, run.events, e)}`);
  if (run.instructions !== ref.instructions) out.push(`it retired ${groupDigits(run.instructions)} instructions, not ${groupDigits(ref.instructions)}`);
  if (JSON.stringify(run.outcome) !== JSON.stringify(ref.outcome)) out.push(`it ended with ${outcomeText(run.outcome)}, not ${outcomeText(ref.outcome)}`);
  return out;
}

/** Per run, how it differs from the first (the reference): an empty list for the first. */
export function allDifferences(runs: readonly PolicyRun[]): string[][] {
  const ref = runs[0]!;
  return runs.map((r) => (r === ref ? [] : differences(ref, r)));
}

/** Event `i`, where the logs first differ, as each run saw it. */
function eventDifference(a: EventLog, b: EventLog, i: number): string {
  const show = (log: EventLog) => (i < log.length ? JSON.stringify(formatEvent(log.at(i))) : "(no more events)");
  return `at event ${groupDigits(i + 1)}: ${show(b)} instead of ${show(a)}`;
}

/** The first line where `b` differs from `a`, quoted from both. */
function firstDifference(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const show = (l: string | undefined) => (l === undefined ? "(end of output)" : JSON.stringify(l.length > 60 ? `${l.slice(0, 60)}...` : l));
  return `at line ${i + 1}: ${show(lb[i])} instead of ${show(la[i])}`;
}

/** The per-policy table, header first: what the text and HTML reports (and the playground) show. */
export function comparisonTable(runs: readonly PolicyRun[]): string[][] {
  const ref = runs[0]!;
  const table: string[][] = [["policy", "outcome", "instructions", "direct", "exits", "events", "console", "screen", "host time"]];
  for (const [i, r] of runs.entries()) {
    const all = r.counters.direct + r.counters.emulated;
    table.push([
      r.policy,
      outcomeText(r.outcome),
      groupDigits(r.instructions),
      all === 0 ? "-" : `${((100 * r.counters.direct) / all).toFixed(1)}%`,
      groupDigits(r.exits),
      groupDigits(r.events.length) + (i === 0 || r.events.firstDifference(ref.events) < 0 ? "" : " DIFFERENT"),
      i === 0 ? "reference" : r.console === ref.console ? "same" : "DIFFERENT",
      r.screen === null ? "-" : i === 0 ? "reference" : r.screen === ref.screen ? "same" : "DIFFERENT",
      `${(r.hostMs / 1000).toFixed(2)} s`,
    ]);
  }
  return table;
}

/**
 * Exits by reason, one column per policy, header first; only the reasons some policy exited
 * for (an empty list when none did).
 */
export function exitsByReasonTable(runs: readonly PolicyRun[]): string[][] {
  const reasons = EXIT_REASONS.filter((reason) => runs.some((r) => (r.exitsByReason[reason] ?? 0) > 0));
  if (reasons.length === 0) return [];
  const rows: string[][] = [["exits by reason", ...runs.map((r) => r.policy)]];
  for (const reason of reasons) rows.push([`  ${reason}`, ...runs.map((r) => groupDigits(r.exitsByReason[reason] ?? 0))]);
  return rows;
}

/**
 * What policies counted besides exits (vtx's page walks, guest entries read, two-dimensional
 * walk references...), one row per count in first-seen order, "-" for a policy without it;
 * empty when no policy measured anything.
 */
export function measuredTable(runs: readonly PolicyRun[]): string[][] {
  const measured = [...new Set(runs.flatMap((r) => Object.keys(r.counters.measured ?? {})))];
  if (measured.length === 0) return [];
  const rows: string[][] = [["measured", ...runs.map((r) => r.policy)]];
  for (const what of measured) {
    rows.push([`  ${what}`, ...runs.map((r) => (r.counters.measured?.[what] === undefined ? "-" : groupDigits(r.counters.measured[what]!)))]);
  }
  return rows;
}

/**
 * The verdict as lines of text: one line when the guest could not tell the policies apart,
 * else a heading and one line per difference. `patch` is false under `--no-patch`.
 */
export function verdictLines(runs: readonly PolicyRun[], diffs: readonly string[][], patch: boolean): string[] {
  const ref = runs[0]!;
  if (diffs.every((d) => d.length === 0)) {
    return [
      `verdict: the guest could not tell ${runs.map((r) => r.policy).join(", ")} apart (same console output, screen, instruction count, event log and outcome)`,
    ];
  }
  const lines = [`verdict: the guest COULD tell the policies apart${patch ? "" : " (sensitive instructions were not patched: --no-patch)"}:`];
  for (const [i, d] of diffs.entries()) for (const what of d) lines.push(`  ${runs[i]!.policy} vs ${ref.policy}: ${what}`);
  return lines;
}

/** The text report of `ringlab compare`: the table, exits by reason, what was measured, the verdict. */
export function formatComparison(runs: readonly PolicyRun[], diffs: readonly string[][], patch: boolean): string {
  const lines = [...alignColumns(comparisonTable(runs)), ""];
  const byReason = exitsByReasonTable(runs);
  if (byReason.length > 0) lines.push(...alignColumns(byReason, 1), "");
  const measured = measuredTable(runs);
  if (measured.length > 0) lines.push(...alignColumns(measured, 1), "");
  lines.push(...verdictLines(runs, diffs, patch));
  return lines.join("\n") + "\n";
}

/** Pads each column to its widest cell; columns from `rightFrom` on are right-aligned. */
function alignColumns(rows: string[][], rightFrom = 2): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c >= rightFrom && c < 6 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}
