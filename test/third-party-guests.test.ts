import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeNeeds, extraPath, itNeeds, REPO_ROOT } from "@ringlab/testkit";
import { expect, it } from "vitest";
import { comparableKernelLines } from "./lib/kernel-log-filter.js";
import { expectedWorkload, initMarkers, LINUX_CMDLINE, runLinux } from "./lib/linux-guest.js";

/**
 * Software nobody here wrote (issue 14), fetched from Debian by scripts/fetch-guests.sh:
 * Debian's i386 kernel with a busybox initramfs whose /init (scripts/guest-init.sh) prints
 * "ringlab-init:" markers and a small workload's results, then powers off. It runs through
 * the `ringlab` command exactly as a user would run it, with the kernel log on COM1
 * (`console=ttyS0`, `--serial stdio`), under every policy. The workload's expected results
 * are computed here, independently of any emulator; QEMU 7.2 prints the same markers
 * (`qemu-system-i386 -M isapc -cpu pentium,+cmov,-apic,-pse,-vme -m 64 -kernel vmlinuz
 * -initrd initramfs.img -append console=ttyS0 -serial stdio`, also "on i586").
 */
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const POLICIES = ["pure", "scan-patch", "pvi"] as const;

const OUT = mkdtempSync(join(tmpdir(), "ringlab-linux-"));
const eventsFile = (policy: string) => join(OUT, `${policy}.events`);

describeNeeds("guests", "Debian's Linux kernel and a busybox userland", () => {
  const runs = new Map<string, ReturnType<typeof runLinux>>();
  for (const policy of POLICIES) {
    it(`boots to /init and runs the workload under ${policy}`, () => {
      const r = runLinux("--policy", policy, "--stats", "--trace-events", eventsFile(policy));
      runs.set(policy, r);
      expect(r.error?.message, r.stderr.slice(-2000)).toBeUndefined();
      const markers = initMarkers(r.stdout);
      expect(markers[0], r.stdout.slice(-3000) + r.stderr.slice(-2000)).toBe("ringlab-init: reached /init");
      expect(markers[1]).toMatch(/^ringlab-init: kernel 6\.\d+\.\d+-\d+-686 on i586$/);
      expect(markers.slice(2, 5)).toEqual(expectedWorkload());
      expect(markers[5]).toBe("ringlab-init: done");
      // The default PC's PCI platform (devices-pci): Linux finds mechanism #1 and both bridges.
      expect(r.stdout).toContain("PCI: Using configuration type 1 for base access");
      expect(r.stdout).toMatch(/pci 0000:00:00\.0: \[8086:1237\] type 00 class 0x060000/);
      expect(r.stdout).toMatch(/pci 0000:00:01\.0: \[8086:7000\] type 00 class 0x060100/);
      // With no ACPI or APM, `poweroff -f` ends in machine_halt(): HLT with interrupts off,
      // which ringlab reports as the end of the run (status 122), as a real PC would just stop.
      expect(r.stdout).toMatch(/reboot: System halted/);
      expect(r.stderr).toMatch(/guest halted: HLT with interrupts disabled/);
      expect(r.status).toBe(122);
    }, 900_000);
  }

  it("prints byte-identical serial output and delivers the same events at the same instructions under every policy", () => {
    const pure = runs.get("pure");
    expect(pure, "the boots above ran").toBeDefined();
    const events = readFileSync(eventsFile("pure"), "latin1");
    expect(events.split("\n").length, "the event log holds the boot's interrupts").toBeGreaterThan(1000);
    for (const policy of ["scan-patch", "pvi"]) {
      expect(runs.get(policy)?.stdout, policy).toBe(pure!.stdout);
      expect(readFileSync(eventsFile(policy), "latin1") === events, `${policy}: event log equals pure's`).toBe(true);
    }
  });

  // A Debian tool is the reference here: QEMU runs the same images (issue 14). The lines
  // that name the machine or the time are left out, class by class, in kernel-log-filter.ts.
  itNeeds("qemu", "prints the kernel log QEMU's isapc prints, but for the lines that name the hardware or the time", async () => {
    const pure = runs.get("pure");
    expect(pure, "the boots above ran").toBeDefined();
    const ours = comparableKernelLines(pure!.stdout);
    const qemu = comparableKernelLines(await qemuLinuxLog());
    expect(ours.length, "lines left to compare").toBeGreaterThan(150);
    expect(ours).toEqual(qemu);
  }, 300_000);
});

/**
 * QEMU's serial console for the same kernel, initramfs and command line on its smallest PC,
 * up to "reboot: System halted" (QEMU does not exit then; it is stopped there).
 */
function qemuLinuxLog(): Promise<string> {
  const dir = join(extraPath("guests"), "linux");
  // COM1 goes to a file, not to a pipe: with `-serial stdio` QEMU drops the bytes a full pipe
  // will not take (seen on a loaded machine: "faility" for "facility", lines cut short).
  const log = join(mkdtempSync(join(tmpdir(), "ringlab-qemu-")), "com1.log");
  const args = ["-M", "isapc", "-cpu", "pentium,+cmov,-apic,-pse,-vme", "-m", "64", "-kernel", join(dir, "vmlinuz"), "-initrd", join(dir, "initramfs.img")];
  args.push("-append", LINUX_CMDLINE, "-serial", `file:${log}`, "-display", "none", "-monitor", "none", "-nodefaults", "-no-reboot");
  return new Promise((done, fail) => {
    const q = spawn("qemu-system-i386", args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    q.stderr.on("data", (d: Buffer) => (errors += d.toString("latin1")));
    const read = () => (existsSync(log) ? readFileSync(log, "latin1") : "");
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      q.kill();
      rmSync(dirname(log), { recursive: true, force: true });
      e ? fail(e) : undefined;
    };
    // QEMU does not exit at the halt: look at the log until the kernel says it halted.
    const poll = setInterval(() => {
      const out = read();
      if (out.includes("reboot: System halted")) {
        done(out);
        finish();
      }
    }, 200);
    const timer = setTimeout(() => finish(new Error(`QEMU did not halt in 240 s:\n${read().slice(-2000)}${errors}`)), 240_000);
    q.on("error", (e) => finish(e));
    q.on("exit", (code) => finish(new Error(`QEMU exited (${code}) before the halt:\n${errors}${read().slice(-2000)}`)));
  });
}

