import { describe, expect, it } from "vitest";
import { type CounterConfig, type CounterMode, type CounterRun, advance, idleRun, nextOutChange } from "../src/counter-modes.js";
import { prng } from "./helpers.js";

const MODES: CounterMode[] = [0, 1, 2, 3, 4, 5];
const COUNTS = [1, 2, 3, 4, 5, 6, 7, 10, 11, 100, 101];

/** A run whose count loads (or, in modes 1 and 5, whose trigger fires) on the next edge. */
function started(mode: CounterMode, edge = 1000): CounterRun {
  return { ...idleRun(edge, 0, mode !== 0), loadPending: true };
}

function cfg(mode: CounterMode, initial: number, gate = true, modulus = 0x10000): CounterConfig {
  return { mode, initial, gate, modulus };
}

/** Walks `steps` edges one at a time. */
function walk(run: CounterRun, c: CounterConfig, steps: number): CounterRun[] {
  const out = [run];
  for (let i = 0; i < steps; i++) out.push(advance(out[i]!, c, out[i]!.edge + 1));
  return out;
}

describe("counter modes: closed form", () => {
  it("gives the same state jumping d edges at once as stepping one edge at a time", () => {
    for (const mode of MODES) {
      for (const n of COUNTS) {
        for (const gate of [true, false]) {
          const c = cfg(mode, n, gate);
          const start = started(mode);
          const steps = walk(start, c, 3 * n + 6);
          steps.forEach((s, d) => expect(advance(start, c, start.edge + d), `mode ${mode} N=${n} d=${d}`).toEqual(s));
        }
      }
    }
  });

  it("predicts the next OUT change exactly, from every state on the way", () => {
    for (const mode of MODES) {
      for (const n of COUNTS) {
        const c = cfg(mode, n);
        const steps = walk(started(mode), c, 3 * n + 6);
        for (let i = 0; i < steps.length; i++) {
          const j = steps.findIndex((s, k) => k > i && s.out !== steps[i]!.out);
          const predicted = nextOutChange(steps[i]!, c);
          if (j >= 0) expect(predicted, `mode ${mode} N=${n} from step ${i}`).toBe(steps[j]!.edge);
          // No change seen in the walk: either none is coming or it is beyond the walk.
          else expect(predicted === -1 || predicted > steps[steps.length - 1]!.edge, `mode ${mode} N=${n} from ${i}`).toBe(true);
        }
      }
    }
  });

  it("stays consistent when the count register changes mid-period (modes 2 and 3) and from random states", () => {
    const rnd = prng(3);
    for (let trial = 0; trial < 400; trial++) {
      const mode = MODES[Math.floor(rnd() * 6)]!;
      const n1 = 1 + Math.floor(rnd() * 40);
      const n2 = 1 + Math.floor(rnd() * 40);
      const mid = advance(started(mode), cfg(mode, n1), 1000 + 1 + Math.floor(rnd() * 3 * n1));
      const c2 = cfg(mode, n2);
      const steps = walk(mid, c2, 4 * n2 + 4);
      steps.forEach((s, d) => expect(advance(mid, c2, mid.edge + d)).toEqual(s));
    }
  });
});

/**
 * An independent per-clock model of modes 2 and 3 written from the datasheet's words, to check
 * the closed form's values and phases (not just its self-consistency).
 */
function reference(mode: 2 | 3, n: number, clocks: number): { ce: number; out: boolean }[] {
  const seq: { ce: number; out: boolean }[] = [];
  const odd = n % 2 === 1;
  let ce = mode === 2 ? n : n - (n % 2);
  let out = mode === 2 ? n !== 1 : true;
  let expired = false; // mode 3 odd: the count ran out while OUT was high; OUT falls one CLK later
  seq.push({ ce, out });
  for (let i = 0; i < clocks; i++) {
    if (mode === 2) {
      // "When the initial count has decremented to 1, OUT goes low for one CLK pulse. OUT then
      // goes high again, the Counter reloads the initial count".
      ce = ce === 1 ? n : ce - 1;
      out = ce !== 1;
    } else if (expired) {
      expired = false;
      out = false;
      ce = n - 1;
    } else {
      ce -= 2;
      if (ce === 0 && odd && out) expired = true;
      else if (ce === 0 || (ce < 0 && odd)) {
        out = !out;
        ce = n - (n % 2);
      }
    }
    seq.push({ ce, out });
  }
  return seq;
}

describe("counter modes against a per-clock datasheet model", () => {
  for (const mode of [2, 3] as const) {
    it(`mode ${mode}: CE values and OUT for counts 2..12 and 100, 101`, () => {
      for (const n of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 101]) {
        const c = cfg(mode, n);
        const got = walk(started(mode), c, 4 * n).slice(1).map((s) => ({ ce: s.ce, out: s.out }));
        expect(got, `mode ${mode} N=${n}`).toEqual(reference(mode, n, 4 * n - 1));
      }
    });
  }

  it("mode 3 odd count 5: OUT high 3 clocks, low 2, CE 4 2 0 | 4 2", () => {
    const s = walk(started(3), cfg(3, 5), 10).slice(1);
    expect(s.map((x) => x.ce)).toEqual([4, 2, 0, 4, 2, 4, 2, 0, 4, 2]);
    expect(s.map((x) => (x.out ? 1 : 0))).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
  });
});
