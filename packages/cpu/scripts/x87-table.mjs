#!/usr/bin/env node
// The transcendental table: FSIN FCOS FSINCOS FPTAN F2XM1 FPATAN FYL2X FYL2XP1 run live on the
// host's own x87 (test/fpu/host-x87.c, gcc -m32) and by ringlab (src/fpu/transcendental.ts),
// compared bit for bit. Prints, per instruction: cases, the bit-identical share, the worst
// distance (ulps of the 80-bit result, "flags" when only the status word differed) and the
// share per precision control × rounding mode — first for the SDM's special cases (which
// must be 100%), then for random and boundary operands. Then the cost of each instruction
// in ringlab (process CPU time per call, from dist/: build first).
//
//   npm run x87-table [-- --cases N] [--seed S] [--ops sin,cos,...] [--edges K]
//
// --cases is per instruction (default 1000000); --edges adds up to K edge cases per
// instruction (default 100000, i.e. all of them). Exit status 0 unless the run itself failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { args, helpOrGoOn, opt, pkg } from "./script-args.mjs";

helpOrGoOn("usage: npm run x87-table [-- --cases N] [--seed S] [--ops sin,cos] [--edges K]");
const ops = opt("ops", "sin,cos,sincos,ptan,f2xm1,patan,yl2x,yl2xp1").split(",");
const perOp = Number(opt("cases", "1000000"));
if (!Number.isInteger(perOp) || perOp < 1) {
  console.error(`x87-table: --cases expects a positive integer, got ${opt("cases", "")}`);
  process.exit(2);
}
const seed = opt("seed", "20261203");
const edges = opt("edges", "100000");
const dir = mkdtempSync(join(tmpdir(), "ringlab-x87-table-"));
const report = join(dir, "report.txt");
console.log(`x87-table: ${perOp} random cases per instruction, seed ${seed}, up to ${edges} edge cases each`);
console.log(`host: ${cpuModel()}`);
const started = Date.now();
const r = spawnSync("npx", ["vitest", "run", "test/fpu/transcendental.test.ts", "-t", "live host"], {
  cwd: pkg,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
  maxBuffer: 1 << 28,
  env: {
    ...process.env,
    NO_COLOR: "1",
    RINGLAB_X87_TOTAL_CASES: String(perOp * ops.length),
    RINGLAB_X87_SEED: seed,
    RINGLAB_X87_EDGES: edges,
    RINGLAB_X87_OPS: ops.join(","),
    RINGLAB_X87_REPORT: report,
    RINGLAB_X87_TIMEOUT: String(24 * 3600 * 1000),
  },
});
if (!existsSync(report)) {
  // No report: the run did not get as far as comparing (gcc -m32 missing, build error ...).
  console.log(r.stdout);
  console.error(r.stderr);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
console.log(readFileSync(report, "utf8"));
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s; the floors of test/fpu/transcendental.test.ts ${r.status === 0 ? "hold" : "FAIL"})`);
rmSync(dir, { recursive: true, force: true });
await cost();

function cpuModel() {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const get = (k) => (new RegExp(`^${k}\\s*: (.*)$`, "m").exec(info) ?? [])[1] ?? "?";
    return `${get("model name")} (family ${get("cpu family")}, model ${get("model")}, stepping ${get("stepping")}, microcode ${get("microcode")})`;
  } catch {
    return process.arch;
  }
}

/** CPU time per call of each instruction on random in-domain operands (dist/ build). */
async function cost() {
  const dist = join(pkg, "dist", "fpu", "transcendental.js");
  if (!existsSync(dist)) return console.log(`(no ${dist}: build @ringlab/cpu for the cost per instruction)`);
  const t = await import(dist);
  const f80 = (sign, exp, sig) => ({ sign, exp, sig });
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const sig = () => (1n << 63n) | (BigInt(Math.floor(rnd() * 2 ** 31)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
  const x = (lo, hi) => f80(rnd() < 0.5 ? 1 : 0, 0x3fff + lo + Math.floor(rnd() * (hi - lo + 1)), sig());
  const pos = (lo, hi) => ({ ...x(lo, hi), sign: 0 });
  const calls = {
    fsin: () => t.fsin(x(-30, 62), 0x037f),
    fcos: () => t.fcos(x(-30, 62), 0x037f),
    fsincos: () => t.fsincos(x(-30, 62), 0x037f),
    fptan: () => t.fptan(x(-30, 62), 0x037f),
    f2xm1: () => t.f2xm1(x(-30, -1), 0x037f),
    fpatan: () => t.fpatan(x(-10, 10), x(-10, 10), 0x037f),
    fyl2x: () => t.fyl2x(pos(-100, 100), x(-10, 10), 0x037f),
    fyl2xp1: () => t.fyl2xp1(x(-30, -3), x(-10, 10), 0x037f),
  };
  console.log("\ninstruction   us/call (ringlab, CPU time)");
  for (const [name, call] of Object.entries(calls)) {
    for (let i = 0; i < 2000; i++) call(); // warm-up
    const n = 20000;
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) call();
    const d = process.cpuUsage(t0);
    console.log(`${name.padEnd(12)} ${((d.user + d.system) / n).toFixed(2).padStart(8)}`);
  }
}
