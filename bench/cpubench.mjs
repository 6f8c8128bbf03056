// `pnpm bench`: boots the cpubench guest (test/guests/cpubench) in ringlab's pure emulation
// and reports guest MIPS; where qemu-system-i386 is installed, runs the same image there
// in the same run and prints the ratio. A benchmark, not a test: nothing here asserts time.
//
//   node bench/cpubench.mjs [--image PATH] [--no-qemu] [--paging] [--engine interp|jit]
//
// ringlab runs under both execution engines side by side (the interpreter, the reference,
// and the block JIT), or only the one --engine names.
// --paging runs the guest with paging on (every address identity-mapped by 4 MiB pages),
// to measure what the MMU's translation caches cost against flat mode.
import "reflect-metadata";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const image = value("--image", fileURLToPath(new URL("../test/guests/cpubench/cpubench-4m.bin", import.meta.url)));
const bytes = new Uint8Array(readFileSync(image));

function runRinglab(engine) {
  const console_ = new CollectingConsole();
  const m = createMachine({ cpu: { engine } }, builtinRegistry(), { console: console_ });
  bootKernel(m, m.cpu, planMultiboot(image, bytes));
  if (flag("--paging")) identityPaging(m);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const outcome = m.run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  const cpuSecs = (used.user + used.system) / 1e6;
  return { outcome, output: console_.text(), instructions: m.clock.instructions, wall, cpuSecs };
}

/** A page directory at 0x80000 mapping all 4 GiB to itself with 4 MiB pages; CR4.PSE, CR0.PG. */
function identityPaging(m) {
  const pd = 0x80000;
  for (let i = 0; i < 1024; i++) m.bus.memory.write(pd + 4 * i, 4, ((i << 22) | 0x87) >>> 0); // P, RW, US, PS
  m.cpu.cr3 = pd;
  m.cpu.cr4 |= 0x10;
  m.cpu.writeCr0(m.cpu.cr0 | 0x80000000);
}

function runQemu() {
  const probe = spawnSync("qemu-system-i386", ["--version"], { encoding: "utf8" });
  if (probe.error) return undefined;
  const qemuArgs = ["-kernel", image, "-display", "none", "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot", "-m", "32"];
  // QEMU's start-up (a few hundred ms) is inside this wall time; the report says so.
  const t0 = process.hrtime.bigint();
  const r = spawnSync("qemu-system-i386", qemuArgs, { encoding: "utf8", timeout: 600_000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { output: r.stdout, status: r.status, wall, version: probe.stdout.split("\n")[0] };
}

console.log(`cpubench: ${image}`);
const engines = value("--engine", "") ? [value("--engine", "")] : ["interp", "jit"];
const runs = {};
for (const engine of engines) {
  const r = runRinglab(engine);
  runs[engine] = r;
  const mips = r.instructions / r.cpuSecs / 1e6;
  console.log(`ringlab ${engine.padEnd(6)} (pure emulation${flag("--paging") ? ", paging on" : ""}): ${r.instructions} instructions in ${r.cpuSecs.toFixed(2)} s CPU (${r.wall.toFixed(2)} s wall): ${mips.toFixed(1)} MIPS`);
  console.log(`  guest said: ${r.output.trim().split("\n").pop()}  (${r.outcome.kind}${r.outcome.kind === "exit" ? ` ${r.outcome.status}` : ""})`);
  if (r.outcome.kind !== "exit" || r.outcome.status !== 0) {
    console.log("  the guest did not exit with status 0: the figure above is not a valid result");
    process.exitCode = 1;
  }
}
if (runs.interp && runs.jit) {
  const same = runs.interp.output === runs.jit.output && runs.interp.instructions === runs.jit.instructions;
  console.log(`  jit / interp speed: ${(runs.interp.cpuSecs / runs.jit.cpuSecs).toFixed(2)}x; output and instruction count ${same ? "identical" : "DIFFERENT"}`);
  if (!same) process.exitCode = 1;
}
const rl = runs.jit ?? runs.interp;
if (!flag("--no-qemu")) {
  const q = runQemu();
  if (!q) console.log("qemu-system-i386 not installed: no comparison (apt-get install qemu-system-x86)");
  else {
    const same = q.output === rl.output;
    console.log(`${q.version}: ${q.wall.toFixed(2)} s wall (TCG, start-up included), exit ${q.status}; output ${same ? "identical" : "DIFFERENT"}`);
    for (const [engine, r] of Object.entries(runs)) console.log(`  ringlab ${engine} / QEMU wall-time ratio: ${(r.wall / q.wall).toFixed(1)}x`);
    console.log(`  (QEMU's figure includes its start-up of a few hundred ms; ${rl.instructions} guest instructions)`);
  }
}
