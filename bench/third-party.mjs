// What software nobody here wrote costs under each monitor policy (issue 14): Debian's Linux
// kernel booted to the end of its busybox /init workload, memtest86+ from its title into its
// test #5, and SeaBIOS's POST to "No bootable device." — the guests scripts/fetch-guests.sh
// fetches. Each guest runs through `ringlab compare --json`, as a user would compare the
// policies: guest instructions, host seconds, guest MIPS, exits by reason, the verdict; and
// QEMU 7.2 (TCG) runs the same images to the same point in the same run for its wall time.
// A benchmark, not a test: nothing here asserts time.
//
//   node bench/third-party.mjs [--guest linux|memtest|seabios]... [--no-qemu] [--markdown FILE] [--if-fetched]
//
// With --markdown it writes the docs page (docs/third-party-cost.md) from this run's numbers.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "packages/cli/dist/main.js");
const GUESTS = resolve(ROOT, process.env.RINGLAB_GUESTS_DIR ?? ".guests");
const args = process.argv.slice(2);
const valueOf = (flag) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));
const markdown = valueOf("--markdown")[0];
const withQemu = !args.includes("--no-qemu");

/** ANSI cursor and colour sequences out: memtest draws its screen on COM1 with them. */
const plain = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, " ");

const LINUX_CMDLINE = "console=ttyS0 cryptomgr.notests";
const linux = join(GUESTS, "linux");
const memtest = join(GUESTS, "memtest", "memtest.bin");
const seabios = join(GUESTS, "seabios");

/**
 * Each guest: the `ringlab compare` arguments, where its measured stretch ends, and QEMU's
 * command for the same stretch with the output that ends it there.
 */
const WORKLOADS = {
  linux: {
    title: "Debian's Linux kernel to the end of /init",
    what: `Debian's \`linux-image-*-686\` kernel and the busybox initramfs of \`scripts/fetch-guests.sh\`, 64 MiB of RAM, \`${LINUX_CMDLINE}\`, from the boot-protocol entry to "reboot: System halted" after /init's workload (\`cryptomgr.notests\` skips the crypto self-tests, 3.7×10^9 more instructions).`,
    files: [join(linux, "vmlinuz"), join(linux, "initramfs.img")],
    ringlab: [join(linux, "vmlinuz"), "--initrd", join(linux, "initramfs.img"), "--mem", "64M", "--cmdline", LINUX_CMDLINE],
    qemu: ["-M", "isapc", "-cpu", "pentium,+cmov,-apic,-pse,-vme", "-m", "64", "-kernel", join(linux, "vmlinuz"), "-initrd", join(linux, "initramfs.img"), "-append", LINUX_CMDLINE, "-serial", "stdio"],
    qemuUntil: (out) => out.includes("reboot: System halted"),
    qemuPoint: '"reboot: System halted" on COM1',
  },
  memtest: {
    title: "memtest86+ from its title into test #5",
    what: "memtest86+ 6.10 (`memtest86+ia32.bin`) on 8 MiB, `console=ttyS0 nopause`, for 10^9 instructions: its title, tests #0-#4 and into #5 with Errors: 0 (a full first pass is far longer; see below).",
    files: [memtest],
    ringlab: [memtest, "--mem", "8M", "--cmdline", "console=ttyS0 nopause", "--max-instructions", "1000000000"],
    qemu: ["-M", "isapc", "-cpu", "pentium", "-m", "8", "-kernel", memtest, "-append", "console=ttyS0 nopause", "-serial", "stdio"],
    // memtest redraws its status every 2 s of its own time, so QEMU's first status line past
    // test #4 may already name a later test.
    qemuUntil: (out) => /#([5-9]|\d\d)\s+\[/.test(plain(out)),
    qemuPoint: "its first status line past test #4 on COM1",
  },
  seabios: {
    title: "SeaBIOS's POST to \"No bootable device.\"",
    what: "Debian's SeaBIOS 1.16 at the reset vector with its ISA VGA BIOS through fw_cfg, on `machines/seabios-isapc.toml`, for 8.1×10^6 instructions: POST, the VGA BIOS, the floppy and disk failures, \"No bootable device.\".",
    files: [join(seabios, "bios.bin"), join(seabios, "vgabios-isavga.bin")],
    ringlab: [
      "-c", join(ROOT, "machines/seabios-isapc.toml"), "--rom", `${join(seabios, "bios.bin")}@0xE0000`,
      "--fw-cfg", `name=vgaroms/vgabios-isavga.bin,file=${join(seabios, "vgabios-isavga.bin")}`, "--max-instructions", "8100000",
    ],
    qemu: ["-M", "isapc", "-m", "32", "-vga", "std", "-bios", join(seabios, "bios.bin"), "-chardev", "stdio,id=sb", "-device", "isa-debugcon,iobase=0x402,chardev=sb"],
    qemuUntil: (out) => out.includes("No bootable device."),
    qemuPoint: '"No bootable device." in the 0x402 log',
  },
};

