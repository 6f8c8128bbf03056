import { describe, expect, it } from "vitest";
import { jitErrors } from "../../src/jit/block-builder.js";
import { runCode } from "./jit-machine.js";
import { randomProgram, Rng } from "./random-blocks.js";

/**
 * Random blocks, JIT against interpreter: random programs of the instructions the JIT
 * translates (and some it leaves to the interpreter), with forward and backward branches so
 * that loops run until the budget ends them, run with their budget handed out whole and in
 * small slices. Every case must end with the same registers, EFLAGS, EIP, memory, retired
 * count and stop reasons. Seeds are fixed, so a failure names a replayable case.
 */
const CASES = Number(process.env.RINGLAB_JIT_FUZZ_CASES ?? 300);

describe("JIT fuzz: random blocks run identically under jit and interp", () => {
  it(`${CASES} random programs, whole budget and sliced`, () => {
    let translatedRuns = 0;
    for (let c = 0; c < CASES; c++) {
      const seed = 0x5eed0000 + c;
      const rng = new Rng(seed);
      const code = randomProgram(rng, 10 + rng.below(40));
      // A quarter of the registers start small, so that operands are often equal: a borrow or
      // carry in then decides a condition (SBB's `cmp; sbb; jae` bug needed a == b).
      const regs = Array.from({ length: 9 }, () => (rng.below(4) === 0 ? rng.below(3) : rng.next() | 0));
      const budget = 200 + rng.below(3000);
      const slice = [0, 1, 3, 7, 50][c % 5]!;
      const a = runCode("interp", code, regs, { budget, slice });
      const b = runCode("jit", code, regs, { budget, slice });
      const where = `seed ${seed.toString(16)} slice ${slice}: ${code.map((x) => x.toString(16).padStart(2, "0")).join(" ")}`;
      expect(b.stops, where).toEqual(a.stops);
      expect(b.instructions, where).toBe(a.instructions);
      expect(b.regs, where).toEqual(a.regs);
      expect(b.eip, where).toBe(a.eip);
      expect(b.eflags.toString(16), where).toBe(a.eflags.toString(16));
      expect(b.events, where).toEqual(a.events);
      expect(Buffer.compare(Buffer.from(a.ram), Buffer.from(b.ram)), where).toBe(0);
      if (b.blocks > 0) translatedRuns++;
    }
    expect(translatedRuns).toBeGreaterThan(CASES * 0.9);
    expect(jitErrors).toEqual([]);
  });
});
