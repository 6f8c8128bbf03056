import { describe, expect, it } from "vitest";
import { CpuHarness } from "./cpu-harness.js";
import type { DiffCase } from "./diff-case.js";
import { generateCase } from "./generator.js";
import { type Oracle, shrinkCase } from "./shrink.js";

describe("minimal reproducers", () => {
  it("cut a mismatching case down to the first instruction that goes wrong", async () => {
    // A stand-in for a CPU bug: the real CPU, with EDI corrupted once an XOR has run. The
    // reference that runs the shortened cases is the real CPU too (it agrees with Unicorn on
    // these cases, diff.test.ts), so this test of the shrinking needs no Unicorn.
    const h = new CpuHarness();
    const reference = new CpuHarness();
    const oracle: Oracle = async (cases) => cases.map((c) => reference.run(c));
    const buggy = (c: DiffCase) => {
      const r = h.run(c);
      if (c.insns.some((i) => i.mnemonic === "xor")) r.regs[7] = (r.regs[7]! ^ 0x100) >>> 0;
      return r;
    };
    let checked = 0;
    for (let i = 0; i < 400 && checked < 3; i++) {
      const c = generateCase(5, i, "alu");
      const at = c.insns.findIndex((x) => x.mnemonic === "xor");
      if (at < 0 || at === c.insns.length - 1) continue;
      const s = await shrinkCase(c, buggy, oracle);
      expect(s, c.id).toBeDefined();
      expect(s!.c.insns.length, c.id).toBe(at + 1);
      expect(s!.diffs.map((d) => d.field)).toEqual(["edi"]);
      checked++;
    }
    expect(checked).toBe(3);
  }, 120_000);
});
