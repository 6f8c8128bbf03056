import { BUILTIN_POLICY_NAMES, type PolicyRegistry } from "@ringlab/monitor";
import { writeFileSync } from "node:fs";
import { type PolicyRun as MachinePolicyRun, allDifferences, comparisonTable, formatComparison, policyRunOf } from "@ringlab/machine";
import { checkPolicySpec, type PolicySpec, parsePolicySpec } from "../config/policy-spec.js";
import { type Registries, loadPlugins } from "../plugins/load-plugins.js";
import type { RunConfig } from "../config/run-config.js";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import { bootMachine, exitStatusOf, type RunFlags } from "./run.js";
import { runInWorkers } from "./compare-jobs.js";

/** Flags of `ringlab compare` besides the machine flags. */
export interface CompareFlags extends Pick<RunFlags, "load" | "entry" | "rom" | "plugin"> {
  policies?: string;
  json?: boolean;
  /** `--html FILE`: also write the comparison as a self-contained HTML report. */
  html?: string;
  /**
   * How many policies run at once, each in its own worker thread (`--jobs`, parsed by
   * {@link parseJobs}). Absent or 1: one after another in this thread.
   */
  jobs?: number;
}

/** A policy `compare` runs: its registered name and options, labelled as `--policies` wrote it. */
export type ComparedPolicy = PolicySpec;

/** One policy's run of the guest (see `PolicyRun` in @ringlab/machine) and the status `ringlab run` would exit with. */
export interface PolicyRun extends MachinePolicyRun {
  status: number;
}

/**
 * The policies named by `--policies a,b:key=value,c` (default: the built-in ones), each
 * checked against the registry. A bare name that is the configuration's own
 * `monitor.policy` runs with its `monitor.options`; otherwise with the policy's defaults.
 */
export function parsePolicies(text: string | undefined, policies: PolicyRegistry, monitor: { policy: string; options: Record<string, unknown> }): ComparedPolicy[] {
  const specs: ComparedPolicy[] =
    text === undefined
      ? BUILTIN_POLICY_NAMES.map((name) => ({ text: name, name, options: {} }))
      : text
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((s) => parsePolicySpec(s, "--policies"));
  for (const spec of specs) {
    if (spec.text === spec.name && spec.name === monitor.policy) spec.options = { ...monitor.options };
    checkPolicySpec(spec, policies, "--policies");
  }
  if (specs.length < 2) throw new UserError(`--policies: expected at least two policies to compare, got '${text}'`, ExitCode.config);
  if (new Set(specs.map((p) => p.text)).size !== specs.length) throw new UserError(`--policies: a policy is listed twice in '${text}'`, ExitCode.config);
  return specs;
}

/** Boots the guest afresh under `policy` and runs it to its end. */
export function runUnder(
  policy: ComparedPolicy,
  config: RunConfig,
  flags: CompareFlags,
  parseNumber: (v: string) => number,
  registries: Registries,
): PolicyRun {
  let console = "";
  const { machine } = bootMachine(
    { ...config, monitor: { ...config.monitor, policy: policy.name, options: policy.options } },
    { ...flags, screen: "none" },
    parseNumber,
    (bytes) => {
      for (let i = 0; i < bytes.length; i++) console += String.fromCharCode(bytes[i]!);
    },
    registries,
  );
  const t0 = performance.now();
  const outcome = machine.run();
  const hostMs = performance.now() - t0;
  const { policy: label, outcome: _outcome, ...run } = policyRunOf(machine, policy.text, outcome, console, hostMs);
  // `status` third, where --json has always shown it.
  return { policy: label, outcome, status: exitStatusOf(outcome), ...run };
}

/**
 * `ringlab compare`: runs the same guest under each policy from the same power-on state and
 * checks that it could not tell them apart — same console output, screen, instruction count
 * and outcome as under the first policy — and shows what each policy intercepted.
 */
export async function compareCommand(
  config: RunConfig,
  flags: CompareFlags,
  io: { stdout(s: string): void; version: string },
  parseNumber: (v: string) => number,
): Promise<number> {
  // Loaded here even for workers (which load them again): a plugin that cannot load is
  // reported exactly as without --jobs, before any worker starts.
  const registries = await loadPlugins(config.plugins, flags.plugin ?? []);
  const policies = parsePolicies(flags.policies, registries.policies, config.monitor);
  const jobs = flags.jobs ?? 1;
  const runs =
    jobs > 1
      ? await runInWorkers(policies, config, flags, parseNumber.name, jobs)
      : policies.map((p) => runUnder(p, config, flags, parseNumber, registries));
  const ref = runs[0]!;
  const diffs = allDifferences(runs);
  const same = diffs.every((d) => d.length === 0);
  if (flags.html !== undefined) {
    const { compareHtml } = await import("../report/compare-html.js");
    const html = await compareHtml({ guest: guestName(config, flags), version: io.version, indistinguishable: same, runs, differences: diffs, table: comparisonTable(runs) });
    try {
      writeFileSync(flags.html, html);
    } catch (e) {
      throw new UserError(`--html: cannot write ${flags.html} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
    }
  }
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        {
          indistinguishable: same,
          reference: ref.policy,
          runs: runs.map(({ events, ...r }, i) => ({ ...r, events: events.length, differences: diffs[i] })),
        },
        null,
        2,
      ) + "\n",
    );
    return same ? 0 : ExitCode.policiesDiffer;
  }
  io.stdout(formatComparison(runs, diffs, config.monitor.patch));
  return same ? 0 : ExitCode.policiesDiffer;
}

/** The guest as the command line named it: the kernel, the --load image, or the bundled demo. */
function guestName(config: RunConfig, flags: CompareFlags): string {
  return config.kernel.file ?? flags.load ?? (flags.rom?.length ? `ROM ${flags.rom.join(", ")}` : "the bundled demo guest");
}
