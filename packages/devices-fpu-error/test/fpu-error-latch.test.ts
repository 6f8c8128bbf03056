import "reflect-metadata";
import { describe, expect, it } from "vitest";
import type { FpuErrorSignal } from "@ringlab/sdk";
import { DeviceTestKit, prng } from "@ringlab/sdk/testing";
import { FpuErrorLatch, fpuErrorLatchPlugin } from "../src/index.js";

/** The latch on a test kit, with a FERR# line the test asserts by hand (the CPU's part). */
function bench(options: unknown = {}) {
  const kit = new DeviceTestKit();
  let assertFerr = () => {};
  const ferr: FpuErrorSignal = { onAssert: (l) => (assertFerr = l) };
  const latch = kit.install(new FpuErrorLatch("fpu-error", kit.options(fpuErrorLatchPlugin, options), ferr));
  const levels = () => kit.irqEvents.map((e) => `${e.line}:${e.high ? "high" : "low"}`);
  return { kit, latch, ferr: () => assertFerr(), levels };
}

describe("the PC/AT coprocessor error latch", () => {
  it("claims port 0xF0 and IRQ 13 by default", () => {
    const { kit } = bench();
    expect(kit.options(fpuErrorLatchPlugin)).toEqual({ port: 0xf0, irq: 13 });
    expect([kit.bus.ports.ownerOf(0xf0), kit.bus.irqs.ownerOf(13)]).toEqual(["fpu-error", "fpu-error"]);
    expect(kit.bus.ports.ownerOf(0xf1)).toBeUndefined();
  });

  it("FERR# sets the latch and holds IRQ 13 high until a write to 0xF0, whatever the value", () => {
    const { kit, latch, ferr, levels } = bench();
    expect(latch.asserted).toBe(false);
    ferr();
    expect(latch.asserted).toBe(true);
    expect(kit.bus.irqs.level(13)).toBe(true);
    ferr(); // the next waiting x87 instruction asserts it again: no second edge
    expect(kit.in8(0xf0)).toBe(0xff); // write-only
    expect(kit.bus.irqs.level(13)).toBe(true);
    kit.out8(0xf0, 0x5a);
    expect(latch.asserted).toBe(false);
    expect(kit.bus.irqs.level(13)).toBe(false);
    kit.out8(0xf0, 0); // clearing a clear latch changes nothing
    ferr();
    expect(levels()).toEqual(["13:high", "13:low", "13:high"]);
  });

  it("is clear after reset and keeps its state through save and load", () => {
    const a = bench();
    a.ferr();
    const saved = a.latch.saveState();
    expect(saved).toEqual({ latched: true });
    const b = bench();
    b.latch.loadState(saved);
    expect([b.latch.asserted, b.kit.bus.irqs.level(13)]).toEqual([true, true]);
    b.latch.reset();
    expect([b.latch.asserted, b.kit.bus.irqs.level(13)]).toEqual([false, false]);
    expect(() => b.latch.loadState({ latched: 1 })).toThrow("fpu-error state: field 'latched': expected true or false, got 1");
  });

  it("takes another port and line when a board wires it elsewhere", () => {
    const { kit, ferr } = bench({ port: 0x1f0, irq: 9 });
    ferr();
    expect(kit.bus.irqs.level(9)).toBe(true);
    kit.out8(0x1f0, 0);
    expect(kit.bus.irqs.level(9)).toBe(false);
    expect(() => kit.options(fpuErrorLatchPlugin, { irq: 16 })).toThrow();
  });

  it("no port sequence or FERR# pattern throws, and the line always equals the latch", () => {
    const { kit, latch, ferr } = bench();
    const rnd = prng(13);
    for (let i = 0; i < 5000; i++) {
      const r = rnd();
      if (r < 0.3) ferr();
      else if (r < 0.6) kit.out8(0xf0, Math.floor(rnd() * 256));
      else if (r < 0.8) kit.in8(0xf0);
      else kit.out16(0xf0, Math.floor(rnd() * 65536));
      expect(kit.bus.irqs.level(13)).toBe(latch.asserted);
    }
  });
});
