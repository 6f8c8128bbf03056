import { EXIT_REASONS, type ExitReason } from "./exit-reason.js";

/** How many buckets a timeline keeps at most before it halves its resolution. */
const MAX_BUCKETS = 256;
/** The first bucket width, in retired guest instructions. */
const FIRST_WIDTH = 1 << 12;

/** A timeline as data: exits per bucket of `bucketInstructions` retired instructions, by reason. */
export interface ExitTimelineData {
  bucketInstructions: number;
  /** Buckets from instruction 0; reasons with no exit are left out. */
  byReason: Partial<Record<ExitReason, number[]>>;
}

/**
 * When the exits happened, by reason: counts in buckets of retired guest instructions, for
 * a report's timeline. The run's length is not known in advance, so the bucket width starts
 * small and doubles (merging neighbours) whenever the run outgrows {@link MAX_BUCKETS}
 * buckets: memory stays bounded and every count is kept.
 */
export class ExitTimeline {
  private width = FIRST_WIDTH;
  private readonly buckets: number[][] = EXIT_REASONS.map(() => []);
  private readonly reasonIndex = new Map<ExitReason, number>(EXIT_REASONS.map((r, i) => [r, i]));

  /** Counts `n` exits of `reason` at instruction count `at`. */
  add(reason: ExitReason, at: number, n = 1): void {
    let b = Math.floor(at / this.width);
    while (b >= MAX_BUCKETS) {
      this.halve();
      b = Math.floor(at / this.width);
    }
    const row = this.buckets[this.reasonIndex.get(reason)!]!;
    while (row.length <= b) row.push(0);
    row[b]! += n;
  }

  private halve(): void {
    this.width *= 2;
    for (const row of this.buckets) {
      const merged: number[] = [];
      for (let i = 0; i < row.length; i += 2) merged.push(row[i]! + (row[i + 1] ?? 0));
      row.length = 0;
      row.push(...merged);
    }
  }

  data(): ExitTimelineData {
    const byReason: Partial<Record<ExitReason, number[]>> = {};
    EXIT_REASONS.forEach((r, i) => {
      const row = this.buckets[i]!;
      if (row.some((v) => v > 0)) byReason[r] = [...row];
    });
    return { bucketInstructions: this.width, byReason };
  }

  reset(): void {
    this.width = FIRST_WIDTH;
    for (const row of this.buckets) row.length = 0;
  }
}
