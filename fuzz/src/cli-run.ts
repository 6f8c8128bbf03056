import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runArgv } from "@ringlab/cli";
import { Finding } from "./finding.js";

/** ringlab's statuses for its own bugs (sysexits' EX_SOFTWARE). */
const INTERNAL = 70;

/** A scratch folder for the files a target hands the CLI, made once per process. */
let scratch: string | undefined;
function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), "ringlab-fuzz-"));
  return scratch;
}

/** Removes the scratch folder (the driver calls it at the end). */
export function removeScratch(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** Writes `data` to a scratch file called `name` and returns its path. */
export function scratchFile(name: string, data: Uint8Array | string): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, data);
  return path;
}

/**
 * Runs a `ringlab` command line in-process, as the user would from a shell. Oracles: it
 * returns (no exception escapes), it does not end with ringlab's internal-error status, and
 * a failure is one `ringlab: ` line on stderr.
 */
export async function expectCleanCli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (s: string | Uint8Array) => void (stdout += typeof s === "string" ? s : Buffer.from(s).toString("latin1")),
    stderr: (s: string) => void (stderr += s),
  };
  let status: number;
  try {
    status = await runArgv("0.0.0-fuzz", io, argv);
  } catch (e) {
    throw new Finding("host exception", `ringlab ${argv.join(" ")}: ${(e as Error).stack ?? String(e)}`);
  }
  if (status === INTERNAL) throw new Finding("internal error", `ringlab ${argv.join(" ")}: ${stderr.trim()}`);
  // 0-63 are the guest's own exit statuses; ringlab's (64 and up) come with a line saying why.
  if (status >= 64 && !/^ringlab: /m.test(stderr)) {
    throw new Finding("no error line", `ringlab ${argv.join(" ")} ended with ${status} and stderr ${JSON.stringify(stderr.slice(0, 200))}`);
  }
  return { status, stdout, stderr };
}
