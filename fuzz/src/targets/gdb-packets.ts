import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GdbSession } from "@ringlab/gdb-stub";
import { CollectingConsole, MachineDebugTarget, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";
import { Finding } from "../finding.js";

/**
 * Fuzz target: arbitrary bytes from a GDB client — framing, checksums, escapes and run-length
 * encoding, and every command gdb can send (registers, memory by linear address, breakpoints,
 * watchpoints, stepping, continuing, qRcmd monitor commands) — against a session on the demo
 * guest. Oracles: nothing throws, and the target never fails a command ("command failed" in
 * the session's log is a target bug answered with E01). Runs are bounded by the machine's
 * instruction limit; the session's scheduled slices run synchronously, one after another.
 */
const DEMO = fileURLToPath(new URL("../../../test/guests/demo/demo.bin", import.meta.url));
let demo: Uint8Array | undefined;

export function fuzz(data: Uint8Array): void {
  demo ??= new Uint8Array(readFileSync(DEMO));
  const machine = createMachine({ maxInstructions: 200_000 }, builtinRegistry(), { console: new CollectingConsole() });
  bootKernel(machine, machine.cpu, planMultiboot(DEMO, demo));
  const queue: (() => void)[] = [];
  const target = new MachineDebugTarget(machine, { schedule: (fn) => queue.push(fn) });
  const failures: string[] = [];
  const session = new GdbSession(target, { write: () => undefined, close: () => undefined }, {
    log: (line) => {
      if (line.startsWith("command failed")) failures.push(line);
    },
  });
  try {
    target.attach();
    // Bytes arrive in pieces, as from a socket; slices of a run happen between them.
    for (let i = 0; i < data.length; ) {
      const n = 1 + (data[i]! % 16);
      session.receive(data.subarray(i, i + n));
      i += n;
      for (let k = 0; k < 64 && queue.length > 0; k++) queue.shift()!();
    }
    for (let k = 0; k < 10_000 && queue.length > 0; k++) queue.shift()!();
  } catch (e) {
    throw new Finding("host exception", (e as Error).stack ?? String(e));
  }
  if (failures.length > 0) throw new Finding("target command failed", failures[0]!);
}
