import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { EXACT_HZ, bench, program, refEdge, refTick } from "./helpers.js";

describe("channel 0 drives IRQ 0 at the exact TSC tick of each OUT edge", () => {
  const rates = [1_000_000_000, EXACT_HZ, 2_893_741_117, 1_000_000, 100_000_000_000];
  for (const hz of rates) {
    it(`mode 2, divisor 1193, at ${hz} Hz: one low clock then a rising edge every N PIT clocks`, () => {
      const b = bench(hz);
      const t0 = 123_457;
      b.at(t0);
      const n = 1193;
      program(b, 0, 0x34, n); // counter 0, LSB then MSB, mode 2, binary
      // The count loads on the first PIT edge after the write (datasheet: "loaded on the next CLK pulse").
      const load = refEdge(t0, hz) + 1;
      b.at(refTick(load + 5 * n, hz) + 1);
      const expected = [];
      for (let k = 1; k <= 5; k++) {
        expected.push({ high: false, tick: refTick(load + k * n - 1, hz) });
        expected.push({ high: true, tick: refTick(load + k * n, hz) });
      }
      expect(b.irqAfter(t0)).toEqual(expected);
      const rises = expected.filter((e) => e.high).map((e) => e.tick);
      // Every period is N PIT clocks of virtual time: N/1193182 s, to within one TSC tick of rounding.
      for (let i = 1; i < rises.length; i++) {
        expect(Math.abs(rises[i]! - rises[i - 1]! - (n * hz) / 1_193_182)).toBeLessThan(1);
      }
    });
  }

  it("mode 2 with a count of 0 divides by 65536 (the BIOS's 18.2 Hz)", () => {
    const b = bench();
    program(b, 0, 0x34, 0);
    b.at(refTick(1 + 3 * 65536, EXACT_HZ));
    expect(b.irqAfter(0).filter((e) => e.high).map((e) => e.tick)).toEqual([1, 2, 3].map((k) => (1 + k * 65536) * 1000));
  });

  it("mode 3 square wave: IRQ level is the square wave, rising every N clocks", () => {
    const b = bench();
    program(b, 0, 0x36, 5); // mode 3, odd count: high 3 clocks, low 2
    b.at(11_500);
    expect(b.irqAfter(0)).toEqual([
      { high: false, tick: 4000 },
      { high: true, tick: 6000 },
      { high: false, tick: 9000 },
      { high: true, tick: 11000 },
    ]);
  });

  it("mode 0 drops the line at the control word and raises it at terminal count, then arms no timer", () => {
    const b = bench();
    b.at(500);
    b.kit.out8(0x43, 0x30); // counter 0, mode 0
    expect(b.kit.bus.irqs.level(0)).toBe(false);
    b.kit.out8(0x40, 5);
    b.kit.out8(0x40, 0);
    expect(b.kit.clock.pendingTimers()).toEqual([{ label: "pit OUT0", deadline: 6000 }]);
    b.at(100_000);
    // Loaded at edge 1, terminal count 5 clocks later: N + 1 clocks after the write.
    expect(b.irqAfter(0)).toEqual([
      { high: false, tick: 500 },
      { high: true, tick: 6000 },
    ]);
    expect(b.kit.clock.pendingTimers()).toEqual([]);
  });

  it("re-schedules when reprogrammed and cancels the old timer", () => {
    const b = bench();
    program(b, 0, 0x34, 1000);
    b.at(50_500);
    program(b, 0, 0x34, 10); // mode 2 again: the control word restarts counting with the new count
    expect(b.kit.clock.pendingTimers()).toEqual([{ label: "pit OUT0", deadline: 60_000 }]);
    b.at(81_000);
    expect(b.irqAfter(50_500).filter((e) => e.high).map((e) => e.tick)).toEqual([61_000, 71_000, 81_000]);
    // Unprogramming-by-mode-0 without a count: OUT low, nothing to schedule.
    b.kit.out8(0x43, 0x30);
    expect(b.kit.clock.pendingTimers()).toEqual([]);
  });

  it("a new mode 2 count takes effect at the end of the current period", () => {
    const b = bench();
    program(b, 0, 0x34, 100);
    b.at(30_500); // edge 30: the first period ends at edge 101
    b.kit.out8(0x40, 10);
    b.kit.out8(0x40, 0);
    b.at(140_000);
    expect(b.irqAfter(0).filter((e) => e.high).map((e) => e.tick)).toEqual([101_000, 111_000, 121_000, 131_000]);
  });

  it("delivers a one-clock low pulse as two edges even when time jumps past both", () => {
    const b = bench();
    program(b, 0, 0x34, 4);
    // Jump the clock without firing timers, as a long instruction slice could, then fire.
    b.kit.clock.skipTo(7_500);
    b.kit.clock.runDueTimers();
    expect(b.irqAfter(0)).toEqual([
      { high: false, tick: 7_500 },
      { high: true, tick: 7_500 },
    ]);
    expect(b.kit.clock.pendingTimers()).toEqual([{ label: "pit OUT0", deadline: 8_000 }]);
  });

  it("uses the configured IRQ line", () => {
    const b = bench(EXACT_HZ, { irq: 2 });
    program(b, 0, 0x34, 3);
    b.at(4_000);
    expect(b.kit.irqEvents.filter((e) => e.tick > 0).map((e) => e.line)).toEqual([2, 2]);
    expect(b.kit.bus.irqs.ownerOf(2)).toBe("pit");
  });

  it("never drives the IRQ line from channels 1 and 2", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 1, 0x74, 3);
    program(b, 2, 0xb6, 4);
    b.at(1_000_000);
    expect(b.irqAfter(0)).toEqual([]);
    expect(b.kit.clock.pendingTimers()).toEqual([]);
  });
});
