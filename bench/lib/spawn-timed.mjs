// Runs another emulator as a child process and times it from the outside: the wall time of
// the whole run and the moment its first byte of standard output arrived (where the guest's
// debug console goes), so a benchmark can subtract the emulator's start-up from its figure.
import { spawn } from "node:child_process";

/**
 * Spawns `command argv`, collects stdout and stderr (latin1, so guest bytes pass through
 * unchanged), and resolves when it exits or after `timeoutMs` (then it is killed and
 * `timedOut` is set). Never rejects: a missing command is `error`.
 */
export function spawnTimed(command, argv, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
    let stdout = "";
    let stderr = "";
    let firstByte;
    let timedOut = false;
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.setEncoding("latin1");
    child.stderr.setEncoding("latin1");
    child.stdout.on("data", (s) => {
      if (firstByte === undefined) firstByte = since();
      stdout += s;
    });
    child.stderr.on("data", (s) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error, stdout, stderr, status: null, wall: since(), firstByte, timedOut });
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, status, signal, wall: since(), firstByte, timedOut });
    });
  });
}