/**
 * memtest86+ 6.10 (Debian's `memtest86+ia32.bin`, a Linux-boot-protocol image) with its screen
 * mirrored to COM1 (`console=ttyS0`; `nopause` skips the wait for a key at its start screen),
 * run by `ringlab compare` as a user would check it: 10^9 instructions (1 s of virtual time)
 * take it from its title through tests #0-#4 into #5 on 8 MiB. It redraws the status only now
 * and then, so the short tests #1-#4 may not show; the test number must only rise. Every
 * status line it draws must say "Errors: 0", and compare must find the policies
 * indistinguishable (same COM1 bytes, screen, instruction count and event log).
 */
function compareMemtest(...extra: string[]) {
  const image = join(extraPath("guests"), "memtest", "memtest.bin");
  const args = [CLI, "compare", image, "--mem", "8M", "--cmdline", "console=ttyS0 nopause", "--max-instructions", "1000000000", "--json", ...extra];
  const r = spawnSync(process.execPath, args, { encoding: "latin1", timeout: 900_000, maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
  expect(r.error?.message, r.stderr.slice(-2000)).toBeUndefined();
  expect(r.stderr).toBe("");
  return { status: r.status, report: JSON.parse(r.stdout) as CompareReport };
}

/** What `ringlab compare --json` prints (the fields used here). */
interface CompareReport {
  indistinguishable: boolean;
  runs: { policy: string; status: number; instructions: number; console: string; screen: string | null; exits: number; differences: string[] }[];
}

/** The text memtest draws, with its ANSI cursor and colour sequences taken out. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, " ");

/**
 * What memtest must show after 10^9 instructions: its title and "Errors: 0" on the VGA screen
 * at the end and on COM1 all along, tests from #0 rising into #5.
 */
function expectFirstTestsPassed(com1: string, screen: string): void {
  expect(screen).toContain("Memtest86+ v6.10");
  expect([...screen.matchAll(/Errors:\s*(\d+)/g)].map((m) => m[1]), screen).toEqual(["0"]);
  const serial = plain(com1);
  expect(serial).toContain("Memtest86+ v6.10");
  expect(serial).toMatch(/Memory\s*:\s*8MB/);
  // COM1 gets only what changed on the screen, so the test now running is on the screen.
  const text = `${serial}\n${screen}`;
  const tests = [...text.matchAll(/#(\d+)\s+\[/g)].map((m) => Number(m[1]));
  expect(tests[0], "the first test drawn").toBe(0);
  expect(tests, "test numbers only rise").toEqual([...tests].sort((a, b) => a - b));
  expect(Math.max(...tests), "reached test #5").toBeGreaterThanOrEqual(5);
  const errors = [...text.matchAll(/Errors:\s*(\d+)/g)].map((m) => Number(m[1]));
  expect(errors.length, "status lines drawn").toBeGreaterThan(3);
  expect(errors.every((e) => e === 0), `error counts ${[...new Set(errors)]}`).toBe(true);
}

describeNeeds("guests", "memtest86+", () => {
  let compared: ReturnType<typeof compareMemtest> | undefined;
  it("runs under every policy through ringlab compare, which finds them indistinguishable", () => {
    // The three policies this test was measured with (vtx, the default compare's fourth, is
    // not yet checked on memtest86+ in CI: a fourth 10^9-instruction run).
    compared = compareMemtest("--policies", POLICIES.join(","));
    const { status, report } = compared;
    expect(report.runs.map((r) => r.policy)).toEqual([...POLICIES]);
    expect(report.runs.map((r) => r.differences)).toEqual([[], [], []]);
    expect(report.indistinguishable).toBe(true);
    expect(status).toBe(0);
    // The monitors did intercept it: it is not the same run three times by accident.
    expect(report.runs.map((r) => r.exits > 0)).toEqual([false, true, true]);
  }, 900_000);

  for (const policy of POLICIES) {
    it(`shows its title and runs its first tests with no errors under ${policy}`, () => {
      const run = compared?.report.runs.find((r) => r.policy === policy);
      expect(run, "the compare run above ran").toBeDefined();
      expect(run!.status).toBe(120); // the instruction limit, as asked
      expectFirstTestsPassed(run!.console, run!.screen ?? "");
    });
  }

  // The Pentium II model offers PAE, and memtest then pages with it (issue 13), saying so on
  // its screen ("[PAE]"). pure against pvi, the policy whose deprivileged kernel needs the
  // monitor's view of the page tables most (all three run the PAE paths of test/guests/pae).
  it("takes its PAE path on --cpu pentium2, runs its first tests with no errors, and pvi cannot be told from pure", () => {
    const { status, report } = compareMemtest("--cpu", "pentium2", "--policies", "pure,pvi");
    expect(report.runs.map((r) => r.differences)).toEqual([[], []]);
    expect(status).toBe(0);
    for (const run of report.runs) {
      expect(run.screen, run.policy).toMatch(/Pentium II[\s\S]*\[PAE\]/);
      expectFirstTestsPassed(run.console, run.screen ?? "");
    }
  }, 900_000);
});
