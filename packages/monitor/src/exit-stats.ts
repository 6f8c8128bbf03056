/**
 * Why a monitor took control from the guest. The reasons follow what a deprivileging VMM
 * has to catch (FreeMWare/plex86 plan):
 * - `sensitive-instruction`: a patched sensitive instruction (see sensitive-instructions.ts);
 * - `privileged-instruction`: a privileged one faulting because the guest kernel runs
 *   deprivileged (HLT, CLI/STI, MOV CRn, LGDT...);
 * - `io`: IN/OUT/INS/OUTS, forwarded to the bus;
 * - `ring-compression`: any other fault that happens only because the guest kernel runs in
 *   an outer ring (loading a DPL-0 segment from ring 1, a supervisor page from ring 3);
 * - `guest-exception`: an exception the guest itself causes, reflected to its IDT;
 * - `software-interrupt`: an unpatched INT n reflected to the guest's IDT;
 * - `external-interrupt`: a device interrupt, reflected (or held while the guest's IF=0);
 * - `code-page-write`: the guest wrote into scanned code, which is then scanned again.
 */
export type ExitReason =
  | "sensitive-instruction"
  | "privileged-instruction"
  | "io"
  | "ring-compression"
  | "guest-exception"
  | "software-interrupt"
  | "external-interrupt"
  | "code-page-write";

/** Every exit reason, in the order reports list them. */
export const EXIT_REASONS: readonly ExitReason[] = [
  "sensitive-instruction",
  "privileged-instruction",
  "io",
  "ring-compression",
  "guest-exception",
  "software-interrupt",
  "external-interrupt",
  "code-page-write",
];

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

  /** Records one exit (or `n` of the same kind). */
  record(reason: ExitReason, instruction = "-", n = 1): void {
    if (n <= 0) return;
    const key = `${reason}\u0000${instruction}`;
    let row = this.counts.get(key);
    if (!row) this.counts.set(key, (row = { reason, instruction, count: 0 }));
    row.count += n;
    this.totalCount += n;
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
