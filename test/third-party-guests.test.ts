import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeNeeds, extraPath, REPO_ROOT } from "@ringlab/testkit";
import { expect, it } from "vitest";

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

/** What /init's workload must print: seq 1 2000 | md5sum, 256 KiB of zeros | md5sum, H(100). */
function expectedWorkload(): string[] {
  const md5 = (b: Buffer | string) => createHash("md5").update(b).digest("hex");
  const seq = Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join("");
  let h = 0;
  for (let i = 1; i <= 100; i++) h += 1 / i;
  return [`ringlab-init: seq ${md5(seq)}`, `ringlab-init: zero ${md5(Buffer.alloc(256 * 1024))}`, `ringlab-init: float ${h.toFixed(6)}`];
}

const OUT = mkdtempSync(join(tmpdir(), "ringlab-linux-"));
const eventsFile = (policy: string) => join(OUT, `${policy}.events`);

function runLinux(policy: string) {
  const dir = join(extraPath("guests"), "linux");
  const args = [CLI, "run", join(dir, "vmlinuz"), "--initrd", join(dir, "initramfs.img"), "--mem", "64M"];
  // cryptomgr.notests: skip the crypto self-tests crypto_algapi_init runs late in boot, about
  // 3×10^9 instructions (5.7 s under QEMU, measured with initcall_debug) that touch nothing
  // but the CPU; everything else boots as with plain console=ttyS0.
  args.push("--cmdline", "console=ttyS0 cryptomgr.notests", "--serial", "stdio", "--policy", policy, "--screen", "none", "--stats");
  args.push("--trace-events", eventsFile(policy));
  return spawnSync(process.execPath, args, { encoding: "latin1", timeout: 900_000, maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
}

describeNeeds("guests", "Debian's Linux kernel and a busybox userland", () => {
  const runs = new Map<string, ReturnType<typeof runLinux>>();
  for (const policy of POLICIES) {
    it(`boots to /init and runs the workload under ${policy}`, () => {
      const r = runLinux(policy);
      runs.set(policy, r);
      expect(r.error?.message, r.stderr.slice(-2000)).toBeUndefined();
      const markers = r.stdout.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.startsWith("ringlab-init:"));
      expect(markers[0], r.stdout.slice(-3000) + r.stderr.slice(-2000)).toBe("ringlab-init: reached /init");
      expect(markers[1]).toMatch(/^ringlab-init: kernel 6\.\d+\.\d+-\d+-686 on i586$/);
      expect(markers.slice(2, 5)).toEqual(expectedWorkload());
      expect(markers[5]).toBe("ringlab-init: done");
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
});
