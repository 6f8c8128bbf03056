import { ConfigError, type JsonValue, StateReader } from "@ringlab/sdk";
import { EXIT_REASONS, type ExitReason } from "./exit-reason.js";
import { ExitTimeline } from "./exit-timeline.js";

export { EXIT_REASONS, type ExitReason } from "./exit-reason.js";

/** One row of the exit statistics. */
export interface ExitCount {
  reason: ExitReason;
  /** The instruction that caused it (its mnemonic, e.g. `popf`), or `-` for none. */
  instruction: string;
  count: number;
}

/**
 * Counts a policy's exits by reason and instruction: the numbers `--stats` prints to show
 * what each policy had to intercept. Given the guest's instruction count (`now`), it also
 * keeps when they happened ({@link timeline}).
 */
export class ExitStats {
  /** When the exits happened, if the owner said how to tell the time. */
  readonly timeline: ExitTimeline | null;

  /** @param now The guest's retired-instruction count (for the timeline), if known. */
  constructor(private readonly now?: () => number) {
    this.timeline = now ? new ExitTimeline() : null;
  }

  /** Rows by reason, then by instruction (two lookups, no key to build on the exit path). */
  private readonly counts = new Map<ExitReason, Map<string, ExitCount>>();
  private totalCount = 0;
  /** Bumped by every {@link reset}: rows handed out before it are no longer counted. */
  generation = 0;

  /** Records one exit (or `n` of the same kind). */
  record(reason: ExitReason, instruction = "-", n = 1): void {
    if (n <= 0) return;
    this.count(this.row(reason, instruction), n);
  }

  /**
   * The row counting exits of this reason and instruction (made, at count 0, if new): a
   * monitor may keep it and {@link count} into it, so the exit path looks nothing up. A row
   * belongs to this ExitStats until the next {@link reset}.
   */
  row(reason: ExitReason, instruction: string): ExitCount {
    let byInstruction = this.counts.get(reason);
    if (byInstruction === undefined) this.counts.set(reason, (byInstruction = new Map()));
    let row = byInstruction.get(instruction);
    if (row === undefined) byInstruction.set(instruction, (row = { reason, instruction, count: 0 }));
    return row;
  }

  /** Counts `n` exits into a row from {@link row}. */
  count(row: ExitCount, n = 1): void {
    row.count += n;
    this.totalCount += n;
    if (this.now !== undefined) this.timeline!.add(row.reason, this.now(), n);
  }

  private allRows(): ExitCount[] {
    const out: ExitCount[] = [];
    for (const byInstruction of this.counts.values()) for (const r of byInstruction.values()) out.push(r);
    return out;
  }

  /** Exits recorded since the last reset. */
  get total(): number {
    return this.totalCount;
  }

  /** Rows, most frequent first, then by reason and instruction for a stable order. */
  rows(): ExitCount[] {
    return this.allRows()
      .map((r) => ({ ...r }))
      .sort(
        (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.instruction.localeCompare(b.instruction),
      );
  }

  /** Totals per reason. */
  byReason(): Partial<Record<ExitReason, number>> {
    const out: Partial<Record<ExitReason, number>> = {};
    for (const r of this.allRows()) out[r.reason] = (out[r.reason] ?? 0) + r.count;
    return out;
  }

  /** The rows as plain data (reason, instruction, count), for saved machine states. */
  saveState(): ExitCount[] {
    return this.allRows().map((r) => ({ ...r }));
  }

  /**
   * Replaces every row with {@link saveState}'s output, in its order (the order rows with
   * equal counts tie-break by name, so nothing a report shows depends on it). Throws a
   * `ConfigError` naming the first bad row.
   */
  loadState(rows: JsonValue): void {
    if (!Array.isArray(rows)) throw new ConfigError("monitor state: field 'stats': expected an array of rows");
    const r = new StateReader("monitor state: field 'stats'");
    const checked = rows.map((row) => {
      const o = r.object(row);
      const reason = r.choice(o, "reason", EXIT_REASONS);
      const instruction = o["instruction"];
      if (typeof instruction !== "string") throw new ConfigError("monitor state: field 'stats': expected an instruction name");
      return { reason, instruction, count: r.int(o, "count", 0, Number.MAX_SAFE_INTEGER) };
    });
    this.reset();
    // Straight into the rows: the timeline (when the exits happened) is not saved, and
    // these exits did not happen now.
    for (const row of checked) {
      this.row(row.reason, row.instruction).count += row.count;
      this.totalCount += row.count;
    }
  }

  reset(): void {
    this.timeline?.reset();
    this.counts.clear();
    this.generation++;
    this.totalCount = 0;
  }
}
