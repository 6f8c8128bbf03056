import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CpuHarness } from "./cpu-harness.js";
import { formatReport, runDifferential } from "./diff-run.js";
import { ALL_FAMILIES } from "./family-registry.js";
import { IN_SUITE_FAMILIES } from "./families.js";
import { assertUnicornAvailable } from "./unicorn.js";

/**
 * Differential test of ringlab's CPU against Unicorn 2.0.1.
 * Bounded in-suite run: RINGLAB_DIFF_CASES (default 5000) cases over IN_SUITE_FAMILIES.
 * Long runs (scripts/diff-long.mjs) set RINGLAB_DIFF_CASES, RINGLAB_DIFF_SEED,
 * RINGLAB_DIFF_FAMILIES ("all" or a comma list) and RINGLAB_DIFF_REPORT (a file for the report).
 */
const env = process.env;
const COUNT = Number(env.RINGLAB_DIFF_CASES ?? 5000);
const SEED = Number(env.RINGLAB_DIFF_SEED ?? 20261125);
const FAMILIES = env.RINGLAB_DIFF_FAMILIES === "all" ? ALL_FAMILIES.map((f) => f.name) : env.RINGLAB_DIFF_FAMILIES ? env.RINGLAB_DIFF_FAMILIES.split(",") : IN_SUITE_FAMILIES;
const TIMEOUT = Math.max(120_000, COUNT * 50);
/** Budget slices, by case index: whole run, or 1/2/5 instructions per run() call (resumption). */
const SLICES = [0, 1, 0, 2, 0, 5];

describe("CPU vs Unicorn differential", () => {
  it("can run Unicorn from /usr/bin/python3 (fails with the apt-get hint if not)", () => {
    expect(assertUnicornAvailable()).toMatch(/^2\./);
  }, 60_000);

  it("has at least one family in the in-suite list", () => {
    expect(FAMILIES.length).toBeGreaterThan(0);
  });

  it.runIf(FAMILIES.length > 0)(
    `agrees with Unicorn on ${COUNT} generated cases (${FAMILIES.join(", ")})`,
    async () => {
      assertUnicornAvailable();
      const cpu = new CpuHarness();
      const report = await runDifferential({ seed: SEED, count: COUNT, families: FAMILIES, runCpu: (c, i) => cpu.run(c, SLICES[i % SLICES.length]), shrink: Number(env.RINGLAB_DIFF_REPRO ?? 3) });
      const text = formatReport(report, Number(env.RINGLAB_DIFF_REPRO ?? 3));
      if (env.RINGLAB_DIFF_REPORT) writeFileSync(env.RINGLAB_DIFF_REPORT, text + "\n");
      // One summary line always; the full report (per-family table, reproducers) on failure.
      console.log(report.mismatches.length || report.harnessErrors.length ? text : text.split("\n")[0]);
      expect(report.harnessErrors.map((m) => m.c.id), "generator/harness errors (Unicorn did not run the case to its end)").toEqual([]);
      expect(report.mismatches.length, text).toBe(0);
      expect(report.cases).toBeGreaterThan(COUNT * 0.9);
    },
    TIMEOUT,
  );
});
