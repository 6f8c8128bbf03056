import { writeFileSync } from "node:fs";
import { extra, itNeeds, skipWithReason } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { UNICORN_CORPUS, unicornCorpusCases } from "./corpora.js";
import { CpuHarness } from "./cpu-harness.js";
import { type DiffReport, formatReport, runDifferential } from "./diff-run.js";
import { answerOf, loadUnicornAnswers, RECORD_COMMAND, recordedAnswer, recordedOracle, unicornStaleness } from "./fixtures.js";
import { ALL_FAMILIES } from "./family-registry.js";
import { runUnicorn } from "./unicorn.js";

/**
 * Differential test of ringlab's CPU against Unicorn 2.0.1.
 *
 * The in-suite corpus (corpora.ts: 5000 cases over IN_SUITE_FAMILIES) runs against Unicorn's
 * recorded answers (fixtures.ts), so it needs no Unicorn; where Unicorn is installed, a
 * second test re-runs the corpus on it and requires exactly the recorded answers, so that
 * the two together are the live comparison.
 *
 * Long runs (scripts/diff-long.mjs) set RINGLAB_DIFF_CASES, RINGLAB_DIFF_SEED,
 * RINGLAB_DIFF_FAMILIES ("all" or a comma list) and RINGLAB_DIFF_REPORT (a file for the
 * report): another corpus, which only live Unicorn can answer (the live test below).
 */
const env = process.env;
const COUNT = Number(env.RINGLAB_DIFF_CASES ?? UNICORN_CORPUS.count);
const SEED = Number(env.RINGLAB_DIFF_SEED ?? UNICORN_CORPUS.seed);
const FAMILIES = env.RINGLAB_DIFF_FAMILIES === "all" ? ALL_FAMILIES.map((f) => f.name) : env.RINGLAB_DIFF_FAMILIES ? env.RINGLAB_DIFF_FAMILIES.split(",") : [...UNICORN_CORPUS.families];
const CUSTOM = env.RINGLAB_DIFF_CASES !== undefined || env.RINGLAB_DIFF_SEED !== undefined || env.RINGLAB_DIFF_FAMILIES !== undefined;
const REPRO = Number(env.RINGLAB_DIFF_REPRO ?? 3);
const TIMEOUT = Math.max(120_000, COUNT * 50);
/** Budget slices, by case index: whole run, or 1/2/5 instructions per run() call (resumption). */
const SLICES = [0, 1, 0, 2, 0, 5];

function check(report: DiffReport, count: number): void {
  const text = formatReport(report, REPRO);
  if (env.RINGLAB_DIFF_REPORT) writeFileSync(env.RINGLAB_DIFF_REPORT, text + "\n");
  // One summary line always; the full report (per-family table, reproducers) on failure.
  console.log(report.mismatches.length || report.harnessErrors.length ? text : text.split("\n")[0]);
  expect(report.harnessErrors.map((m) => m.c.id), "generator/harness errors (Unicorn did not run the case to its end)").toEqual([]);
  expect(report.mismatches.length, text).toBe(0);
  expect(report.cases).toBeGreaterThan(count * 0.9);
}

describe("CPU vs Unicorn differential", () => {
  it("has at least one family in the in-suite list", () => {
    expect(FAMILIES.length).toBeGreaterThan(0);
  });

  it(
    `agrees with Unicorn's recorded answers on the ${UNICORN_CORPUS.count} in-suite cases (${UNICORN_CORPUS.families.join(", ")})`,
    async () => {
      const rec = loadUnicornAnswers();
      const problems = unicornStaleness(rec, UNICORN_CORPUS, unicornCorpusCases());
      expect(problems, `the recorded answers are not for the suite's cases: re-record them with \`${RECORD_COMMAND}\``).toEqual([]);
      const cpu = new CpuHarness();
      const live = extra("unicorn");
      const report = await runDifferential({
        ...UNICORN_CORPUS,
        runCpu: (c, i) => cpu.run(c, SLICES[i % SLICES.length]),
        oracle: recordedOracle(rec),
        oracleName: `Unicorn ${rec.header.unicorn}'s recorded answers`,
        // Shortened cases are new: only live Unicorn can answer them.
        shrinkWith: live.available ? runUnicorn : `shortening a case needs live Unicorn (${live.reason})`,
        shrink: REPRO,
      });
      check(report, UNICORN_CORPUS.count);
    },
    TIMEOUT,
  );

  itNeeds(
    "unicorn",
    "Unicorn still gives exactly the recorded answers (live re-check of the fixtures)",
    async (ctx) => {
      const rec = loadUnicornAnswers();
      const version = extra("unicorn").version!;
      if (version !== rec.header.unicorn) {
        skipWithReason(ctx, `the answers were recorded with Unicorn ${rec.header.unicorn}, this machine has ${version} (re-record with \`${RECORD_COMMAND}\` if it is to be the reference)`);
      }
      const cases = unicornCorpusCases();
      expect(unicornStaleness(rec, UNICORN_CORPUS, cases), `re-record with \`${RECORD_COMMAND}\``).toEqual([]);
      const results = await runUnicorn(cases);
      const differ = cases
        .map((c, i) => ({ id: c.id, live: JSON.stringify(answerOf(results[i]!)), recorded: JSON.stringify(recordedAnswer(rec, c.id)) }))
        .filter((d) => d.live !== d.recorded);
      expect(
        differ.slice(0, 5).map((d) => `${d.id}\n  recorded: ${d.recorded}\n  live:     ${d.live}`),
        `${differ.length} of ${cases.length} recorded answers are not what Unicorn ${version} gives now: re-record with \`${RECORD_COMMAND}\``,
      ).toEqual([]);
    },
    TIMEOUT,
  );

  if (CUSTOM) {
    itNeeds(
      "unicorn",
      `agrees with live Unicorn on ${COUNT} generated cases, seed ${SEED} (${FAMILIES.join(", ")})`,
      async () => {
        const cpu = new CpuHarness();
        const report = await runDifferential({ seed: SEED, count: COUNT, families: FAMILIES, runCpu: (c, i) => cpu.run(c, SLICES[i % SLICES.length]), shrink: REPRO, oracleName: `live Unicorn ${extra("unicorn").version}` });
        check(report, COUNT);
      },
      TIMEOUT,
    );
  }
});
