// `pnpm bench`: boots the cpubench guest (test/guests/cpubench) in ringlab and reports guest
// MIPS; where they are installed, runs the same image in QEMU and in v86 (wasm JIT and its
// interpreter) in the same run, checks that their output is ringlab's, and prints the
// speeds side by side with ringlab's ratio to each. A benchmark, not a test: nothing here
// asserts time.
//
//   node bench/cpubench.mjs [--image PATH] [--no-qemu] [--no-v86] [--paging] [--engine interp|jit] [--runs N]
//
// ringlab runs under both execution engines side by side (the interpreter, the reference,
// and the block JIT), or only the one --engine names. --runs N repeats the whole set N times,
// the emulators in alternating order, so that a change of the machine's load falls on all of
// them; the table takes each one's best run. ringlab's figure is its CPU time for the run;
// v86's is its CPU time from the guest's first debug byte to the exit-port write (v86's
// start-up is reported apart); QEMU's is the wall time between the same two points, compared
// with ringlab's wall time.
// --paging runs the guest with paging on (every address identity-mapped by 4 MiB pages),
// to measure what the MMU's translation caches cost against flat mode (ringlab only).
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";
import { otherEmulators, printSideBySide, runSideBySide } from "./lib/side-by-side.mjs";

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

const rounds = Math.max(1, Number(value("--runs", "1")));
const engines = value("--engine", "") ? [value("--engine", "")] : ["interp", "jit"];
const ringlab = engines.map((engine) => ({
  name: `ringlab ${engine}`,
  run() {
    const r = runRinglab(engine);
    const mips = r.instructions / r.cpuSecs / 1e6;
    console.log(`ringlab ${engine.padEnd(6)} (pure emulation${flag("--paging") ? ", paging on" : ""}): ${r.instructions} instructions in ${r.cpuSecs.toFixed(2)} s CPU (${r.wall.toFixed(2)} s wall): ${mips.toFixed(1)} MIPS`);
    console.log(`  guest said: ${r.output.trim().split("\n").pop()}  (${r.outcome.kind}${r.outcome.kind === "exit" ? ` ${r.outcome.status}` : ""})`);
    r.ok = r.outcome.kind === "exit" && r.outcome.status === 0;
    if (!r.ok) {
      console.log("  the guest did not exit with status 0: the figure above is not a valid result");
      process.exitCode = 1;
    }
    return r;
  },
}));
// --paging changes only ringlab's machine, so the other emulators would not run the same thing.
const others = flag("--paging") ? [] : otherEmulators(image, { qemu: !flag("--no-qemu"), v86: !flag("--no-v86") });

console.log(`cpubench: ${image}`);
const { columns, reference } = await runSideBySide({
  rounds,
  ringlab,
  others,
  afterRound(runs) {
    const interp = runs["ringlab interp"];
    const jit = runs["ringlab jit"];
    if (!interp || !jit) return;
    const same = interp.output === jit.output && interp.instructions === jit.instructions;
    console.log(`  jit / interp speed: ${(interp.cpuSecs / jit.cpuSecs).toFixed(2)}x; output and instruction count ${same ? "identical" : "DIFFERENT"}`);
    if (!same) process.exitCode = 1;
  },
});
if (reference) {
  printSideBySide("cpubench side by side", reference.instructions, columns);
  if (others.length) console.log("  (the same guest, so ringlab's exact instruction count stands for every emulator's)");
}
