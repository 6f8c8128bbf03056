import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * The test files that run longest, longest first (seconds on one of CI's 2 cores, measured
 * in the clean-clone run of 2026-12-08). They start before everything else so that no long
 * file is left running alone at the end while the other workers sit idle; vitest's own order
 * (larger files first, then the cached durations of an earlier run) knows nothing of them in
 * a clean clone.
 */
const LONGEST_FIRST = [
  "test/linux.test.ts", // ~585: Debian's kernel booted four times (policies, engines), and QEMU
  "test/snapshot.test.ts", // ~535
  "test/memtest.test.ts", // ~235
  "test/cpu-models.test.ts", // ~170: the 686 kernel on the Pentium II
  "test/policies.test.ts", // ~130
  "test/jit-differential.test.ts", // ~125
  "packages/cli/test/compare-jobs.test.ts", // ~110
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(f.project.vitest.config.root, f.moduleId));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

// One vitest run over every package (each package's own vitest.config.ts is a project).
// After vitest's summary, the extras reporter lists every skipped test with its reason
// (a missing extra: see packages/testkit).
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "fuzz", "test"],
    reporters: ["default", "./packages/testkit/dist/reporter.js"],
    // vitest leaves a core to its main thread (one worker on a 2-core machine); here the
    // heavy tests run guests in child processes or in the worker itself and the main thread
    // mostly waits, so every core gets a worker.
    maxWorkers: Math.max(availableParallelism(), 1),
    sequence: { sequencer: LongestFirst },
  },
});
