import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";

/**
 * The `vtx` policy's two memory modes on guests with paging (issue 17), through
 * `ringlab compare --json`: the guest cannot tell pure, shadow paging and nested paging
 * apart, and the exits differ exactly as the model says — shadow paging exits on CR3
 * accesses, INVLPG, every guest #PF and each shadow fill; nested paging on none of them,
 * its page walks costing (n+1)(m+1)−1 memory references each with m = 4 EPT levels.
 */

const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");

interface Run {
  policy: string;
  instructions: number;
  exitsByReason: Record<string, number>;
  counters: { direct: number; emulated: number; measured?: Record<string, number> };
}

function compare(guest: string, cpu: string[]): { indistinguishable: boolean; runs: Run[] } {
  const r = spawnSync(
    process.execPath,
    [CLI, "compare", join(REPO_ROOT, `test/guests/${guest}/${guest}.bin`), ...cpu, "--policies", "pure,vtx,vtx:paging=nested", "--json"],
    { encoding: "utf8", timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { indistinguishable: boolean; runs: Run[] };
}

describe("vtx: shadow paging and nested paging", () => {
  for (const [guest, cpu] of [
    ["pae", ["--cpu", "pentium2"]],
    ["syscallbench", []],
  ] as const) {
    it(`${guest}: indistinguishable from pure; the paging exits are shadow paging's alone`, { timeout: 120_000 }, () => {
      const { indistinguishable, runs } = compare(guest, [...cpu]);
      expect(indistinguishable).toBe(true);
      const [, shadow, nested] = runs as [Run, Run, Run];
      const sm = shadow.counters.measured!;
      const nm = nested.counters.measured!;
      // The guest paged: the same walks under both (the guest's own paging decides them).
      expect(sm["page walks"]).toBeGreaterThan(0);
      expect(nm["page walks"]).toBe(sm["page walks"]);
      expect(nm["page-table entries read"]).toBe(sm["page-table entries read"]);
      // Shadow paging: CR3 loads exit (the guest loads CR3 at least once to turn paging on),
      // and each walk is an exit: a fill (completed) or the guest's #PF (faulted).
      expect(shadow.exitsByReason["CR_ACCESS"]).toBeGreaterThan(nested.exitsByReason["CR_ACCESS"] ?? 0);
      expect(sm["shadow fills"]).toBeGreaterThan(0);
      expect(shadow.exitsByReason["EXCEPTION_NMI"]).toBe(sm["page walks"]);
      // Nested paging: no #PF, INVLPG or CR3 exits; the two-dimensional walks are counted.
      expect(nested.exitsByReason["EXCEPTION_NMI"] ?? 0).toBe(0);
      expect(nested.exitsByReason["INVLPG"] ?? 0).toBe(0);
      const walks = nm["page walks"]!;
      const reads = nm["page-table entries read"]!;
      expect(nm["nested walk references"]).toBe((4 + 1) * (reads + walks) - walks);
      // Everything else exits alike.
      const rest = (r: Run) => Object.entries(r.exitsByReason).filter(([k]) => !["CR_ACCESS", "EXCEPTION_NMI", "INVLPG"].includes(k));
      expect(rest(nested)).toEqual(rest(shadow));
      expect(shadow.instructions).toBe(runs[0]!.instructions);
    });
  }
});
