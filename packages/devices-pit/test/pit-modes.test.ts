import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { type Bench, bench, program } from "./helpers.js";

// 1193182000 Hz: PIT edge k is at TSC tick 1000·k. Events are written at ticks ending in 500,
// between edges, so the next edge is the "next CLK pulse" of the datasheet.

/** OUT of `ch` sampled at the first tick of each edge from..to (status bit 7, or port 0x61 bit 5 for counter 2). */
function outs(b: Bench, ch: number, from: number, to: number, via61 = ch === 2): number[] {
  const r: number[] = [];
  for (let k = from; k <= to; k++) {
    b.atEdge(k);
    r.push(via61 ? (b.out2() ? 1 : 0) : b.status(ch) >> 7);
  }
  return r;
}

/** The CE of `ch` latched at each edge from..to. */
function counts(b: Bench, ch: number, from: number, to: number): number[] {
  const r: number[] = [];
  for (let k = from; k <= to; k++) {
    b.atEdge(k);
    r.push(b.latch16(ch));
  }
  return r;
}

describe("mode 0: interrupt on terminal count", () => {
  it("OUT low from the control word, high N+1 clocks after the count is written; the counter wraps", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    b.at(500);
    b.kit.out8(0x43, 0xb0);
    expect(b.out2()).toBe(false);
    b.kit.out8(0x42, 5);
    b.kit.out8(0x42, 0);
    expect(outs(b, 2, 1, 8)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("a new count: the first byte stops counting and drops OUT at once, the second loads on the next clock", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb0, 5); // terminal count at edge 6
    b.at(10_500);
    expect(b.latch16(2)).toBe(0x10000 - 4); // edges 7..10 after reaching 0
    b.kit.out8(0x42, 3);
    expect(b.out2()).toBe(false);
    b.at(15_000);
    expect(b.latch16(2)).toBe(0x10000 - 4); // suspended
    b.at(20_500);
    b.kit.out8(0x42, 0);
    expect(b.latch16(2)).toBe(0x10000 - 4);
    expect(counts(b, 2, 21, 23)).toEqual([3, 2, 1]);
    b.at(23_999);
    expect(b.out2()).toBe(false);
    b.at(24_000);
    expect(b.latch16(2)).toBe(0);
    expect(b.out2()).toBe(true);
  });

  it("GATE low suspends counting without touching OUT; a count written while GATE is low still loads", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb0, 10); // loads at edge 1
    b.at(5_500);
    b.kit.out8(0x61, 0); // edges 6.. do not count
    expect(counts(b, 2, 6, 9)).toEqual([6, 6, 6, 6]);
    b.at(20_500);
    b.kit.out8(0x61, 1);
    b.at(25_999);
    expect(b.out2()).toBe(false);
    b.at(26_000); // 6 more clocks after the gate rose
    expect(b.out2()).toBe(true);
    // Written with GATE low: loaded on the next clock, then held.
    b.kit.out8(0x61, 0);
    b.at(30_500);
    program(b, 2, 0xb0, 4);
    expect(counts(b, 2, 31, 33)).toEqual([4, 4, 4]);
    b.at(33_500);
    b.kit.out8(0x61, 1);
    // "When GATE goes high, OUT will go high N CLK pulses later"
    expect(outs(b, 2, 34, 38)).toEqual([0, 0, 0, 1, 1]);
  });
});

