import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { type Machine, type Processor, type ProcessorStop, builtinRegistry, createMachine } from "../src/index.js";

/**
 * A scripted processor: it retires instructions one by one and runs `program[i]` at
 * instruction i (an OUT, a HLT...). Enough to check the loop's time and stop handling.
 */
class ScriptedCpu implements Processor {
  slices: number[] = [];
  halted = false;
  ifFlag = true;
  taken: number[] = [];
  private stop = false;
  constructor(
    private readonly m: Machine,
    private readonly program: Record<number, (cpu: ScriptedCpu) => ProcessorStop | void>,
  ) {}
  run(budget: number): ProcessorStop {
    this.slices.push(budget);
    this.stop = false;
    let retired = 0;
    for (;;) {
      if (this.ifFlag && this.m.bus.interrupts.hasPendingInterrupt()) {
        this.halted = false;
        this.taken.push(this.m.bus.interrupts.acknowledge());
      }
      if (this.halted) return { kind: "halt" };
      if (retired === budget) return { kind: "budget" };
      const step = this.program[this.m.clock.instructions];
      this.m.clock.retire(1);
      retired++;
      const r = step?.(this);
      if (r) return r;
      if (this.stop) return { kind: "budget" };
    }
  }
  interruptsEnabled(): boolean {
    return this.ifFlag;
  }
  requestStop(): void {
    this.stop = true;
  }
}

function machine() {
  return createMachine({ devices: ["debugcon", "exit-port"], clock: { cyclesPerInstruction: 10 } }, builtinRegistry());
}

describe("run loop", () => {
  it("ends at the instruction limit exactly", () => {
    const m = machine();
    m.setProcessor(new ScriptedCpu(m, {}));
    expect(m.run(1000)).toEqual({ kind: "instruction-limit", instructions: 1000 });
    expect(m.clock.ticks).toBe(10_000);
  });

  it("stops the slice right after the instruction that wrote the exit port", () => {
    const m = machine();
    const cpu = new ScriptedCpu(m, { 41: () => m.bus.ports.write(0xf4, 1, 3) });
    m.setProcessor(cpu);
    expect(m.run(1_000_000)).toEqual({ kind: "exit", status: 3, reason: "guest wrote 0x3 to the exit port 0xF4" });
    expect(m.clock.instructions).toBe(42);
  });

  it("slices the CPU at timer deadlines so devices see exact instruction counts", () => {
    const m = machine();
    const seen: number[] = [];
    m.clock.scheduleAt(95, () => seen.push(m.clock.instructions)); // due after 10 instructions (100 ticks)
    m.clock.scheduleAt(300, () => seen.push(m.clock.instructions));
    const cpu = new ScriptedCpu(m, {});
    m.setProcessor(cpu);
    m.run(50);
    expect(seen).toEqual([10, 30]);
    expect(cpu.slices).toEqual([10, 20, 20]);
  });

  it("skips virtual time over HLT to the next timer and wakes on its interrupt", () => {
    const m = machine();
    let pending = false;
    m.bus.setInterruptController("test-pic", {
      hasPendingInterrupt: () => pending,
      acknowledge: () => ((pending = false), 0x20),
    });
    m.clock.scheduleAt(1_000_000, () => (pending = true));
    const cpu = new ScriptedCpu(m, { 4: (c) => ((c.halted = true), { kind: "halt" }) });
    m.setProcessor(cpu);
    expect(m.run(10)).toEqual({ kind: "instruction-limit", instructions: 10 });
    expect(cpu.taken).toEqual([0x20]);
    // 5 instructions, a jump to tick 1_000_000, then 5 more.
    expect(m.clock.ticks).toBe(1_000_050);
  });

  it("reports a HLT nothing can wake: interrupts off, or no timer pending", () => {
    const m = machine();
    const cpu = new ScriptedCpu(m, { 2: (c) => ((c.halted = true), (c.ifFlag = false), { kind: "halt" }) });
    m.setProcessor(cpu);
    expect(m.run()).toEqual({ kind: "halted", reason: "HLT with interrupts disabled: nothing can wake the CPU" });
    const m2 = machine();
    m2.setProcessor(new ScriptedCpu(m2, { 0: (c) => ((c.halted = true), { kind: "halt" }) }));
    expect(m2.run()).toMatchObject({ kind: "halted", reason: /no timer pending/ });
  });

  it("reports a HLT with IF=1 that no IRQ line can reach, though timers still fire", () => {
    const m = machine();
    m.bus.setInterruptController("test-pic", { hasPendingInterrupt: () => false, canInterrupt: () => false, acknowledge: () => 0x20 });
    let fired = 0;
    const tick = (now: number) => (fired++, m.clock.scheduleAt(now + 1000, tick));
    m.clock.scheduleAt(1000, tick);
    m.setProcessor(new ScriptedCpu(m, { 3: (c) => ((c.halted = true), { kind: "halt" }) }));
    expect(m.run()).toMatchObject({ kind: "halted", reason: /no IRQ line can reach the CPU/ });
    expect(m.clock.instructions).toBe(4);
    expect(fired).toBe(0);
  });

  it("passes shutdown and unclaimed exceptions up", () => {
    const m = machine();
    m.setProcessor(new ScriptedCpu(m, { 7: () => ({ kind: "shutdown", why: "triple fault" }) }));
    expect(m.run()).toEqual({ kind: "shutdown", why: "triple fault" });
  });

});
