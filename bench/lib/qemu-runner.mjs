// Boots a project guest (a Multiboot kernel that prints on the debug console, port 0xE9, and
// exits through port 0xF4) in QEMU's TCG, as test/guests/run-qemu.sh does, for the benchmarks.
import { spawnSync } from "node:child_process";
import { spawnTimed } from "./spawn-timed.mjs";

const QEMU = "qemu-system-i386";

/**
 * Runs `image` in qemu-system-i386 with 32 MiB of RAM and an isa-debug-exit device on port
 * 0xF4. Resolves `{ ok: false, reason }` (one line) when QEMU is missing or the run failed,
 * else `{ ok: true, version, output, status, wall, startup, runWall }`: `status` is the
 * guest's exit value (QEMU exits with (v << 1) | 1), `wall` the whole run in seconds,
 * `startup` the time to the first debug-console byte and `runWall` the rest (the guest's
 * work, start-up subtracted; wall time, so a loaded machine inflates it).
 */
export async function runQemu(image, { timeoutMs = 600_000 } = {}) {
  const probe = spawnSync(QEMU, ["--version"], { encoding: "utf8" });
  if (probe.error) return { ok: false, reason: `${QEMU} not installed (apt-get install qemu-system-x86)` };
  const version = /version (\S+)/.exec(probe.stdout)?.[1] ?? probe.stdout.split("\n")[0];
  const argv = ["-kernel", image, "-display", "none", "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot", "-m", "32"];
  const r = await spawnTimed(QEMU, argv, { timeoutMs });
  if (r.error) return { ok: false, reason: `${QEMU} did not start: ${r.error.message}` };
  if (r.timedOut) return { ok: false, reason: `${QEMU} did not exit within ${timeoutMs / 1000} s` };
  if (r.status === null || (r.status & 1) === 0) {
    const why = r.stderr.trim().split("\n").pop() || `exit ${r.status ?? r.signal}`;
    return { ok: false, reason: `${QEMU} stopped without the guest's exit-port write (${why})` };
  }
  const startup = r.firstByte ?? r.wall;
  return { ok: true, version, output: r.stdout, status: r.status >> 1, wall: r.wall, startup, runWall: r.wall - startup };
}
