import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu, type Engine, type StopReason } from "../../src/index.js";

/** Where the JIT tests put things: code at CODE, data at DATA, the stack below STACK_TOP. */
export const CODE = 0x1000;
export const DATA = 0x20000;
export const STACK_TOP = 0x80000;
const RAM = 1 << 20;

const machines = new Map<Engine, { bus: Bus; clock: VirtualClock; cpu: Cpu }>();

/** The state two engines must agree on after a run. */
export interface RunResult {
  stops: string[];
  instructions: number;
  regs: number[];
  eip: number;
  eflags: number;
  ram: Uint8Array;
  /** Blocks the JIT translated (0 under interp). */
  blocks: number;
  events: string[];
}

/**
 * A bare machine (1 MiB of RAM, flat 32-bit protected mode, no devices) running `code` at
 * CODE with the given registers and engine, its budget handed out in slices of `slice`
 * instructions (0: all at once). Exceptions are claimed by the exit hook and logged.
 */
export function runCode(
  engine: Engine,
  code: readonly number[],
  regs: readonly number[],
  opts: { budget?: number; slice?: number; setup?: (cpu: Cpu, bus: Bus) => void } = {},
): RunResult {
  // One machine per engine, reused (a Bus and a Cpu cost milliseconds to build): RAM is
  // cleared and the decoded code flushed, so nothing carries over from the previous case.
  let mc = machines.get(engine);
  if (mc === undefined) {
    const bus = new Bus({ ramSize: RAM });
    bus.memory.mapRam("ram", 0, RAM);
    const clock = new VirtualClock();
    mc = { bus, clock, cpu: new Cpu(bus, clock) };
    machines.set(engine, mc);
  }
  const { bus, clock, cpu } = mc;
  const start = clock.instructions;
  bus.memory.ram8.fill(0, 0, STACK_TOP + 0x1000);
  cpu.setEngine(engine, 1);
  bus.memory.ram8.set([...code, 0xf4], CODE);
  for (let k = 0; k < 4096; k++) bus.memory.ram8[DATA + k] = (k * 37 + 11) & 0xff;
  cpu.setFlat32(CODE);
  for (let r = 0; r < 8; r++) cpu.setReg32(r, regs[r]!);
  cpu.setReg32(4, STACK_TOP);
  cpu.setEflags(0x2 | (regs[8]! & 0x8d5));
  const events: string[] = [];
  cpu.exitHook = (e) => {
    events.push(`${clock.instructions - start} ${e.kind} ${e.vector} ${e.eip.toString(16)} ${e.errorCode ?? ""}`);
    return true;
  };
  opts.setup?.(cpu, bus);
  const budget = opts.budget ?? 5000;
  const slice = opts.slice ?? 0;
  const stops: string[] = [];
  let left = budget;
  while (left > 0) {
    const before = clock.instructions;
    const r: StopReason = cpu.run(slice > 0 ? Math.min(slice, left) : left);
    left -= clock.instructions - before;
    stops.push(`${clock.instructions - start}:${r.kind}`);
    if (r.kind === "halt" || r.kind === "shutdown") break;
    if (r.kind === "exception") {
      // A claimed fault leaves EIP at the faulting instruction: step over it to go on.
      break;
    }
  }
  const out: number[] = [];
  for (let r = 0; r < 8; r++) out.push(cpu.getReg32(r));
  return {
    stops,
    instructions: clock.instructions - start,
    blocks: cpu.jitEngine?.blocksBuilt ?? 0,
    regs: out,
    eip: cpu.eip,
    eflags: cpu.getEflags(),
    ram: bus.memory.ram8.slice(0, STACK_TOP + 0x1000),
    events,
  };
}
