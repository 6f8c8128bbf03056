import { describe, expect, it } from "vitest";
import { jitErrors } from "../../src/jit/block-builder.js";
import { unicornCorpusCases } from "../diff/corpora.js";
import { CpuHarness } from "../diff/cpu-harness.js";

/**
 * The generated differential cases (the in-suite Unicorn corpus, diff/corpora.ts) under the
 * JIT against the interpreter: each case's registers, EFLAGS, EIP, memory changes, stop and
 * error code must be identical, whole and with the budget sliced 1, 2 or 5 instructions at
 * a time (the same slicing the Unicorn test uses).
 */
const SLICES = [0, 1, 0, 2, 0, 5];

describe("the generated differential cases run identically under jit and interp", () => {
  it("every in-suite case, whole and sliced", () => {
    const interp = new CpuHarness("interp");
    const jit = new CpuHarness("jit");
    const cases = unicornCorpusCases();
    expect(cases.length).toBeGreaterThan(1000);
    cases.forEach((c, i) => {
      const slice = SLICES[i % SLICES.length]!;
      expect(jit.run(c, slice), `${c.id} slice ${slice}`).toEqual(interp.run(c, slice));
    });
    expect(jitErrors).toEqual([]);
  }, 300_000);
});
