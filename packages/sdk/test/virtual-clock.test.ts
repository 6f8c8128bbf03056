import { describe, expect, it } from "vitest";
import { VirtualClock } from "../src/index.js";

describe("VirtualClock", () => {
  it("advances the TSC by cycles-per-instruction for each retired instruction", () => {
    const c = new VirtualClock({ tscHz: 2_000_000_000, cyclesPerInstruction: 3 });
    c.retire(10);
    expect(c.ticks).toBe(30);
    expect(c.instructions).toBe(10);
    expect(c.nanoseconds).toBe(15);
    expect(c.nsToTicks(1.2)).toBe(3);
  });

  it("fires timers in deadline order, and in scheduling order within one tick", () => {
    const c = new VirtualClock();
    const fired: string[] = [];
    c.scheduleAt(50, () => fired.push("b"), "b");
    c.scheduleAt(20, () => fired.push("a"), "a");
    c.scheduleAt(50, () => fired.push("c"), "c");
    c.scheduleAt(50, () => fired.push("d"), "d");
    expect(c.pendingTimers().map((t) => t.label)).toEqual(["a", "b", "c", "d"]);
    c.retire(49);
    expect(c.runDueTimers()).toBe(1);
    c.retire(1);
    expect(c.runDueTimers()).toBe(3);
    expect(fired).toEqual(["a", "b", "c", "d"]);
  });

  it("passes each callback its own deadline even when run late", () => {
    const c = new VirtualClock();
    const at: number[] = [];
    c.scheduleAt(5, (now) => at.push(now));
    c.scheduleAt(7, (now) => at.push(now));
    c.retire(100);
    c.runDueTimers();
    expect(at).toEqual([5, 7]);
  });

  it("tells the machine loop how many instructions fit before the next deadline", () => {
    const c = new VirtualClock({ cyclesPerInstruction: 4 });
    expect(c.instructionsUntilNextTimer()).toBe(Infinity);
    c.scheduleIn(10, () => {});
    expect(c.instructionsUntilNextTimer()).toBe(3); // 12 ticks reach the deadline at 10
    c.retire(3);
    expect(c.instructionsUntilNextTimer()).toBe(0);
  });

  it("does not fire cancelled timers and re-fires periodic ones scheduled from callbacks", () => {
    const c = new VirtualClock();
    const fired: number[] = [];
    const t = c.scheduleAt(10, () => fired.push(-1));
    t.cancel();
    const periodic = (now: number) => {
      fired.push(now);
      if (now < 40) c.scheduleAt(now + 10, periodic, "tick");
    };
    c.scheduleAt(10, periodic, "tick");
    c.retire(35);
    c.runDueTimers();
    expect(fired).toEqual([10, 20, 30]);
    expect(c.nextDeadline()).toBe(40);
  });

  it("runs a timer scheduled in the past at the next check, with its own deadline", () => {
    const c = new VirtualClock();
    c.retire(100);
    const at: number[] = [];
    c.scheduleAt(10, (now) => at.push(now));
    expect(c.instructionsUntilNextTimer()).toBe(0);
    expect(c.runDueTimers()).toBe(1);
    expect(at).toEqual([10]);
  });

  it("skips to a tick with no instructions retired (HLT) and jumps only forward", () => {
    const c = new VirtualClock();
    c.skipTo(1000);
    c.skipTo(10);
    expect(c.ticks).toBe(1000);
    expect(c.instructions).toBe(0);
  });

  it("saves and restores time, dropping timers", () => {
    const c = new VirtualClock();
    c.retire(1234);
    c.scheduleIn(5, () => {});
    const saved = JSON.parse(JSON.stringify(c.saveState()));
    const d = new VirtualClock();
    d.scheduleIn(1, () => {});
    d.loadState(saved);
    expect(d.ticks).toBe(1234);
    expect(d.instructions).toBe(1234);
    expect(d.nextDeadline()).toBe(Infinity);
    expect(() => d.loadState({ ticks: "x" })).toThrow(/clock state/);
  });

  it("rejects unusable options with the key and the range expected", () => {
    expect(() => new VirtualClock({ tscHz: 0 })).toThrow(/clock\.tscHz: expected a whole number of Hz/);
    expect(() => new VirtualClock({ cyclesPerInstruction: 0.5 })).toThrow(/clock\.cyclesPerInstruction/);
  });

  it("keeps timer order deterministic across many random schedules", () => {
    const run = () => {
      const c = new VirtualClock();
      const order: number[] = [];
      let seed = 12345;
      for (let i = 0; i < 500; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const id = i;
        c.scheduleAt(seed % 97, () => order.push(id));
      }
      c.retire(100);
      c.runDueTimers();
      return order;
    };
    const a = run();
    expect(a).toHaveLength(500);
    expect(run()).toEqual(a);
  });
});

describe("timer handles", () => {
  it("are active until they fire, are cancelled, or the clock drops them (reset, loadState)", () => {
    const clock = new VirtualClock();
    const fired = clock.scheduleAt(10, () => undefined);
    const cancelled = clock.scheduleAt(20, () => undefined);
    const dropped = clock.scheduleAt(30, () => undefined);
    expect([fired.active, cancelled.active, dropped.active]).toEqual([true, true, true]);
    cancelled.cancel();
    clock.skipTo(10);
    clock.runDueTimers();
    expect([fired.active, cancelled.active, dropped.active]).toEqual([false, false, true]);
    clock.loadState({ ticks: 5, instructions: 5 });
    expect(dropped.active, "a restore drops every pending timer").toBe(false);
    const again = clock.scheduleAt(30, () => undefined);
    clock.reset();
    expect(again.active, "so does a reset").toBe(false);
  });
});
