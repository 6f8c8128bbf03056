import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXIT_REASONS, ExitStats } from "../src/index.js";

/**
 * The exit timeline under any run (fast-check): whatever the exits and however long the
 * run, no exit is lost or moved to the wrong time — each lands in the bucket that holds its
 * instruction count — and the timeline stays within its bucket budget.
 */
describe("ExitTimeline (property)", () => {
  const exit = fc.record({
    reason: fc.constantFrom(...EXIT_REASONS),
    gap: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5_000_000 })),
    n: fc.integer({ min: 1, max: 3 }),
  });

  it("keeps every exit, in the bucket of its instruction count, in at most 256 buckets", () => {
    fc.assert(
      fc.property(fc.array(exit, { maxLength: 300 }), (exits) => {
        let now = 0;
        const stats = new ExitStats(() => now);
        const placed: { reason: string; at: number; n: number }[] = [];
        for (const e of exits) {
          now += e.gap; // instruction counts only grow
          stats.record(e.reason, "-", e.n);
          placed.push({ reason: e.reason, at: now, n: e.n });
        }
        const t = stats.timeline!.data();
        const expected: Record<string, number[]> = {};
        for (const p of placed) {
          const row = (expected[p.reason] ??= []);
          const b = Math.floor(p.at / t.bucketInstructions);
          while (row.length <= b) row.push(0);
          row[b]! += p.n;
        }
        // Rows may carry trailing zero buckets another reason's growth left; compare the counts.
        for (const reason of EXIT_REASONS) {
          const got = t.byReason[reason] ?? [];
          const want = expected[reason] ?? [];
          expect(got.length).toBeLessThanOrEqual(256);
          expect(got.slice(0, want.length)).toEqual(want);
          expect(got.slice(want.length).every((v) => v === 0)).toBe(true);
        }
        expect(Object.values(t.byReason).flat().reduce((a, b) => a + b, 0)).toBe(stats.total);
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
