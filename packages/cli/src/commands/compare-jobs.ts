import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { EventLog, type EventLogTransfer } from "@ringlab/machine";
import type { RunConfig } from "../config/run-config.js";
import { ExitCode } from "../exit-codes.js";
import { ReportedError } from "../user-error.js";
import type { CompareFlags, ComparedPolicy, PolicyRun } from "./compare.js";

/**
 * What a `compare --jobs` worker is given (its `workerData`): plain data only, since it
 * crosses to the worker by the structured-clone algorithm. `parser` names the number parser
 * the command uses (its function name, looked up in the worker's table).
 */
export interface CompareWorkerInput {
  policy: ComparedPolicy;
  config: RunConfig;
  flags: CompareFlags;
  parser: string;
  debug: boolean;
}

/** What a worker posts back: its run (the event log as transferable arrays) or its error, already described. */
export type CompareWorkerResult =
  | { ok: true; run: Omit<PolicyRun, "events"> & { events: EventLogTransfer } }
  | { ok: false; line: string; exitCode: number; stack?: string };

/**
 * Parses `--jobs`: a positive count of worker threads, or `0` / `auto` for one per core the
 * host offers (`os.availableParallelism()`). Throws `Error` with what was expected.
 */
export function parseJobs(text: string): number {
  if (text === "auto" || text === "0") return availableParallelism();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new Error(`expected a number of worker threads (1 or more), or 0 or 'auto' for one per core, got '${text}'`);
  return n;
}

/**
 * Runs each policy in its own worker thread, at most `jobs` at a time, and gives the runs in
 * `policies`' order. Each worker boots the guest afresh from the same configuration, so a
 * run is what it would have been in this thread. When runs fail, the first failing policy
 * in order is reported — the error a serial run would have stopped at — with the line and
 * status the worker described; policies after it are not started.
 */
export async function runInWorkers(
  policies: readonly ComparedPolicy[],
  config: RunConfig,
  flags: CompareFlags,
  parser: string,
  jobs: number,
): Promise<PolicyRun[]> {
  const results: CompareWorkerResult[] = [];
  let next = 0;
  let firstFailed = policies.length;
  const debug = !!process.env.RINGLAB_DEBUG;
  const lane = async (): Promise<void> => {
    while (next < policies.length && next < firstFailed) {
      const i = next++;
      const r = await runOneWorker({ policy: policies[i]!, config, flags, parser, debug });
      results[i] = r;
      if (!r.ok) firstFailed = Math.min(firstFailed, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, policies.length)) }, lane));
  const runs: PolicyRun[] = [];
  for (const r of results) {
    if (!r.ok) throw new ReportedError(r.line, r.exitCode, r.stack);
    runs.push({ ...r.run, events: EventLog.fromTransfer(r.run.events) });
  }
  return runs;
}

/** One policy's run in a fresh worker; a worker that dies without posting a result is an internal error naming the policy. */
function runOneWorker(input: CompareWorkerInput): Promise<CompareWorkerResult> {
  return new Promise((resolve) => {
    const crashed = (why: string, stack?: string): CompareWorkerResult => ({
      ok: false,
      line: `internal error: the worker running policy '${input.policy.text}' ${why} (a ringlab bug; run with RINGLAB_DEBUG=1 for the stack)`,
      exitCode: ExitCode.internal,
      ...(input.debug && stack ? { stack } : {}),
    });
    let result: CompareWorkerResult | undefined;
    let worker: Worker;
    try {
      // Resolved next to this module: dist/commands/compare-worker.js when ringlab runs.
      worker = new Worker(new URL("./compare-worker.js", import.meta.url), { workerData: input });
    } catch (e) {
      resolve(crashed(`could not start: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`, e instanceof Error ? e.stack : undefined));
      return;
    }
    worker.once("message", (m: CompareWorkerResult) => (result = m));
    worker.once("error", (e) => {
      result ??= crashed(`threw ${(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split("\n")[0]}`, e instanceof Error ? e.stack : undefined);
    });
    worker.once("exit", (code) => resolve(result ?? crashed(`exited (status ${code}) without a result`)));
  });
}
