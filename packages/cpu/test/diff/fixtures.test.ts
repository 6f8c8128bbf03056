import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OBJDUMP_CORPORA, UNICORN_CORPUS, unicornCorpusCases } from "./corpora.js";
import { CpuHarness } from "./cpu-harness.js";
import type { MachineResult } from "./diff-case.js";
import { runDifferential } from "./diff-run.js";
import {
  answerOf,
  FIXTURES_DIR,
  inputDigest,
  loadObjdumpAnswers,
  loadUnicornAnswers,
  recordedObjdumpMany,
  recordedOracle,
  StaleFixtureError,
  unicornStaleness,
} from "./fixtures.js";

describe("recorded oracle answers (test/diff/fixtures)", () => {
  it("store a machine result exactly: memory as sorted runs of changed bytes", () => {
    const r: MachineResult = { regs: [1, 2, 3, 4, 0xfffffffc, 6, 7, 0x80000000], eip: 0x1005, eflags: 0x246, stop: { kind: "exception", vector: 13 }, mem: new Map([[0x4001, 0xaa], [0x87fc, 1], [0x4000, 0x55], [0x87fd, 2]]), executed: 3, sregs: [0x10, 8, 0x10, 0x10, 0x10, 0x10], cr2: 0 };
    expect(answerOf(r)).toEqual({ regs: r.regs, eip: 0x1005, eflags: 0x246, stop: r.stop, mem: [[0x4000, "55aa"], [0x87fc, "0102"]], executed: 3, sregs: r.sregs, cr2: 0 });
  });

  it("answer every case of the in-suite corpus, for exactly the input the generator gives it", () => {
    const rec = loadUnicornAnswers();
    const cases = unicornCorpusCases();
    expect(unicornStaleness(rec, UNICORN_CORPUS, cases)).toEqual([]);
    expect(rec.records.size).toBe(UNICORN_CORPUS.count);
    expect(rec.header.unicorn).toMatch(/^2\./);
  });

  it("refuse a case whose input changed, and name what changed in the corpus", async () => {
    const rec = loadUnicornAnswers();
    const [c] = unicornCorpusCases().slice(0, 1);
    const changed = { ...c!, regs: c!.regs.map((v, i) => (i === 0 ? (v ^ 1) >>> 0 : v)) };
    expect(inputDigest(changed)).not.toBe(inputDigest(c!));
    await expect(recordedOracle(rec)([changed])).rejects.toThrow(StaleFixtureError);
    await expect(recordedOracle(rec)([changed])).rejects.toThrow(/re-record the answers with `pnpm --filter @ringlab\/cpu run record-fixtures`/);
    expect(unicornStaleness(rec, { ...UNICORN_CORPUS, seed: 1 }, [changed])).toEqual([
      `recorded: seed ${UNICORN_CORPUS.seed}, ${UNICORN_CORPUS.count} cases over ${UNICORN_CORPUS.families.join(",")}; the suite runs seed 1, ${UNICORN_CORPUS.count} cases over ${UNICORN_CORPUS.families.join(",")}`,
      `1 of 1 cases are not what was recorded (the generator changed?): ${c!.id}`,
    ]);
  });

  it("make a CPU that differs from the recorded answer a mismatch (the comparison is real)", async () => {
    const rec = loadUnicornAnswers();
    const cpu = new CpuHarness();
    const honest = await runDifferential({ ...UNICORN_CORPUS, count: 36, runCpu: (c) => cpu.run(c), oracle: recordedOracle(rec), shrinkWith: "not here" });
    expect(honest.mismatches).toEqual([]);
    const lying = await runDifferential({
      ...UNICORN_CORPUS,
      count: 36,
      runCpu: (c) => {
        const r = cpu.run(c);
        return c.family === "alu" ? { ...r, regs: r.regs.map((v, i) => (i === 7 ? (v ^ 0x100) >>> 0 : v)) } : r;
      },
      oracle: recordedOracle(rec),
      shrinkWith: "shrinking is not tested here",
    });
    expect(lying.mismatches.length).toBeGreaterThan(0);
    expect(lying.mismatches.every((m) => m.c.family === "alu" && m.diffs.some((d) => d.field === "edi"))).toBe(true);
    expect(lying.noShrink).toBe("shrinking is not tested here");
  });

  it("give objdump's answers only for the chunks they were recorded for", () => {
    for (const name of Object.keys(OBJDUMP_CORPORA) as (keyof typeof OBJDUMP_CORPORA)[]) {
      const { chunks, org } = OBJDUMP_CORPORA[name]();
      expect(recordedObjdumpMany(name, chunks, org)).toHaveLength(chunks.length);
      expect(loadObjdumpAnswers(name).objdump).toMatch(/^GNU objdump/);
      expect(() => recordedObjdumpMany(name, [[0x90], ...chunks.slice(1)], org)).toThrow(/chunks differ from the recorded ones/);
      expect(() => recordedObjdumpMany(name, chunks, org + 1)).toThrow(StaleFixtureError);
    }
  });

  it("stay compact (under 2 MB in all)", () => {
    const size = (dir: string): number => readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? size(join(dir, f)) : statSync(join(dir, f)).size), 0);
    expect(size(FIXTURES_DIR)).toBeLessThan(2 * 1024 * 1024);
  });
});
