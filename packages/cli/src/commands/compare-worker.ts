// A `ringlab compare --jobs` worker thread: boots the guest under one policy and posts the
// run back. Like main.ts, reflect-metadata comes first (tsyringe's decorators need it).
import "reflect-metadata";
import { parentPort, workerData } from "node:worker_threads";
import { EventLog } from "@ringlab/machine";
import { parseAddressOption } from "../program.js";
import { loadPlugins } from "../plugins/load-plugins.js";
import { describeError } from "../user-error.js";
import { runUnder } from "./compare.js";
import type { CompareWorkerInput, CompareWorkerResult } from "./compare-jobs.js";

/** The number parsers a command can hand to its workers, by function name. */
const PARSERS: Record<string, (v: string) => number> = { parseAddressOption };

const input = workerData as CompareWorkerInput;
let result: CompareWorkerResult;
const transfer: ArrayBuffer[] = [];
try {
  const parse = PARSERS[input.parser];
  if (!parse) throw new Error(`compare worker: no number parser named '${input.parser}'`);
  // This thread has its own module instances: the plugins load again here, and their
  // origins (for error lines naming --plugin or the config key) with them.
  const registries = await loadPlugins(input.config.plugins, input.flags.plugin ?? []);
  const run = runUnder(input.policy, input.config, input.flags, parse, registries);
  const events = run.events.toTransfer();
  transfer.push(...EventLog.transferList(events));
  result = { ok: true, run: { ...run, events } };
} catch (e) {
  result = { ok: false, ...describeError(e, input.debug) };
}
parentPort!.postMessage(result, transfer);
