/**
 * The host's x87 as an oracle: builds host-x87.c with `gcc -m32 -O1` (`$RINGLAB_X87_GCC`, else
 * gcc on PATH) into the temp dir (once per source version) and runs batches of cases through it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostCpuVendor } from "@ringlab/testkit";
import { Case, caseLine } from "./model.js";

const here = dirname(fileURLToPath(import.meta.url));
export const HOST_SOURCE = join(here, "host-x87.c");
let built: { path: string | null; why: string } | undefined;

/** The built oracle's path, or null with the reason it could not be built. */
export function hostOracle(): { path: string | null; why: string } {
  if (built) return built;
  if (process.arch !== "ia32" && process.arch !== "x64") {
    return (built = { path: null, why: `host is ${process.arch}, not x86` });
  }
  // One build per source version and compiler, shared by runs: tmpdir/ringlab-x87-<hash>.
  const gcc = process.env.RINGLAB_X87_GCC || "gcc";
  const hash = createHash("sha256").update(readFileSync(HOST_SOURCE)).update(gcc).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `ringlab-x87-${hash}`);
  const out = join(dir, "host-x87");
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}`;
    const r = spawnSync(gcc, ["-m32", "-O1", "-o", tmp, HOST_SOURCE], { encoding: "utf8" });
    if (r.error || r.status !== 0 || !existsSync(tmp)) {
      const why = r.error ? String(r.error.message) : (r.stderr || "").split("\n")[0];
      return (built = { path: null, why: `${gcc} -m32 cannot build host-x87.c: ${why}` });
    }
    renameSync(tmp, out);
  }
  const probe = spawnSync(out, [], { input: "add 037f 3fff8000000000000000 3fff8000000000000000\n", encoding: "utf8" });
  if (probe.status !== 0 || !probe.stdout.startsWith("3000 0 40008000000000000000")) {
    return (built = { path: null, why: `the built host-x87 does not run: ${probe.stderr || probe.stdout}` });
  }
  return (built = { path: out, why: "" });
}

/** Run cases on the host; one output line per case. */
export function runOnHost(path: string, cases: readonly Case[]): string[] {
  const out: string[] = [];
  const chunk = 200_000;
  for (let i = 0; i < cases.length; i += chunk) {
    const input = cases.slice(i, i + chunk).map(caseLine).join("\n") + "\n";
    const r = spawnSync(path, [], { input, encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`host-x87 failed: ${r.stderr}`);
    const lines = r.stdout.split("\n");
    lines.pop();
    for (const l of lines) out.push(l);
  }
  if (out.length !== cases.length) throw new Error(`host-x87 answered ${out.length} of ${cases.length} cases`);
  return out;
}

/**
 * Why this host's x87 answers `c` differently from Intel's x87 (which ringlab follows: its
 * CPU models are Intel's, and the recorded fixtures come from an Intel host), or null when no
 * difference is known. Each entry was found by the live comparison on such a host and
 * checked against the Intel fixture.
 */
export function knownVendorDifference(c: Case, vendor = hostCpuVendor()): string | null {
  if (vendor === "AuthenticAMD" && (c.op === "prem" || c.op === "prem1")) {
    // x REM ±inf with a denormal x and underflow unmasked: Intel returns x with only DE
    // (fixture: "prem1 006e 00006f50306ba0933400 ffff8000000000000000" gives 3002 and x); an
    // AMD EPYC treats it as a tiny result and delivers UE with the exponent biased by 0x6000,
    // as both do for a finite divisor.
    const aExp = parseInt(c.a.slice(0, 4), 16) & 0x7fff;
    const aDenormal = aExp === 0 && /[1-9a-f]/.test(c.a.slice(4));
    const bInfinite = /^[7f]fff8000000000000000$/.test(c.b);
    if (aDenormal && bInfinite && (c.cw & 0x10) === 0) return "AMD: x REM inf of a denormal x raises UE (unmasked)";
  }
  return null;
}
