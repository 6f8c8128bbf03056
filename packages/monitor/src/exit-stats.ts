/**
 * Why a monitor took control from the guest. The reasons follow what a deprivileging VMM
 * has to catch (FreeMWare/plex86 plan): faults of deprivileged instructions, patched
 * sensitive instructions, I/O, interrupts, and writes to scanned code pages.
 */
export type ExitReason =
  | "privileged-instruction"
  | "sensitive-instruction"
  | "io"
  | "external-interrupt"
  | "guest-exception"
  | "code-page-write"
  | "page-fault-shadow";

/** One row of the exit statistics. */
export interface ExitCount {
  reason: ExitReason;
  /** The instruction that caused it (its mnemonic, e.g. `popf`), or `-` for none. */
  instruction: string;
  count: number;
}

/**
 * Counts a policy's exits by reason and instruction: the numbers `--stats` prints to show
 * what each policy had to intercept.
 */
export class ExitStats {
  private readonly counts = new Map<string, ExitCount>();
  private totalCount = 0;

  /** Records one exit. */
  record(reason: ExitReason, instruction = "-"): void {
    const key = `${reason}\u0000${instruction}`;
    let row = this.counts.get(key);
    if (!row) this.counts.set(key, (row = { reason, instruction, count: 0 }));
    row.count++;
    this.totalCount++;
  }

  /** Exits recorded since the last reset. */
  get total(): number {
    return this.totalCount;
  }

  /** Rows, most frequent first, then by reason and instruction for a stable order. */
  rows(): ExitCount[] {
    return [...this.counts.values()]
      .map((r) => ({ ...r }))
      .sort(
        (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.instruction.localeCompare(b.instruction),
      );
  }

  /** Totals per reason. */
  byReason(): Partial<Record<ExitReason, number>> {
    const out: Partial<Record<ExitReason, number>> = {};
    for (const r of this.counts.values()) out[r.reason] = (out[r.reason] ?? 0) + r.count;
    return out;
  }

  reset(): void {
    this.counts.clear();
    this.totalCount = 0;
  }
}
