import "reflect-metadata";
import { CollectingConsole, type Machine, type RunOutcome, bootKernel, builtinRegistry, createMachine, planRaw } from "@ringlab/machine";
import { Finding } from "./finding.js";

/** Where fuzzed guest code is loaded and entered (protected mode, flat segments, paging off). */
export const GUEST_BASE = 0x100000;

/** How one run of a guest ended: everything a guest-indistinguishability check compares. */
export interface GuestRun {
  outcome: RunOutcome;
  output: string;
  instructions: number;
  /** Every interrupt and exception delivered to the guest, one line each. */
  events: string;
  registers: string;
}

const machines = new Map<string, { machine: Machine; console: CollectingConsole }>();

/**
 * A machine of the default PC (4 MiB) with `code` loaded at 1 MiB and entered there. One
 * machine per policy and engine serves every input: powered on again (reset, RAM cleared) so
 * each input starts from the same state — a machine costs far more to build than an input
 * takes to run.
 */
export function guestMachine(code: Uint8Array, options: { policy: string; engine: "interp" | "jit"; budget: number }): { machine: Machine; console: CollectingConsole } {
  const key = `${options.policy}/${options.engine}/${options.budget}`;
  let entry = machines.get(key);
  if (entry === undefined) {
    const console = new CollectingConsole();
    const machine = createMachine(
      { maxInstructions: options.budget, memory: { size: 4 << 20 }, monitor: { policy: options.policy }, cpu: { engine: options.engine, jitThreshold: 2 } },
      builtinRegistry(),
      { console },
    );
    entry = { machine, console };
    machines.set(key, entry);
  } else {
    entry.machine.reset();
    entry.machine.bus.memory.ram8.fill(0);
    entry.console.clear();
  }
  bootKernel(entry.machine, entry.machine.cpu, planRaw("fuzz input", code, GUEST_BASE));
  return entry;
}

/**
 * Runs `code` as a guest; a host exception is a finding. The run must end as a guest run
 * does: its exit, a halt, a shutdown (triple fault), a reset request or the budget.
 */
export function runGuest(code: Uint8Array, policy: string, engine: "interp" | "jit", budget: number): GuestRun {
  const { machine, console } = guestMachine(code, { policy, engine, budget });
  let outcome: RunOutcome;
  try {
    outcome = machine.run();
  } catch (e) {
    throw new Finding("host exception", `${policy}/${engine}: ${(e as Error).stack ?? String(e)}`);
  }
  const cpu = machine.cpu;
  const lines: string[] = [];
  for (let i = 0; i < machine.events.length; i++) {
    const e = machine.events.at(i);
    lines.push(`${e.instructions} ${e.vector} ${e.kind} ${e.cs}:${e.eip} ${e.errorCode}`);
  }
  return {
    outcome,
    output: console.text(),
    instructions: machine.clock.instructions,
    events: lines.join("\n"),
    // The general registers are the guest's under every policy (EFLAGS and CS are not: a
    // monitor keeps IF, IOPL and the CPL virtual).
    registers: [...cpu.regs, cpu.eip].map((v) => (v >>> 0).toString(16)).join(" "),
  };
}

/** Throws a finding naming the first thing in which run `b` differs from the reference `a`. */
export function expectSameRun(a: GuestRun, b: GuestRun, what: string): void {
  for (const key of ["outcome", "output", "instructions", "events", "registers"] as const) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x !== y) throw new Finding(`${what} differ`, `${key}: ${x.slice(0, 300)} vs ${y.slice(0, 300)}`);
  }
}
