// `pnpm bench` (second part): every project guest under each monitor policy — host CPU time
// (the faster of two runs after a warm-up), guest MIPS, exits and what one exit costs on
// average compared with pure emulation. A benchmark, not a test: nothing
// here asserts time (test/policies.test.ts checks that the policies are indistinguishable).
//
//   node bench/policies.mjs [--guest NAME]...
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planMultiboot } from "@ringlab/machine";

const POLICIES = ["pure", "scan-patch", "pvi"];
const ALL = ["demo", "nullkernel-preempt", "nullkernel-polled", "sensitive", "cpubench"];
const args = process.argv.slice(2);
const picked = args.flatMap((a, i) => (args[i - 1] === "--guest" ? [a] : []));
const guests = picked.length ? picked : ALL;

function imagePath(guest) {
  const file = guest === "cpubench" ? "cpubench/cpubench-4m.bin" : `${guest}/${guest}.bin`;
  return fileURLToPath(new URL(`../test/guests/${file}`, import.meta.url));
}

function run(guest, policy) {
  const path = imagePath(guest);
  const m = createMachine({ monitor: { policy } }, builtinRegistry(), { console: new CollectingConsole() });
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))));
  const cpu0 = process.cpuUsage();
  const outcome = m.run();
  const used = process.cpuUsage(cpu0);
  const secs = (used.user + used.system) / 1e6;
  if (outcome.kind !== "exit" || outcome.status !== 0) throw new Error(`${guest} under ${policy}: ${JSON.stringify(outcome)}`);
  return { secs, instructions: m.clock.instructions, exits: m.monitor.stats.total, counters: m.monitor.counters() };
}

/** The faster of two runs, after one unmeasured run to warm the JIT up. */
function measure(guest, policy) {
  run(guest, policy);
  const a = run(guest, policy);
  const b = run(guest, policy);
  return a.secs <= b.secs ? a : b;
}

const fmt = (n) => n.toLocaleString("en-US");
console.log("guest               policy       host CPU s   guest MIPS        exits   direct   us/exit (vs pure)");
for (const guest of guests) {
  let pure;
  for (const policy of POLICIES) {
    const r = measure(guest, policy);
    pure ??= r;
    const all = r.counters.direct + r.counters.emulated;
    const perExit = r.exits > 0 ? (((r.secs - pure.secs) * 1e6) / r.exits).toFixed(2) : "-";
    console.log(
      `${guest.padEnd(19)} ${policy.padEnd(11)} ${r.secs.toFixed(2).padStart(11)} ${(r.instructions / r.secs / 1e6).toFixed(1).padStart(12)} ${fmt(r.exits).padStart(12)} ${((100 * r.counters.direct) / all).toFixed(1).padStart(7)}% ${perExit.padStart(9)}`,
    );
  }
}
