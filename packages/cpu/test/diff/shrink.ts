import { compareResults, type FieldDiff } from "./compare.js";
import type { DiffCase, MachineResult } from "./diff-case.js";
import { runUnicorn } from "./unicorn.js";

/** What a case's reference answer comes from: live Unicorn, or its recorded answers. */
export type Oracle = (cases: readonly DiffCase[]) => Promise<MachineResult[]>;

/** The first `k` instructions of a case, with the undefined-flag mask as of that point. */
export function prefixCase(c: DiffCase, k: number): DiffCase {
  const insns = c.insns.slice(0, k);
  const full = k >= c.insns.length;
  return {
    ...c,
    id: `${c.id}/first${k}`,
    code: insns.flatMap((i) => i.bytes),
    insns,
    mask: full ? c.mask : { flags: insns[k - 1]?.undefAfter ?? c.mask.flags, regs: [], mem: [] },
    ...(full && c.expectVector !== undefined ? { expectVector: c.expectVector } : { expectVector: undefined }),
  };
}

export interface ShrunkCase {
  c: DiffCase;
  unicorn: MachineResult;
  cpu: MachineResult;
  diffs: FieldDiff[];
}

/**
 * Shortest prefix of a mismatching case that still mismatches (same initial state and memory):
 * the minimal reproducer printed in reports. Prefixes Unicorn does not run to their end (a
 * forward branch cut off from its target) are skipped. The prefixes are new cases, so the
 * reference must run them: live Unicorn by default.
 */
export async function shrinkCase(c: DiffCase, runCpu: (c: DiffCase) => MachineResult, oracle: Oracle = runUnicorn): Promise<ShrunkCase | undefined> {
  const candidates: DiffCase[] = [];
  for (let k = 1; k < c.insns.length; k++) candidates.push(prefixCase(c, k));
  if (candidates.length === 0) return undefined;
  const uni = await oracle(candidates);
  for (const [i, p] of candidates.entries()) {
    const u = uni[i]!;
    if (u.stop.kind !== "end") continue;
    const r = runCpu(p);
    const diffs = compareResults(p, u, r);
    if (diffs.length) return { c: p, unicorn: u, cpu: r, diffs };
  }
  return undefined;
}
