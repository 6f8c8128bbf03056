import { ConfigError, type JsonValue, StateReader } from "@ringlab/sdk";

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
    for (const row of checked) this.record(row.reason, row.instruction, row.count);
  }

  reset(): void {
    this.counts.clear();
    this.generation++;
    this.totalCount = 0;
  }
}
