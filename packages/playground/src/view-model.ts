import { groupDigits } from "@ringlab/machine";
import { EXIT_REASONS, type ExitReason } from "@ringlab/monitor";
import type { Progress } from "./protocol.js";

// What the page shows of a run, computed in the worker from the machine's counters (so that
// the page's own script stays free of the machine): pure functions, tested without a browser.

/** One row of the live exits-by-reason view. */
export interface ExitRow {
  reason: ExitReason;
  count: number;
  /** `count` with its digits grouped. */
  text: string;
  /** The bar's length, 0-100, relative to the most frequent reason. */
  percent: number;
}

/** The reasons the policy exited for so far, in the order the CLI lists them, with bars. */
export function exitRows(byReason: Partial<Record<ExitReason, number>>): ExitRow[] {
  const rows = EXIT_REASONS.filter((r) => (byReason[r] ?? 0) > 0).map((reason) => ({ reason, count: byReason[reason]!, text: groupDigits(byReason[reason]!), percent: 0 }));
  const max = Math.max(0, ...rows.map((r) => r.count));
  for (const r of rows) r.percent = max === 0 ? 0 : Math.max(1, Math.round((100 * r.count) / max));
  return rows;
}

/** "pvi: 1,234,567 instructions, 12.3 ms of guest time, 4,567 exits (0.31 s on this host)" */
export function progressLine(p: Omit<Progress, "exitRows" | "line">): string {
  const exits = p.exits === 1 ? "1 exit" : `${groupDigits(p.exits)} exits`;
  return `${p.policy}: ${groupDigits(p.instructions)} instructions, ${formatMs(p.virtualMs)} of guest time, ${exits} (${(p.hostMs / 1000).toFixed(2)} s on this host)`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
