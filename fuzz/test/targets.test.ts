import { afterAll, describe, expect, it } from "vitest";
import { removeScratch } from "../src/cli-run.js";
import { campaign } from "../src/driver.js";
import { TARGETS } from "../src/targets.js";

/**
 * Every fuzz target for a bounded number of executions (its committed regression inputs,
 * its seeds, then inputs mutated from them by a fixed seed): no host exception, no internal
 * error, no policy or engine the guest can tell apart. A finding fails with the input in hex,
 * to save under fuzz/regressions/<target>/ once fixed (`fuzz TARGET --save` does it).
 */
const RUNS: Record<string, number> = {
  "guest-code": 30,
  "image-loader": 40,
  "config-file": 300,
  "snapshot-file": 30,
  "device-ports": 400,
  "gdb-packets": 20,
};

afterAll(() => removeScratch());

describe("fuzz targets, bounded", () => {
  it("has a run count for every target", () => {
    expect(Object.keys(RUNS).sort()).toEqual(TARGETS.map((t) => t.name).sort());
  });

  for (const target of TARGETS) {
    it(`${target.name}: seeds and ${RUNS[target.name]} mutated inputs, no finding`, async () => {
      const r = await campaign(target, { runs: RUNS[target.name] ?? 0, seed: 0x5eed });
      const shown = r.findings.map((f) => `${f.message.slice(0, 2000)}\n  input (${f.input.length} bytes): ${Buffer.from(f.input.subarray(0, 256)).toString("hex")}`);
      expect(shown).toEqual([]);
      expect(r.executions).toBeGreaterThan(RUNS[target.name] ?? 0);
    }, 600_000);
  }
});