const chosen = valueOf("--guest").length ? valueOf("--guest") : Object.keys(WORKLOADS);
for (const g of chosen) {
  if (!(g in WORKLOADS)) {
    console.error(`third-party: --guest: expected one of ${Object.keys(WORKLOADS).join(", ")}, got '${g}'`);
    process.exit(64);
  }
}
const missing = chosen.flatMap((g) => WORKLOADS[g].files).filter((f) => !existsSync(f));
if (missing.length) {
  // `npm run bench` passes --if-fetched: the other benchmarks still count on a machine without the guests.
  console.error(`third-party: ${args.includes("--if-fetched") ? "skipped: " : ""}${missing[0]} is missing; run scripts/fetch-guests.sh first (as root)`);
  process.exit(args.includes("--if-fetched") ? 0 : 66);
}
if (!existsSync(CLI)) {
  console.error(`third-party: ${CLI} is missing; run npm run setup first`);
  process.exit(66);
}

/** Runs a command to its end; resolves with its stdout (Latin-1), stderr and status. */
function run(command, argv) {
  return new Promise((done) => {
    const p = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d.toString("latin1")));
    p.stderr.on("data", (d) => (stderr += d.toString("latin1")));
    p.on("close", (status) => done({ stdout, stderr, status }));
  });
}

