import { BUILTIN_POLICY_NAMES, EXIT_REASONS, type ExitReason, type ExitTimelineData, type MonitorCounters, type PolicyRegistry } from "@ringlab/monitor";
import { writeFileSync } from "node:fs";
import { type EventLog, type RunOutcome, formatEvent } from "@ringlab/machine";
import { checkPolicySpec, type PolicySpec, parsePolicySpec } from "../config/policy-spec.js";
import { type Registries, loadPlugins } from "../plugins/load-plugins.js";
import type { RunConfig } from "../config/run-config.js";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import { groupDigits } from "./monitor-stats.js";
import { bootMachine, exitStatusOf, type RunFlags, screenOf } from "./run.js";
import { runInWorkers } from "./compare-jobs.js";

/** Flags of `ringlab compare` besides the machine flags. */
export interface CompareFlags extends Pick<RunFlags, "load" | "entry" | "rom" | "plugin"> {
  policies?: string;
  json?: boolean;
  /** `--html FILE`: also write the comparison as a self-contained HTML report. */
  html?: string;
  /**
   * How many policies run at once, each in its own worker thread (`--jobs`, parsed by
   * {@link parseJobs}). Absent or 1: one after another in this thread.
   */
  jobs?: number;
}

/** A policy `compare` runs: its registered name and options, labelled as `--policies` wrote it. */
export type ComparedPolicy = PolicySpec;

