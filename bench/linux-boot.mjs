// The cost of booting Debian's Linux kernel to its busybox /init and through the workload
// (scripts/fetch-guests.sh fetches both) under each monitor policy: guest instructions,
// host CPU seconds, guest MIPS, exits by reason, and QEMU's wall time for the same boot
// (`-M isapc`, TCG) in the same run. A benchmark, not a test: nothing here asserts time
// (test/third-party-guests.test.ts checks that the policies are indistinguishable).
//
//   node bench/linux-boot.mjs [--policy NAME]... [--no-qemu] [--markdown docs/linux-boot-cost.md] [--if-fetched]
//
// With --markdown it writes the docs page from this run's numbers (the page says so).
import "reflect-metadata";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CollectingConsole, bootKernel, builtinRegistry, createMachine, planLinux } from "@ringlab/machine";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const GUESTS = join(resolve(ROOT, process.env.RINGLAB_GUESTS_DIR ?? ".guests"), "linux");
// cryptomgr.notests: see test/third-party-guests.test.ts (skips ~3×10^9 instructions of crypto self-tests).
const CMDLINE = "console=ttyS0 cryptomgr.notests";
const MEM = "64M";
const args = process.argv.slice(2);
const valueOf = (flag) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));
const policies = valueOf("--policy").length ? valueOf("--policy") : ["pure", "scan-patch", "pvi"];
const markdown = valueOf("--markdown")[0];
const withQemu = !args.includes("--no-qemu");

const kernelPath = join(GUESTS, "vmlinuz");
const initrdPath = join(GUESTS, "initramfs.img");
if (!existsSync(kernelPath) || !existsSync(initrdPath)) {
  // `npm run bench` passes --if-fetched: the other benchmarks still count on a machine without the guests.
  console.error(`linux-boot: ${args.includes("--if-fetched") ? "skipped: " : ""}${GUESTS} has no vmlinuz/initramfs.img; run scripts/fetch-guests.sh first (as root)`);
  process.exit(args.includes("--if-fetched") ? 0 : 66);
}
const kernel = new Uint8Array(readFileSync(kernelPath));
const initrd = new Uint8Array(readFileSync(initrdPath));

function boot(policy) {
  const console = new CollectingConsole();
  const m = createMachine({ memory: { size: MEM }, monitor: { policy } }, builtinRegistry(), { console });
  bootKernel(m, m.cpu, planLinux(kernelPath, kernel), { cmdline: CMDLINE, loaderName: "ringlab", initrd: { name: initrdPath, data: initrd } });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const outcome = m.run();
  const used = process.cpuUsage(cpu0);
  const out = console.text();
  if (!out.includes("ringlab-init: done")) throw new Error(`${policy}: the boot did not reach the end of /init (${JSON.stringify(outcome)})`);
  return {
    policy,
    secs: (used.user + used.system) / 1e6,
    wall: (performance.now() - wall0) / 1e3,
    instructions: m.clock.instructions,
    virtualSecs: m.clock.nanoseconds / 1e9,
    exits: m.monitor.stats.total,
    rows: m.monitor.stats.rows(),
    counters: m.monitor.counters(),
    output: out,
  };
}

