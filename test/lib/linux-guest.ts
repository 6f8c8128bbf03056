import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { extraPath, REPO_ROOT } from "@ringlab/testkit";

/**
 * Debian's i386 kernel with the busybox initramfs scripts/fetch-guests.sh builds (the
 * "guests" extra): how the tests run it through the `ringlab` command, as a user would, and
 * what its /init (scripts/guest-init.sh) must print.
 */
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");

/**
 * The command line the tests boot with. cryptomgr.notests skips the crypto self-tests
 * crypto_algapi_init runs late in boot: about 3×10^9 instructions (5.7 s under QEMU, measured
 * with initcall_debug) that touch nothing but the CPU; everything else boots as with plain
 * console=ttyS0.
 */
export const LINUX_CMDLINE = "console=ttyS0 cryptomgr.notests";

/** Boots the kernel to its end with COM1 on stdout; `extra` are more `ringlab run` flags. */
export function runLinux(...extra: string[]) {
  const dir = join(extraPath("guests"), "linux");
  const args = [CLI, "run", join(dir, "vmlinuz"), "--initrd", join(dir, "initramfs.img"), "--mem", "64M"];
  args.push("--cmdline", LINUX_CMDLINE, "--serial", "stdio", "--screen", "none", ...extra);
  return spawnSync(process.execPath, args, { encoding: "latin1", timeout: 900_000, maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
}

/** The "ringlab-init:" lines /init printed, in order. */
export function initMarkers(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => l.replace(/\r$/, ""))
    .filter((l) => l.startsWith("ringlab-init:"));
}

/**
 * What /init's workload must print, computed here independently of any emulator:
 * `seq 1 2000 | md5sum`, 256 KiB of zeros | md5sum, and H(100) = 1 + 1/2 + ... + 1/100.
 */
export function expectedWorkload(): string[] {
  const md5 = (b: Buffer | string) => createHash("md5").update(b).digest("hex");
  const seq = Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join("");
  let h = 0;
  for (let i = 1; i <= 100; i++) h += 1 / i;
  return [`ringlab-init: seq ${md5(seq)}`, `ringlab-init: zero ${md5(Buffer.alloc(256 * 1024))}`, `ringlab-init: float ${h.toFixed(6)}`];
}
