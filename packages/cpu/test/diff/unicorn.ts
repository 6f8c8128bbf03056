import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { extraPath } from "@ringlab/testkit";
import type { DiffCase, MachineResult, StopInfo } from "./diff-case.js";
import { REGIONS } from "./layout.js";

/**
 * Unicorn runs in Debian's Python (python3-unicorn is built for /usr/bin/python3 only;
 * RINGLAB_PYTHON chooses another): the `unicorn` extra of @ringlab/testkit, which finds it
 * and says how to install it. Tests that run Unicorn live call `needs(ctx, "unicorn")`
 * first; the recorded answers (fixtures.ts) need no Unicorn at all.
 */
export const RUNNER = fileURLToPath(new URL("../../scripts/unicorn_runner.py", import.meta.url));
const INSTALL_HINT = "apt-get install -y python3-unicorn";

const toHex = (bytes: readonly number[]) => Buffer.from(bytes).toString("hex");

interface RawResult {
  id: string;
  regs: number[];
  eip: number;
  eflags: number;
  mem: [number, string][];
  executed: number;
  stop: StopInfo;
  sregs?: number[];
  cr2?: number;
}

/**
 * Runs a batch. The runner prints one result line per case as it goes, so when Unicorn kills
 * the process (2.0.1 dies with SIGFPE on IDIV of the most negative dividend by -1) the case
 * after the last printed result is the culprit: it gets a "crash" result and the rest of the
 * batch runs in a new process.
 */
async function runBatch(cases: readonly DiffCase[]): Promise<MachineResult[]> {
  const out: MachineResult[] = [];
  let rest = cases;
  while (rest.length > 0) {
    const { results, signal } = await runBatchOnce(rest);
    out.push(...results);
    if (signal === undefined) {
      if (results.length !== rest.length) throw new Error(`unicorn_runner.py returned ${results.length} results for ${rest.length} cases`);
      break;
    }
    const bad = rest[results.length]!;
    out.push({ regs: [...bad.regs], eip: bad.org, eflags: bad.eflags, mem: new Map(), stop: { kind: "crash", signal } });
    rest = rest.slice(results.length + 1);
  }
  return out;
}

function parseResult(line: string): MachineResult {
  const r = JSON.parse(line) as RawResult;
  const mem = new Map<number, number>();
  for (const [addr, hx] of r.mem) {
    const bytes = Buffer.from(hx, "hex");
    bytes.forEach((v, i) => mem.set(addr + i, v));
  }
  return { regs: r.regs.map((v) => v >>> 0), eip: r.eip >>> 0, eflags: r.eflags >>> 0, mem, stop: r.stop, executed: r.executed, ...(r.sregs ? { sregs: r.sregs } : {}), ...(r.cr2 !== undefined ? { cr2: r.cr2 >>> 0 } : {}) };
}

/**
 * Everything Unicorn is given of a case (the rest of a DiffCase — instruction notes, masks,
 * expected vectors — only concerns the comparison). A recorded answer is valid for a case
 * exactly when this is unchanged: fixtures.ts keeps its digest.
 */
export function unicornInput(c: DiffCase): object {
  return { id: c.id, org: c.org, code: toHex(c.code), regs: c.regs, eflags: c.eflags, fill: c.fill.map(([a, b]) => [a, toHex(b)]), count: c.count, ...(c.gdt ? { gdt: c.gdt } : {}), ...(c.paging ? { paging: true } : {}) };
}

function runBatchOnce(cases: readonly DiffCase[]): Promise<{ results: MachineResult[]; signal?: string }> {
  const input = JSON.stringify({ regions: REGIONS, cases: cases.map(unicornInput) });
  const PYTHON = extraPath("unicorn");
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [RUNNER], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => reject(new Error(`cannot start ${PYTHON}: ${e.message}; the differential tests need ${INSTALL_HINT}`)));
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString();
      if (code !== 0 && signal === null) {
        reject(new Error(`unicorn_runner.py exited with ${code}: ${stderr.trim()}${code === 3 ? "" : `\n(if Unicorn is missing: ${INSTALL_HINT})`}`));
        return;
      }
      try {
        const lines = Buffer.concat(out).toString().split("\n").filter((l) => l.trim() !== "");
        // After a kill the last line may be cut short; complete lines end with "}".
        const results = lines.filter((l, i) => signal === null || i < lines.length - 1 || l.endsWith("}")).map(parseResult);
        resolve(signal === null ? { results } : { results, signal });
      } catch (e) {
        reject(new Error(`unicorn_runner.py printed unparsable output: ${(e as Error).message}; stderr: ${stderr}`));
      }
    });
    child.stdin.on("error", () => undefined); // the child may die before reading everything
    child.stdin.end(input);
  });
}

/** Runs cases in Unicorn, in batches of `batch` cases over `parallel` runner processes. */
export async function runUnicorn(cases: readonly DiffCase[], batch = 400, parallel = 2): Promise<MachineResult[]> {
  const chunks: DiffCase[][] = [];
  for (let i = 0; i < cases.length; i += batch) chunks.push(cases.slice(i, i + batch));
  const results: MachineResult[][] = new Array(chunks.length);
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (next < chunks.length && failure === undefined) {
      const i = next++;
      try {
        results[i] = await runBatch(chunks[i]!);
      } catch (e) {
        failure ??= e as Error; // the other workers stop at their next batch
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
  if (failure) throw failure;
  return results.flat();
}
