import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeNeeds, extraPath, itNeeds } from "@ringlab/testkit";
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
/**
 * The boots: every policy, and each engine under two of them. The engines and the policies
 * must all agree, so the runs below are compared with the first (pure, interpreted): a
 * difference names the policy and the engine that ran it.
 */
const BOOTS = [
  { policy: "pure", engine: "interp" },
  { policy: "scan-patch", engine: "jit" },
  { policy: "pvi", engine: "interp" },
  { policy: "vtx", engine: "jit" },
] as const;
const bootName = (b: (typeof BOOTS)[number]) => `${b.policy} (${b.engine})`;

const OUT = mkdtempSync(join(tmpdir(), "ringlab-linux-"));
const eventsFile = (policy: string) => join(OUT, `${policy}.events`);

describeNeeds("guests", "Debian's Linux kernel and a busybox userland", () => {
  const runs = new Map<string, ReturnType<typeof runLinux>>();
  for (const boot of BOOTS) {
    const { policy, engine } = boot;
    it(`boots to /init and runs the workload under ${policy}, ${engine === "jit" ? "with the block JIT" : "interpreted"}`, () => {
      const r = runLinux("--policy", policy, "--engine", engine, "--stats", "--trace-events", eventsFile(policy));
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

  it("prints byte-identical serial output and delivers the same events at the same instructions under every policy and engine", () => {
    const pure = runs.get("pure");
    expect(pure, "the boots above ran").toBeDefined();
    const events = readFileSync(eventsFile("pure"), "latin1");
    expect(events.split("\n").length, "the event log holds the boot's interrupts").toBeGreaterThan(1000);
    for (const boot of BOOTS.slice(1)) {
      expect(runs.get(boot.policy)?.stdout, bootName(boot)).toBe(pure!.stdout);
      expect(readFileSync(eventsFile(boot.policy), "latin1") === events, `${bootName(boot)}: event log equals pure (interp)'s`).toBe(true);
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