/** QEMU's wall time from its start to the output that ends the stretch (it does not exit then). */
function qemuTime(w) {
  return new Promise((done) => {
    const t0 = performance.now();
    const q = spawn("qemu-system-i386", [...w.qemu, "-display", "none", "-monitor", "none", "-no-reboot", "-nodefaults"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    const timer = setTimeout(() => q.kill(), 300_000);
    q.on("error", () => done(undefined));
    q.stdout.on("data", (d) => {
      out += d.toString("latin1");
      if (w.qemuUntil(out)) {
        clearTimeout(timer);
        q.kill();
        done((performance.now() - t0) / 1e3);
      }
    });
    q.on("exit", () => {
      clearTimeout(timer);
      done(undefined);
    });
  });
}

const fmt = (n) => n.toLocaleString("en-US");
const loadAtStart = loadavg()[0];
const results = [];
for (const name of chosen) {
  const w = WORKLOADS[name];
  process.stderr.write(`third-party: ${name} under every policy (ringlab compare)...\n`);
  const r = await run(process.execPath, [CLI, "compare", ...w.ringlab, "--json"]);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.error(`third-party: ${name}: ringlab compare printed no report (status ${r.status}): ${r.stderr.trim().split("\n")[0]}`);
    process.exit(1);
  }
  const qemu = withQemu ? await qemuTime(w) : undefined;
  results.push({ name, w, report, qemu });
  console.log(`${name}: ${report.indistinguishable ? "indistinguishable" : "POLICIES DIFFER"} under ${report.runs.map((x) => x.policy).join(", ")}`);
  for (const x of report.runs) {
    const secs = x.hostMs / 1e3;
    console.log(`  ${x.policy.padEnd(11)} ${fmt(x.instructions).padStart(15)} instructions  ${secs.toFixed(1).padStart(7)} s  ${(x.instructions / secs / 1e6).toFixed(1).padStart(6)} MIPS  ${fmt(x.exits).padStart(11)} exits`);
  }
  if (qemu !== undefined) console.log(`  qemu-system-i386 (TCG) ${qemu.toFixed(1)} s wall to ${w.qemuPoint}`);
  else if (withQemu) console.log("  qemu-system-i386: not run (not installed, or it did not reach that point in 300 s)");
}

if (markdown) {
  mkdirSync(dirname(resolve(markdown)), { recursive: true });
  writeFileSync(resolve(markdown), page(results));
}

function page(results) {
  const host = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.versions.node}`;
  const lines = [
    "# What it costs: software nobody here wrote, under each policy",
    "",
    `Written by \`node bench/third-party.mjs --markdown docs/third-party-cost.md\` on ${new Date().toISOString().slice(0, 10)} (${host});`,
    "run it again to refresh every number on this page: they all come from that one run. Each guest",
    "runs through `ringlab compare` (every policy from the same power-on state, in one process),",
    "then under QEMU 7.2 (TCG) to the same point. Guest instructions, exits and virtual time are the",
    "same in every run (ringlab is deterministic); host seconds are the wall time of the run itself",
    `on this machine, whose 1-minute load average was ${loadAtStart.toFixed(2)} when the run started (with`,
    "2 cores, a load above 1 slows the numbers down).",
  ];
  for (const { w, report, qemu } of results) {
    lines.push("", `## ${w.title}`, "", w.what, "");
    lines.push("| policy | guest instructions | host s | guest MIPS | exits | run directly |", "|---|---:|---:|---:|---:|---:|");
    for (const x of report.runs) {
      const secs = x.hostMs / 1e3;
      const all = x.counters.direct + x.counters.emulated;
      lines.push(`| ${x.policy} | ${fmt(x.instructions)} | ${secs.toFixed(1)} | ${(x.instructions / secs / 1e6).toFixed(1)} | ${fmt(x.exits)} | ${all ? ((100 * x.counters.direct) / all).toFixed(2) : "100.00"}% |`);
    }
    lines.push("", qemu !== undefined ? `QEMU: ${qemu.toFixed(1)} s of wall time to ${w.qemuPoint}, start-up included.` : "QEMU: not measured in this run.");
    lines.push(
      "",
      report.indistinguishable
        ? `\`ringlab compare\`: the guest could not tell ${report.runs.map((x) => x.policy).join(", ")} apart (same console output, screen, instruction count, event log and outcome).`
        : `\`ringlab compare\`: **the policies differ**: ${report.runs.flatMap((x) => x.differences.map((d) => `${x.policy}: ${d}`)).join("; ")}.`,
    );
    const reasons = [...new Set(report.runs.flatMap((x) => Object.keys(x.exitsByReason)))];
    if (reasons.length) {
      lines.push("", `| exits by reason | ${report.runs.map((x) => x.policy).join(" | ")} |`, `|---|${report.runs.map(() => "---:").join("|")}|`);
      for (const reason of reasons) lines.push(`| ${reason} | ${report.runs.map((x) => fmt(x.exitsByReason[reason] ?? 0)).join(" | ")} |`);
    }
  }
  lines.push(
    "",
    "## Reading it",
    "",
    "- `io` dominates wherever a console is a UART: Linux's serial console polls COM1's line status",
    "  register between characters, and every `IN` exits under scan-patch and pvi. A monitor could",
    "  pass side-effect-free status reads through (an I/O-bitmap-style permission per port).",
    "- pvi removes the CLI/STI exits that ring compression pays (`privileged-instruction`), since",
    "  its deprivileged guest kernel's CLI/STI only change VIF.",
    "- memtest86+'s first full pass is not on this page: it ends with test #10, the bit-fade test,",
    "  which holds its patterns in memory for minutes of the TSC's time (QEMU reached #10 after",
    "  10 s and was still in it after 150 s, on 8 MiB). `ringlab compare` with a larger",
    "  `--max-instructions` measures any longer stretch the same way.",
  );
  return lines.join("\n") + "\n";
}