describe("mode 1: hardware retriggerable one-shot", () => {
  it("waits for a GATE trigger, then OUT is low for N clocks; a retrigger restarts the pulse", () => {
    const b = bench();
    program(b, 2, 0xb2, 4);
    b.at(9_000);
    expect(b.out2()).toBe(true);
    expect(b.status(2) & 0x40).toBe(0x40); // null count: not loaded until a trigger
    b.at(10_500);
    b.kit.out8(0x61, 1); // trigger: loads on edge 11
    b.at(10_999);
    expect(b.out2()).toBe(true);
    expect(outs(b, 2, 11, 16)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(b.status(2) & 0x40).toBe(0);
    b.at(20_500);
    b.kit.out8(0x61, 0);
    b.at(21_500);
    b.kit.out8(0x61, 1); // trigger: low from edge 22
    expect(outs(b, 2, 22, 24)).toEqual([0, 0, 0]);
    b.at(24_500);
    b.kit.out8(0x61, 0); // GATE low does not stop mode 1
    b.at(24_700);
    b.kit.out8(0x61, 1); // retrigger at edge 24: reload at 25, low until 29
    expect(outs(b, 2, 25, 30)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it("a count written during the one-shot does not change it; the next trigger uses it", () => {
    const b = bench();
    program(b, 2, 0xb2, 4);
    b.at(500);
    b.kit.out8(0x61, 1); // loads 4 at edge 1: low 1..4
    b.at(2_500);
    b.kit.out8(0x42, 2);
    b.kit.out8(0x42, 0);
    expect(b.status(2) & 0x40).toBe(0x40); // written, not loaded
    expect(outs(b, 2, 3, 6)).toEqual([0, 0, 1, 1]);
    b.kit.out8(0x61, 0);
    b.at(6_500);
    b.kit.out8(0x61, 1); // loads 2 at edge 7: low 7..8
    expect(outs(b, 2, 7, 10)).toEqual([0, 0, 1, 1]);
  });

  it("channel 0 in mode 1 never triggers: its GATE is tied high", () => {
    const b = bench();
    program(b, 0, 0x32, 4);
    b.at(100_000);
    expect(b.status(0) >> 7).toBe(1);
    expect(b.irqAfter(0)).toEqual([]);
  });
});

describe("mode 3: square wave", () => {
  it("odd count 5: high (N+1)/2 clocks, low (N-1)/2, loading N-1 and counting by two", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    b.at(500);
    program(b, 2, 0xb6, 5);
    const o = outs(b, 2, 1, 10);
    expect(o).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
    const c = bench();
    c.kit.out8(0x61, 1);
    c.at(500);
    program(c, 2, 0xb6, 5);
    expect(counts(c, 2, 1, 10)).toEqual([4, 2, 0, 4, 2, 4, 2, 0, 4, 2]);
  });

  it("even count 6: three clocks high, three low", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb6, 6);
    const c = bench();
    c.kit.out8(0x61, 1);
    program(c, 2, 0xb6, 6);
    expect(outs(b, 2, 1, 12)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(counts(c, 2, 1, 7)).toEqual([6, 4, 2, 6, 4, 2, 6]);
  });

  it("GATE low forces OUT high at once; GATE high reloads on the next clock", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb6, 10); // low during edges 6..10
    b.at(7_500);
    expect(b.out2()).toBe(false);
    b.kit.out8(0x61, 0);
    expect(b.out2()).toBe(true);
    b.at(20_500);
    b.kit.out8(0x61, 1); // reload at edge 21: high 21..25, low 26..30
    expect(outs(b, 2, 21, 31)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it("a new count takes effect at the end of the current half-cycle", () => {
    const b = bench();
    program(b, 0, 0x36, 10); // counter 0: high 1..5, low 6..10
    b.at(2_500);
    b.kit.out8(0x40, 4);
    b.kit.out8(0x40, 0);
    b.at(20_000);
    // Half-cycle ends at edge 6 (OUT low, CE reloads with 4): low 6..7, high 8..9, low 10..11 ...
    expect(b.irqAfter(0)).toEqual([
      { high: false, tick: 6_000 },
      { high: true, tick: 8_000 },
      { high: false, tick: 10_000 },
      { high: true, tick: 12_000 },
      { high: false, tick: 14_000 },
      { high: true, tick: 16_000 },
      { high: false, tick: 18_000 },
      { high: true, tick: 20_000 },
    ]);
  });
});

describe("mode 4: software triggered strobe", () => {
  it("OUT strobes low for one clock N+1 clocks after the count is written, once", () => {
    const b = bench();
    b.at(500);
    program(b, 1, 0x78, 3);
    expect(outs(b, 1, 1, 7)).toEqual([1, 1, 1, 0, 1, 1, 1]);
    b.atEdge(8);
    expect(b.latch16(1)).toBe(0xffff - 3);
  });

  it("a new count during counting loads on the next clock", () => {
    const b = bench();
    program(b, 1, 0x78, 100);
    b.at(10_500);
    b.kit.out8(0x41, 2);
    b.kit.out8(0x41, 0);
    expect(outs(b, 1, 11, 14)).toEqual([1, 1, 0, 1]);
  });
});

describe("mode 4 GATE", () => {
  it("GATE low suspends the count; OUT is not affected", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb8, 5); // mode 4: strobe at edge 6 if counting throughout
    b.at(2_500);
    b.kit.out8(0x61, 0); // CE held at 4 from edge 3
    expect(outs(b, 2, 3, 9)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(b.latch16(2)).toBe(4);
    b.at(9_500);
    b.kit.out8(0x61, 1); // 4 more clocks: strobe at edge 13
    expect(outs(b, 2, 10, 14)).toEqual([1, 1, 1, 0, 1]);
  });
});

describe("mode 5: hardware triggered strobe", () => {
  it("a GATE trigger loads the count; OUT strobes low N+1 clocks after the trigger; retriggerable", () => {
    const b = bench();
    program(b, 2, 0xba, 3);
    b.at(2_500);
    b.kit.out8(0x61, 1); // loads at edge 3
    expect(outs(b, 2, 3, 8)).toEqual([1, 1, 1, 0, 1, 1]);
    b.kit.out8(0x61, 0);
    b.at(10_500);
    b.kit.out8(0x61, 1); // loads at 11, strobe at 14
    b.at(12_500);
    b.kit.out8(0x61, 0);
    b.kit.out8(0x61, 1); // retrigger: loads at 13, strobe at 16
    expect(outs(b, 2, 13, 17)).toEqual([1, 1, 1, 0, 1]);
  });
});

describe("mode 2 GATE", () => {
  it("GATE low during the low clock forces OUT high; GATE high restarts the period", () => {
    const b = bench();
    b.kit.out8(0x61, 1);
    program(b, 2, 0xb4, 5); // low at edge 5
    b.at(5_500);
    expect(b.out2()).toBe(false);
    b.kit.out8(0x61, 0);
    expect(b.out2()).toBe(true);
    expect(counts(b, 2, 6, 8)).toEqual([1, 1, 1]); // held
    b.at(8_500);
    b.kit.out8(0x61, 1); // reload at 9: low at 13
    expect(outs(b, 2, 9, 14)).toEqual([1, 1, 1, 1, 0, 1]);
  });
});
