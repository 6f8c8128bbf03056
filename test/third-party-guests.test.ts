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

/**
 * memtest86+ 6.10 (Debian's `memtest86+ia32.bin`, a Linux-boot-protocol image) with its screen
 * mirrored to COM1 (`console=ttyS0`; `nopause` skips the wait for a key at its start screen):
 * 2×10^9 instructions (2 s of virtual time) take it from its title through tests #0-#4 into
 * #5 on 16 MiB. It redraws the status only now and then, so the short tests #1-#4 may not
 * show; the test number must only rise. Every status line it draws must say "Errors: 0", and
 * the three policies must draw the same bytes.
 */
function runMemtest(policy: string) {
  const image = join(extraPath("guests"), "memtest", "memtest.bin");
  const args = [CLI, "run", image, "--mem", "16M", "--cmdline", "console=ttyS0 nopause", "--policy", policy];
  args.push("--max-instructions", "2000000000", "--screen", "text");
  return spawnSync(process.execPath, args, { encoding: "latin1", timeout: 900_000, maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
}

/** The text memtest draws, with its ANSI cursor and colour sequences taken out. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, " ");

describeNeeds("guests", "memtest86+", () => {
  const outputs = new Map<string, string>();
  for (const policy of POLICIES) {
    it(`shows its title and runs its first tests with no errors under ${policy}`, () => {
      const r = runMemtest(policy);
      expect(r.error?.message, r.stderr.slice(-2000)).toBeUndefined();
      expect(r.status, r.stderr.slice(-2000)).toBe(120); // the instruction limit, as asked
      outputs.set(policy, r.stdout);
      const text = plain(r.stdout);
      expect(text).toContain("Memtest86+ v6.10");
      expect(text).toMatch(/Memory\s*:\s*16MB/);
      const tests = [...text.matchAll(/#(\d+)\s+\[/g)].map((m) => Number(m[1]));
      expect(tests[0], "the first test drawn").toBe(0);
      expect(tests, "test numbers only rise").toEqual([...tests].sort((a, b) => a - b));
      expect(Math.max(...tests), "reached test #5").toBeGreaterThanOrEqual(5);
      const errors = [...text.matchAll(/Errors:\s*(\d+)/g)].map((m) => Number(m[1]));
      expect(errors.length, "status lines drawn").toBeGreaterThan(3);
      expect(errors.every((e) => e === 0), `error counts ${[...new Set(errors)]}`).toBe(true);
    }, 900_000);
  }

  it("draws byte-identical output under every policy", () => {
    expect(outputs.get("pure"), "the runs above ran").toBeDefined();
    for (const policy of ["scan-patch", "pvi"]) expect(outputs.get(policy) === outputs.get("pure"), policy).toBe(true);
  });
});