/** One policy's run of the guest: everything the guest could show, and what the monitor did. */
export interface PolicyRun {
  /** The policy as `--policies` named it, options included (e.g. `scan-patch:ring=3`). */
  policy: string;
  outcome: RunOutcome;
  /** The status `ringlab run` would exit with. */
  status: number;
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

function outcomeText(o: RunOutcome): string {
  switch (o.kind) {
    case "exit":
      return `exit ${o.status}`;
    case "instruction-limit":
      return "instruction limit";
    case "halted":
      return "halted";
    case "reset":
      return "reset";
    case "stopped":
      return `stopped (${o.reason})`;
    case "shutdown":
      return `shutdown (${o.why})`;
    case "exception":
      return `unhandled exit ${o.vector}`;
  }
}

/**
 * The policies named by `--policies a,b:key=value,c` (default: the built-in ones), each
 * checked against the registry. A bare name that is the configuration's own
 * `monitor.policy` runs with its `monitor.options`; otherwise with the policy's defaults.
 */
export function parsePolicies(text: string | undefined, policies: PolicyRegistry, monitor: { policy: string; options: Record<string, unknown> }): ComparedPolicy[] {
  const specs: ComparedPolicy[] =
    text === undefined
      ? BUILTIN_POLICY_NAMES.map((name) => ({ text: name, name, options: {} }))
      : text
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((s) => parsePolicySpec(s, "--policies"));
  for (const spec of specs) {
    if (spec.text === spec.name && spec.name === monitor.policy) spec.options = { ...monitor.options };
    checkPolicySpec(spec, policies, "--policies");
  }
  if (specs.length < 2) throw new UserError(`--policies: expected at least two policies to compare, got '${text}'`, ExitCode.config);
  if (new Set(specs.map((p) => p.text)).size !== specs.length) throw new UserError(`--policies: a policy is listed twice in '${text}'`, ExitCode.config);
  return specs;
}

/** Boots the guest afresh under `policy` and runs it to its end. */
export function runUnder(
  policy: ComparedPolicy,
  config: RunConfig,
  flags: CompareFlags,
  parseNumber: (v: string) => number,
  registries: Registries,
): PolicyRun {
  let console = "";
  const { machine } = bootMachine(
    { ...config, monitor: { ...config.monitor, policy: policy.name, options: policy.options } },
    { ...flags, screen: "none" },
    parseNumber,
    (bytes) => {
      for (let i = 0; i < bytes.length; i++) console += String.fromCharCode(bytes[i]!);
    },
    registries,
  );
  const t0 = performance.now();
  const outcome = machine.run();
  const hostMs = performance.now() - t0;
  const m = machine.monitor;
  return {
    policy: policy.text,
    outcome,
    status: exitStatusOf(outcome),
    instructions: machine.clock.instructions,
    console,
    screen: screenOf(machine)?.screenText() ?? null,
    events: machine.events,
    counters: m.counters(),
    exits: m.stats.total,
    exitsByReason: m.stats.byReason(),
    timeline: m.stats.timeline?.data() ?? null,
    hostMs,
  };
}

/**
 * `ringlab compare`: runs the same guest under each policy from the same power-on state and
 * checks that it could not tell them apart — same console output, screen, instruction count
 * and outcome as under the first policy — and shows what each policy intercepted.
 */
export async function compareCommand(
  config: RunConfig,
  flags: CompareFlags,
  io: { stdout(s: string): void; version: string },
  parseNumber: (v: string) => number,
): Promise<number> {
  // Loaded here even for workers (which load them again): a plugin that cannot load is
  // reported exactly as without --jobs, before any worker starts.
  const registries = await loadPlugins(config.plugins, flags.plugin ?? []);
  const policies = parsePolicies(flags.policies, registries.policies, config.monitor);
  const jobs = flags.jobs ?? 1;
  const runs =
    jobs > 1
      ? await runInWorkers(policies, config, flags, parseNumber.name, jobs)
      : policies.map((p) => runUnder(p, config, flags, parseNumber, registries));
  const ref = runs[0]!;
  const diffs = runs.map((r) => (r === ref ? [] : differences(ref, r)));
  const same = diffs.every((d) => d.length === 0);
  if (flags.html !== undefined) {
    const { compareHtml } = await import("../report/compare-html.js");
    const html = await compareHtml({ guest: guestName(config, flags), version: io.version, indistinguishable: same, runs, differences: diffs, table: comparisonTable(runs) });
    try {
      writeFileSync(flags.html, html);
    } catch (e) {
      throw new UserError(`--html: cannot write ${flags.html} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
    }
  }
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        {
          indistinguishable: same,
          reference: ref.policy,
          runs: runs.map(({ events, ...r }, i) => ({ ...r, events: events.length, differences: diffs[i] })),
        },
        null,
        2,
      ) + "\n",
    );
    return same ? 0 : ExitCode.policiesDiffer;
  }
  io.stdout(formatComparison(runs, diffs, config.monitor.patch));
  return same ? 0 : ExitCode.policiesDiffer;
}

/** The guest as the command line named it: the kernel, the --load image, or the bundled demo. */
function guestName(config: RunConfig, flags: CompareFlags): string {
  return config.kernel.file ?? flags.load ?? (flags.rom?.length ? `ROM ${flags.rom.join(", ")}` : "the bundled demo guest");
}

/** The per-policy table, header first: what the text and HTML reports show. */
function comparisonTable(runs: PolicyRun[]): string[][] {
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

function formatComparison(runs: PolicyRun[], diffs: string[][], patch: boolean): string {
  const ref = runs[0]!;
  const lines = [...alignColumns(comparisonTable(runs)), ""];
  const reasons = EXIT_REASONS.filter((reason) => runs.some((r) => (r.exitsByReason[reason] ?? 0) > 0));
  if (reasons.length > 0) {
    const byReason: string[][] = [["exits by reason", ...runs.map((r) => r.policy)]];
    for (const reason of reasons) byReason.push([`  ${reason}`, ...runs.map((r) => groupDigits(r.exitsByReason[reason] ?? 0))]);
    lines.push(...alignColumns(byReason, 1), "");
  }
  // What policies counted besides exits (vtx's page walks...), by name in first-seen order.
  const measured = [...new Set(runs.flatMap((r) => Object.keys(r.counters.measured ?? {})))];
  if (measured.length > 0) {
    const rows: string[][] = [["measured", ...runs.map((r) => r.policy)]];
    for (const what of measured) {
      rows.push([`  ${what}`, ...runs.map((r) => (r.counters.measured?.[what] === undefined ? "-" : groupDigits(r.counters.measured[what]!)))]);
    }
    lines.push(...alignColumns(rows, 1), "");
  }
  if (diffs.every((d) => d.length === 0)) {
    lines.push(
      `verdict: the guest could not tell ${runs.map((r) => r.policy).join(", ")} apart (same console output, screen, instruction count, event log and outcome)`,
    );
  } else {
    lines.push(`verdict: the guest COULD tell the policies apart${patch ? "" : " (sensitive instructions were not patched: --no-patch)"}:`);
    for (const [i, d] of diffs.entries()) for (const what of d) lines.push(`  ${runs[i]!.policy} vs ${ref.policy}: ${what}`);
  }
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
