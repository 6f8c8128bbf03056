// The x87 benchmark: boots test/guests/fpubench (the Mandelbrot set in 64-bit extended
// precision, 16 x87 instructions an iteration) in ringlab's pure emulation, and where they are
// installed in QEMU (TCG) and Bochs in the same run, and prints millions of x87 instructions
// per second for each, counted as 16 × the iterations the guest reports (a floor: the per-point
// set-up adds about 15 more a point). ringlab runs under each engine given (`--engine interp`,
// `--engine jit`, or both: the default), one after the other in the same process. A benchmark,
// not a test: nothing here asserts time.
//
// v86 (wasm JIT and interpreter; bench/lib/v86-runner.mjs) runs it too, its figure from its
// CPU time without its start-up, as ringlab's.
//
//   node bench/fpubench.mjs [--engine interp|jit]... [--no-qemu] [--no-v86] [--no-bochs]
import "reflect-metadata";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";
import { runQemu } from "./lib/qemu-runner.mjs";
import { firstDifference } from "./lib/side-by-side.mjs";
import { runV86 } from "./lib/v86-runner.mjs";

const args = process.argv.slice(2);
const image = fileURLToPath(new URL("../test/guests/fpubench/fpubench.bin", import.meta.url));
const bytes = new Uint8Array(readFileSync(image));
const x87Of = (output) => 16 * Number(/iterations=(\d+)/.exec(output)?.[1] ?? NaN);

const engines = args.flatMap((a, k) => (a === "--engine" ? [args[k + 1]] : []));
if (engines.length === 0) engines.push("interp", "jit");

function runRinglab(engine) {
  const out = new CollectingConsole();
  const m = createMachine({ cpu: { engine } }, builtinRegistry(), { console: out });
  bootKernel(m, m.cpu, planMultiboot(image, bytes));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const outcome = m.run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  return { outcome, output: out.text(), instructions: m.clock.instructions, wall, cpuSecs: (used.user + used.system) / 1e6 };
}

/** Wall time of a command that runs the guest, its start-up included (the report says so). */
function timed(command, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, argv, { encoding: "latin1", timeout: 600_000 });
  return { r, wall: Number(process.hrtime.bigint() - t0) / 1e9 };
}

let rl;
console.log(`fpubench: ${image}`);
for (const engine of engines) {
  rl = runRinglab(engine);
  const x87 = x87Of(rl.output);
  console.log(
    `ringlab (pure, ${engine}): ${rl.instructions} instructions in ${rl.cpuSecs.toFixed(2)} s CPU (${rl.wall.toFixed(2)} s wall): ` +
      `${(x87 / rl.cpuSecs / 1e6).toFixed(2)} M x87 instructions/s, ${(rl.instructions / rl.cpuSecs / 1e6).toFixed(1)} MIPS`,
  );
  if (rl.outcome.kind !== "exit" || rl.outcome.status !== 0) {
    console.log("  the guest did not exit with status 0: the figures above are not a valid result");
    process.exitCode = 1;
  }
}
const x87 = x87Of(rl.output);
const rate = (secs) => `${(x87 / secs / 1e6).toFixed(2)} M x87 instructions/s`;
if (!args.includes("--no-qemu")) {
  const q = await runQemu(image);
  if (!q.ok) console.log(`QEMU: not run: ${q.reason}`);
  else console.log(`QEMU ${q.version} (TCG): ${q.wall.toFixed(2)} s wall, start-up included: ${rate(q.wall)} (${rate(q.runWall)} start-up subtracted); output ${q.output === rl.output ? "identical" : "DIFFERENT"}`);
}
if (!args.includes("--no-v86")) {
  for (const jit of [true, false]) {
    const v = await runV86(image, { jit });
    const name = `v86 ${jit ? "jit" : "interp"}`;
    if (!v.ok) console.log(`${name}: not run: ${v.reason}`);
    else if (v.output !== rl.output || v.status !== 0) {
      const why = v.status !== 0 ? `exit ${v.status}` : firstDifference(v.output, rl.output);
      console.log(`${name} ${v.version}: wrong output (${why}); its time, for what it is worth: ${rate(v.runCpu)}`);
    }
    else console.log(`${name} ${v.version}: ${v.runCpu.toFixed(2)} s CPU, start-up (${v.startupWall.toFixed(2)} s wall) excluded: ${rate(v.runCpu)}; output identical`);
  }
}
if (!args.includes("--no-bochs")) {
  // run-bochs.sh builds the ROM boot stub, runs Bochs and compares with expected.txt.
  const { r, wall } = timed(fileURLToPath(new URL("../test/guests/run-bochs.sh", import.meta.url)), ["fpubench"]);
  if (r.status === 2 || r.error) console.log(`Bochs: not run (${(r.stderr || String(r.error)).trim().split("\n").pop()})`);
  else console.log(`Bochs: ${wall.toFixed(2)} s wall, start-up included: ${(x87 / wall / 1e6).toFixed(2)} M x87 instructions/s; ${r.stdout.trim().split("\n").pop()}`);
}
