#!/usr/bin/env node
// Long differential run of ringlab's x87 arithmetic (src/fpu) against the host's own x87
// (test/fpu/host-x87.c, built with gcc -m32), or re-recording the fixtures.
//
//   node scripts/x87-diff.mjs [--cases N] [--seed S] [--ops add,mul,...] [--edges K]
//   node scripts/x87-diff.mjs --record
//
// --cases is the total number of random cases (default 1000000), spread evenly over the ops;
// --edges adds up to K cases per op from the edge set (default 5000; 0 for none). Prints a
// table per operation: cases, bit-identical share, the worst difference (ulps of the result
// image, or "flags" when only the status word / EFLAGS differed), and the bit-identical share
// for each precision control (24/53/64) × rounding mode, then up to 5 mismatches per op.
// Runs test/fpu/x87.test.ts through vitest with RINGLAB_X87_* set; exit status is vitest's.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { args, helpOrGoOn, opt, pkg } from "./script-args.mjs";

helpOrGoOn("usage: node scripts/x87-diff.mjs [--cases N] [--seed S] [--ops a,b] [--edges K] | --record");
if (args.includes("--record")) {
  const r = spawnSync("npx", ["vitest", "run", "test/fpu/x87.test.ts", "-t", "records"], {
    cwd: pkg,
    stdio: "inherit",
    env: { ...process.env, RINGLAB_X87_RECORD: "1" },
  });
  process.exit(r.status ?? 1);
}
const ops = opt("ops", "");
const cases = Number(opt("cases", "1000000"));
const seed = opt("seed", String(Math.floor(Date.now() / 1000) % 1_000_000_007));
const edges = opt("edges", "5000");
const dir = mkdtempSync(join(tmpdir(), "ringlab-x87-"));
const report = join(dir, "report.txt");
console.log(`x87-diff: ${cases} random cases spread over the ops, seed ${seed}, up to ${edges} edge cases per op`);
const started = Date.now();
const r = spawnSync("npx", ["vitest", "run", "test/fpu/x87.test.ts", "-t", "live host"], {
  cwd: pkg,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
  maxBuffer: 1 << 28,
  env: {
    ...process.env,
    NO_COLOR: "1",
    RINGLAB_X87_TOTAL_CASES: String(cases),
    RINGLAB_X87_SEED: seed,
    RINGLAB_X87_EDGES: edges,
    RINGLAB_X87_REPORT: report,
    ...(ops ? { RINGLAB_X87_OPS: ops } : {}),
    // Long runs take minutes; the in-suite timeout is for the in-suite sample.
    RINGLAB_X87_TIMEOUT: String(24 * 3600 * 1000),
  },
});
if (existsSync(report)) {
  console.log(readFileSync(report, "utf8"));
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
} else {
  // No report: the run did not get as far as comparing (gcc -m32 missing, build error ...).
  console.log(r.stdout);
  console.error(r.stderr);
}
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
