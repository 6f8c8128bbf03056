import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { PIT_HZ, PitClock } from "../src/index.js";
import { mulDivCeil, mulDivFloor } from "../src/pit-clock.js";
import { EXACT_HZ, prng, refEdge, refTick } from "./helpers.js";

const RATES = [1_000_000, 1_193_182, 3_579_545, 1_000_000_000, EXACT_HZ, 2_893_741_117, 7_000_000_001, 100_000_000_000];

describe("PIT clock from the TSC", () => {
  it("is 1.193182 MHz", () => {
    expect(PIT_HZ).toBe(1_193_182);
  });

  it("converts ticks to edges and edges to ticks exactly, far past 2^53 / 1193182 ticks", () => {
    const rnd = prng(7);
    for (const hz of RATES) {
      const clock = new PitClock(hz);
      const samples = [0, 1, hz - 1, hz, hz + 1, 2 ** 40 + 3, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER - 5];
      for (let i = 0; i < 300; i++) samples.push(Math.floor(rnd() * Number.MAX_SAFE_INTEGER));
      for (const t of samples) {
        expect(clock.edgeAt(t), `edgeAt(${t}) at ${hz} Hz`).toBe(refEdge(t, hz));
      }
      // Edge numbers themselves must stay safe integers (at 1 MHz they outrun the ticks).
      const maxEdge = Math.min(refEdge(Number.MAX_SAFE_INTEGER, hz), Number.MAX_SAFE_INTEGER);
      const edges = [0, 1, 2, PIT_HZ - 1, PIT_HZ, PIT_HZ + 1, maxEdge - 1];
      for (let i = 0; i < 300; i++) edges.push(Math.floor(rnd() * maxEdge));
      for (const k of edges) {
        const t = clock.tickOfEdge(k);
        expect(t, `tickOfEdge(${k}) at ${hz} Hz`).toBe(refTick(k, hz));
        // The defining property: edge k has happened at t and not one tick before.
        expect(clock.edgeAt(t)).toBeGreaterThanOrEqual(k);
        if (t > 0) expect(clock.edgeAt(t - 1)).toBeLessThan(k);
      }
    }
  });

  it("puts one edge every 1000 ticks at 1193182000 Hz", () => {
    const clock = new PitClock(EXACT_HZ);
    expect([999, 1000, 1999, 2000].map((t) => clock.edgeAt(t))).toEqual([0, 1, 1, 2]);
    expect(clock.tickOfEdge(123_456_789)).toBe(123_456_789_000);
  });

  it("mulDiv helpers agree with BigInt near rounding boundaries", () => {
    const rnd = prng(11);
    for (let i = 0; i < 2000; i++) {
      const c = 1 + Math.floor(rnd() * 2 ** 36);
      const a = Math.floor(rnd() * c);
      const b = 1 + Math.floor(rnd() * 2 ** 30);
      const exact = (BigInt(a) * BigInt(b)) / BigInt(c);
      const rem = (BigInt(a) * BigInt(b)) % BigInt(c);
      expect(mulDivFloor(a, b, c)).toBe(Number(exact));
      expect(mulDivCeil(a, b, c)).toBe(Number(rem === 0n ? exact : exact + 1n));
    }
  });
});