/** QEMU's wall time from start to "reboot: System halted" (it does not exit by itself then). */
function qemuBoot() {
  return new Promise((done) => {
    const t0 = performance.now();
    const q = spawn(
      "qemu-system-i386",
      ["-M", "isapc", "-cpu", "pentium,+cmov,-apic,-pse,-vme", "-m", "64", "-kernel", kernelPath, "-initrd", initrdPath, "-append", CMDLINE, "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let out = "";
    const timer = setTimeout(() => q.kill(), 300_000);
    q.on("error", () => done(undefined));
    q.stdout.on("data", (d) => {
      out += d.toString("latin1");
      if (out.includes("reboot: System halted")) {
        const wall = (performance.now() - t0) / 1e3;
        clearTimeout(timer);
        q.kill();
        done({ wall, done: out.includes("ringlab-init: done") });
      }
    });
    q.on("exit", () => {
      clearTimeout(timer);
      done(undefined);
    });
  });
}

const fmt = (n) => n.toLocaleString("en-US");
/** Host CPU seconds are this process's own, yet a busy machine still slows it: say how busy. */
const loadAtStart = loadavg()[0];
const runs = [];
for (const policy of policies) {
  process.stderr.write(`linux-boot: booting under ${policy}...\n`);
  const r = boot(policy);
  runs.push(r);
  console.log(
    `${policy.padEnd(11)} ${fmt(r.instructions).padStart(15)} instructions  ${r.secs.toFixed(1).padStart(7)} s CPU  ${(r.instructions / r.secs / 1e6).toFixed(1).padStart(6)} MIPS  ${fmt(r.exits).padStart(11)} exits`,
  );
}
const identical = runs.every((r) => r.output === runs[0].output);
console.log(`serial output identical under ${runs.map((r) => r.policy).join(", ")}: ${identical ? "yes" : "NO"}`);
const qemu = withQemu ? await qemuBoot() : undefined;
if (qemu) console.log(`qemu-system-i386 -M isapc (TCG): ${qemu.wall.toFixed(1)} s wall to "System halted"${qemu.done ? "" : " (workload incomplete!)"}`);
else if (withQemu) console.log("qemu-system-i386: not run (not installed, or it did not reach the halt)");

if (markdown) writeFileSync(resolve(markdown), page(runs, qemu, identical));

function page(runs, qemu, identical) {
  const host = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.versions.node}`;
  const lines = [
    "# What it cost: Debian's Linux kernel to /init, under each policy",
    "",
    `Written by \`node bench/linux-boot.mjs --markdown docs/linux-boot-cost.md\` on ${new Date().toISOString().slice(0, 10)} (${host}).`,
    "Run it again to refresh every number on this page; they come from that one run.",
    `The machine's 1-minute load average when the run started: ${loadAtStart.toFixed(2)} (host CPU seconds are this process's own, but a busy machine still slows it).`,
    "",
    `The guest: Debian's \`linux-image-*-686\` kernel and the busybox initramfs of \`scripts/fetch-guests.sh\`, ${MEM} of RAM,`,
    `\`${CMDLINE}\`, from the boot-protocol entry to "reboot: System halted" after /init's workload.`,
    "Guest instructions and virtual time are the same in every run of every policy (ringlab is",
    "deterministic); host CPU time is what this machine took.",
    "",
    "| policy | guest instructions | virtual time | host CPU s | guest MIPS | exits | run directly |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of runs) {
    const all = r.counters.direct + r.counters.emulated;
    lines.push(
      `| ${r.policy} | ${fmt(r.instructions)} | ${r.virtualSecs.toFixed(3)} s | ${r.secs.toFixed(1)} | ${(r.instructions / r.secs / 1e6).toFixed(1)} | ${fmt(r.exits)} | ${all ? ((100 * r.counters.direct) / all).toFixed(2) : "100.00"}% |`,
    );
  }
  if (qemu) lines.push("", `QEMU 7.2 (\`-M isapc -cpu pentium,+cmov,-apic,-pse,-vme\`, TCG) took ${qemu.wall.toFixed(1)} s of wall time for the same boot in the same run.`);
  lines.push("", `Serial output byte-identical under ${runs.map((r) => r.policy).join(", ")}: ${identical ? "yes" : "**no**"}.`);
  for (const r of runs.filter((x) => x.exits > 0)) {
    lines.push("", `## Exits under ${r.policy}`, "", "| reason | instruction | exits |", "|---|---|---:|");
    const top = [...r.rows].sort((a, b) => b.count - a.count);
    for (const row of top.slice(0, 25)) lines.push(`| ${row.reason} | ${row.instruction} | ${fmt(row.count)} |`);
    if (top.length > 25) lines.push(`| (${top.length - 25} more rows) | | ${fmt(top.slice(25).reduce((s, x) => s + x.count, 0))} |`);
  }
  return lines.join("\n") + "\n";
}
