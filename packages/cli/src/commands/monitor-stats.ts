import { groupDigits } from "@ringlab/machine";
import type { MonitorPolicy } from "@ringlab/monitor";

// Shared with `ringlab compare` and the playground; re-exported for the CLI's other reports.
export { groupDigits };

/**
 * What the monitor policy did, for `--stats`: the policy, how many instructions ran directly
 * on the CPU and how many the monitor emulated, what the scanner patched, and every exit by
 * reason and instruction, most frequent first.
 */
export function formatMonitorStats(monitor: MonitorPolicy): string[] {
  const c = monitor.counters();
  const all = c.direct + c.emulated;
  const pct = (n: number) => (all === 0 ? "" : ` (${((100 * n) / all).toFixed(1)}%)`);
  const lines = [`monitor policy:       ${monitor.name}: ${monitor.description}`];
  lines.push(`direct execution:     ${groupDigits(c.direct)} instructions${pct(c.direct)}`);
  lines.push(`emulated by monitor:  ${groupDigits(c.emulated)} instructions${pct(c.emulated)}`);
  if (monitor.name !== "pure") lines.push(`code scanned:         ${groupDigits(c.scanned)} instructions, ${groupDigits(c.patched)} patched`);
  const rows = monitor.stats.rows();
  if (rows.length === 0) {
    lines.push(`exits:                none${monitor.name === "pure" ? " (pure emulation intercepts nothing)" : ""}`);
    return lines;
  }
  lines.push(`exits:                ${groupDigits(monitor.stats.total)}`);
  const width = Math.max(...rows.map((r) => r.instruction.length), 11);
  for (const r of rows) lines.push(`  ${r.reason.padEnd(23)} ${r.instruction.padEnd(width)} ${groupDigits(r.count).padStart(12)}`);
  return lines;
}
