import { BUILTIN_POLICY_NAMES } from "@ringlab/monitor";
import { expectSameRun, runGuest } from "../guest-run.js";

/**
 * Fuzz target: arbitrary bytes run as guest code at CPL 0 (protected mode, flat segments,
 * paging off, loaded at 1 MiB) for a bounded number of instructions, under every built-in
 * policy and both engines. Oracles: no host exception (a guest can do anything: its faults
 * are guest exceptions, its unrecoverable states end the run with a report), the policies
 * indistinguishable from `pure` (output, instruction count, every event, outcome, general
 * registers) and the JIT indistinguishable from the interpreter.
 */
export const BUDGET = 20_000;
/** Every built-in policy; the first, `pure`, is the reference. */
export const POLICIES: readonly string[] = BUILTIN_POLICY_NAMES;

/** Guest instructions the last call ran, per run (for campaign totals). */
export let lastInstructions = 0;

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const reference = runGuest(data, "pure", "interp", BUDGET);
  lastInstructions = reference.instructions;
  for (const policy of POLICIES) {
    for (const engine of ["interp", "jit"] as const) {
      if (policy === "pure" && engine === "interp") continue;
      expectSameRun(reference, runGuest(data, policy, engine, BUDGET), `pure/interp and ${policy}/${engine}`);
      lastInstructions += reference.instructions;
    }
  }
}
