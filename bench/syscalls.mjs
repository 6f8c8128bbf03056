// `pnpm bench` (part): the paged, system-call-heavy ring-3 guest (test/guests/syscallbench,
// 500,000 iterations with an INT 0x81 every ~23 instructions: 1 million CPL changes each
// way) under each monitor policy, with paging on and the same work with paging off. Prints
// guest MIPS (from the process's CPU time, the faster of two runs after a warm-up), the
// paged/unpaged ratio (issue 15's goal: >= 0.80 under every policy), exits, and under the
// deprivileging policies how many instructions the scanner examined (the goal: each code
// page scanned once, not once per system call). Then, side by side on the same two images:
// ringlab (pure, interpreter and JIT) and, where they are installed, QEMU and v86 (wasm JIT
// and interpreter), their output checked against ringlab's, with ringlab's speed ratio to
// each (bench/lib/side-by-side.mjs; --runs rounds in alternating order, the best of each).
// A benchmark: nothing here asserts time.
//
//   node bench/syscalls.mjs [--policy NAME]... [--runs N] [--no-qemu] [--no-v86]
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";
import { otherEmulators, printSideBySide, runSideBySide } from "./lib/side-by-side.mjs";

const args = process.argv.slice(2);
const picked = args.flatMap((a, i) => (args[i - 1] === "--policy" ? [a] : []));
const policies = picked.length ? picked : ["pure", "scan-patch", "pvi"];
const runsArg = args.indexOf("--runs");
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 2;

const image = (paged) =>
  fileURLToPath(new URL(`../test/guests/syscallbench/syscallbench-bench${paged ? "" : "-nopaging"}.bin`, import.meta.url));

function run(paged, policy, engine = "interp") {
  const path = image(paged);
  const console = new CollectingConsole();
  const m = createMachine({ monitor: { policy }, cpu: { engine } }, builtinRegistry(), { console });
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const outcome = m.run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = process.cpuUsage(cpu0);
  if (outcome.kind !== "exit" || outcome.status !== 0) throw new Error(`syscallbench under ${policy}: ${JSON.stringify(outcome)}`);
  return {
    secs: (used.user + used.system) / 1e6,
    wall,
    output: console.text(),
    instructions: m.clock.instructions,
    exits: m.monitor.stats.total,
    counters: m.monitor.counters(),
    checksum: /checksum=\w+/.exec(console.text())?.[0],
  };
}

/** The fastest of `runs` runs, after one unmeasured run to warm the JIT up. */
function measure(paged, policy) {
  run(paged, policy);
  let best;
  for (let k = 0; k < runs; k++) {
    const r = run(paged, policy);
    if (best === undefined || r.secs < best.secs) best = r;
  }
  return best;
}

const fmt = (n) => n.toLocaleString("en-US");
const mips = (r) => r.instructions / r.secs / 1e6;
console.log("syscallbench (500,000 ring-3 iterations, an INT 0x81 every ~23 instructions)");
console.log("policy        paged MIPS  unpaged MIPS  ratio   paged exits  unpaged exits  paged scanned  unpaged scanned");
for (const policy of policies) {
  const p = measure(true, policy);
  const u = measure(false, policy);
  if (p.checksum !== u.checksum) throw new Error(`paged and unpaged checksums differ: ${p.checksum} ${u.checksum}`);
  console.log(
    `${policy.padEnd(12)} ${mips(p).toFixed(1).padStart(11)} ${mips(u).toFixed(1).padStart(13)} ${(mips(p) / mips(u)).toFixed(2).padStart(6)} ${fmt(p.exits).padStart(13)} ${fmt(u.exits).padStart(14)} ${fmt(p.counters.scanned).padStart(14)} ${fmt(u.counters.scanned).padStart(16)}`,
  );
}

for (const paged of [true, false]) {
  const ringlab = ["interp", "jit"].map((engine) => ({
    name: `ringlab ${engine}`,
    run() {
      const r = run(paged, "pure", engine);
      console.log(`ringlab ${engine.padEnd(6)} (pure): ${mips(r).toFixed(1)} MIPS (${r.secs.toFixed(2)} s CPU, ${r.wall.toFixed(2)} s wall); ${r.checksum}`);
      return { ok: true, output: r.output, instructions: r.instructions, cpuSecs: r.secs, wall: r.wall };
    },
  }));
  const others = otherEmulators(image(paged), { qemu: !args.includes("--no-qemu"), v86: !args.includes("--no-v86") });
  console.log(`\nsyscallbench, paging ${paged ? "on" : "off"}, side by side: ${image(paged)}`);
  const { columns, reference } = await runSideBySide({ rounds: runs, ringlab, others });
  printSideBySide(`syscallbench (paging ${paged ? "on" : "off"}) side by side`, reference.instructions, columns);
}
