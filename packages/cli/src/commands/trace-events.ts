import { closeSync, openSync, writeSync } from "node:fs";
import { type Machine, formatEvent } from "@ringlab/machine";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import { groupDigits } from "./monitor-stats.js";

/** Events written per write call. */
const CHUNK = 4096;

/**
 * `--trace-events FILE`: the run's event log (every interrupt and exception the guest
 * received through its own IDT or IVT), one line per event — retired instructions, vector,
 * kind, CS:EIP, error code, name. The file is opened before the run, so an unwritable path
 * fails at once, and written when the run ends, however it ends. Returns that writer.
 */
export function startEventTrace(machine: Machine, path: string): () => void {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new UserError(`--trace-events: cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
  }
  return () => {
    const log = machine.events;
    try {
      writeSync(fd, "# instructions vector kind cs:eip [err=code] name\n");
      for (let i = 0; i < log.length; i += CHUNK) {
        const lines: string[] = [];
        for (let k = i; k < Math.min(log.length, i + CHUNK); k++) lines.push(formatEvent(log.at(k)));
        writeSync(fd, lines.join("\n") + "\n");
      }
    } finally {
      closeSync(fd);
    }
  };
}

/** The event log's summary for `--stats`: how many events, and how many of each vector. */
export function formatEventStats(machine: Machine): string[] {
  const log = machine.events;
  if (log.length === 0) return ["guest events:         none (no interrupt or exception reached the guest)"];
  const lines = [`guest events:         ${groupDigits(log.length)} interrupts and exceptions delivered through the guest's IDT/IVT`];
  const rows = log.summary();
  const width = Math.max(...rows.map((r) => r.name.length), 11);
  for (const r of rows) lines.push(`  ${r.kind.padEnd(23)} ${r.name.padEnd(width)} ${groupDigits(r.count).padStart(12)}`);
  return lines;
}
