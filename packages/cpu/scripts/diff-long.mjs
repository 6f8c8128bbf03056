#!/usr/bin/env node
// Long differential run of ringlab's CPU against live Unicorn (see the package README,
// "Differential testing against Unicorn").
//
//   node scripts/diff-long.mjs [--cases N] [--seed S] [--families all|a,b,c] [--repro K]
//
// Runs test/diff/diff.test.ts through vitest with RINGLAB_DIFF_* set, then prints the report:
// cases / instructions / distinct opcodes compared, per-family counts, exclusions (documented
// Unicorn bugs) and up to K reproducers per family. Exit status is vitest's (non-zero on any
// mismatch). Defaults: 20000 cases, a seed from the clock (printed, so a run can be repeated),
// every family.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { args, helpOrGoOn, opt, pkg } from "./script-args.mjs";

helpOrGoOn("usage: node scripts/diff-long.mjs [--cases N] [--seed S] [--families all|a,b] [--repro K]");
const cases = opt("cases", "20000");
const seed = opt("seed", String(Math.floor(Date.now() / 1000) % 1_000_000_007));
const families = opt("families", "all");
const repro = opt("repro", "3");
const dir = mkdtempSync(join(tmpdir(), "ringlab-diff-"));
const report = join(dir, "report.txt");
console.log(`diff-long: ${cases} cases, seed ${seed}, families ${families}`);
// Only the live test: the recorded-answer tests of the file are for the in-suite corpus.
const r = spawnSync("npx", ["vitest", "run", "test/diff/diff.test.ts", "-t", "agrees with live Unicorn on"], {
  cwd: pkg,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
  maxBuffer: 1 << 28,
  env: {
    ...process.env,
    NO_COLOR: "1",
    RINGLAB_DIFF_CASES: cases,
    RINGLAB_DIFF_SEED: seed,
    RINGLAB_DIFF_FAMILIES: families,
    RINGLAB_DIFF_REPRO: repro,
    RINGLAB_DIFF_REPORT: report,
  },
});
if (existsSync(report)) {
  console.log(readFileSync(report, "utf8"));
} else {
  // No report: the run did not get as far as comparing (Unicorn missing, build error ...).
  console.log(r.stdout);
  console.error(r.stderr);
}
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
