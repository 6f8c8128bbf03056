import { compareResults, type FieldDiff } from "./compare.js";
import type { DiffCase, MachineResult } from "./diff-case.js";
import { opcodeKey } from "./encoding.js";
import { generateCase } from "./generator.js";
import { formatReproducer } from "./reproducer.js";
import { runUnicorn } from "./unicorn.js";
import { knownIssueFor } from "./unicorn-known-issues.js";
import { type Oracle, shrinkCase, type ShrunkCase } from "./shrink.js";

export interface FamilyStats {
  cases: number;
  /** Instructions executed (Unicorn's count, REP iterations included). */
  instructions: number;
  mismatches: number;
  /** Cases excluded because of a documented Unicorn bug. */
  excluded: number;
  /** Cases where Unicorn itself stopped on an error (harness/generator problem). */
  harnessErrors: number;
}

export interface MismatchReport {
  c: DiffCase;
  diffs: FieldDiff[];
  unicorn: MachineResult;
  cpu: MachineResult;
  /** The shortest prefix of the case that still mismatches, when shorter than the case. */
  minimal?: ShrunkCase;
}

export interface DiffReport {
  seed: number;
  cases: number;
  instructions: number;
  opcodes: Set<string>;
  perFamily: Map<string, FamilyStats>;
  mismatches: MismatchReport[];
  harnessErrors: MismatchReport[];
  excluded: { id: string; issue: string }[];
  /** Where the reference answers came from ("live Unicorn 2.0.1", "Unicorn 2.0.1's recorded answers"). */
  oracle?: string;
  /** Why mismatches have no minimal reproducer (shrinking needs live Unicorn), if they have none. */
  noShrink?: string;
}

export interface DifferentialOptions {
  seed: number;
  count: number;
  families: readonly string[];
  runCpu: (c: DiffCase, index: number) => MachineResult;
  /** Minimal reproducers for at most this many mismatches per family (default 3). */
  shrink?: number;
  /** The reference answers: live Unicorn by default, or recorded ones (fixtures.ts). */
  oracle?: Oracle;
  oracleName?: string;
  /** What runs the shortened cases of a minimal reproducer: `oracle` by default; a string (the reason) for none. */
  shrinkWith?: Oracle | string;
}

/** Generates `count` cases over `families`, runs them on the oracle (Unicorn) and on `runCpu`, compares. */
export async function runDifferential(opts: DifferentialOptions): Promise<DiffReport> {
  const oracle = opts.oracle ?? runUnicorn;
  const shrinkWith = opts.shrinkWith ?? oracle;
  const report: DiffReport = { seed: opts.seed, cases: 0, instructions: 0, opcodes: new Set(), perFamily: new Map(), mismatches: [], harnessErrors: [], excluded: [], ...(opts.oracleName ? { oracle: opts.oracleName } : {}) };
  // Chunks keep memory bounded on long runs; case ids/indices are global, so any case
  // regenerates alone whatever the chunking.
  const CHUNK = 4000;
  for (let start = 0; start < opts.count; start += CHUNK) {
    const cases: DiffCase[] = [];
    for (let i = start; i < Math.min(opts.count, start + CHUNK); i++) cases.push(generateCase(opts.seed, i, opts.families[i % opts.families.length]!));
    const uni = await oracle(cases);
    cases.forEach((c, k) => compareOne(report, opts, c, start + k, uni[k]!));
  }
  // Minimal reproducers for the mismatches a report prints (the first few per family).
  const shown = new Map<string, number>();
  if (typeof shrinkWith === "string") {
    if (report.mismatches.length > 0) report.noShrink = shrinkWith;
  } else {
    for (const m of report.mismatches) {
      const n = shown.get(m.c.family) ?? 0;
      if (n >= (opts.shrink ?? 3)) continue;
      shown.set(m.c.family, n + 1);
      const s = await shrinkCase(m.c, (p) => opts.runCpu(p, 0), shrinkWith);
      if (s) m.minimal = s;
    }
  }
  return report;
}

/** Runs one case on the CPU and compares it with Unicorn's result, updating the report. */
function compareOne(report: DiffReport, opts: Pick<DifferentialOptions, "runCpu">, c: DiffCase, i: number, u: MachineResult): void {
  let st = report.perFamily.get(c.family);
  if (!st) report.perFamily.set(c.family, (st = { cases: 0, instructions: 0, mismatches: 0, excluded: 0, harnessErrors: 0 }));
  const issue = knownIssueFor(c, u);
  if (issue) {
    // Unicorn is not the reference here; ringlab is still held to what the SDM says the
    // case does (its expected exception vector, or running to the end of the block).
    st.excluded++;
    report.excluded.push({ id: c.id, issue: issue.id });
    const r = opts.runCpu(c, i);
    const want = c.expectVector === undefined ? "end" : `exception #${c.expectVector}`;
    const got = r.stop.kind === "exception" ? `exception #${r.stop.vector}` : r.stop.kind === "error" ? `error: ${r.stop.message}` : r.stop.kind;
    if (got !== want) {
      st.mismatches++;
      report.mismatches.push({ c, diffs: [{ field: `stop (vs the SDM; Unicorn excluded by ${issue.id})`, unicorn: want, cpu: got }], unicorn: u, cpu: r });
    }
    return;
  }
  const r = opts.runCpu(c, i);
  st.cases++;
  report.cases++;
  st.instructions += u.executed ?? 0;
  report.instructions += u.executed ?? 0;
  for (const insn of c.insns) report.opcodes.add(opcodeKey(insn.bytes));
  if (u.stop.kind === "error" || (c.expectVector === undefined && u.stop.kind === "exception") || (c.expectVector !== undefined && (u.stop.kind !== "exception" || u.stop.vector !== c.expectVector))) {
    st.harnessErrors++;
    report.harnessErrors.push({ c, diffs: [{ field: "unicorn stop", unicorn: JSON.stringify(u.stop), cpu: `expected ${c.expectVector === undefined ? "end" : "#" + c.expectVector}` }], unicorn: u, cpu: r });
    return;
  }
  const diffs = compareResults(c, u, r);
  if (diffs.length) {
    st.mismatches++;
    report.mismatches.push({ c, diffs, unicorn: u, cpu: r });
  }
}

/** Human-readable summary: totals, per-family table, exclusions, and up to `maxRepro` reproducers per family. */
export function formatReport(rep: DiffReport, maxRepro = 3): string {
  const lines: string[] = [];
  lines.push(`differential run${rep.oracle ? ` against ${rep.oracle}` : ""}: seed ${rep.seed}: ${rep.cases} cases, ${rep.instructions} instructions, ${rep.opcodes.size} distinct opcodes compared; ${rep.mismatches.length} mismatching cases; ${rep.excluded.length} excluded (known Unicorn issues: ringlab checked against the SDM expectation only); ${rep.harnessErrors.length} harness errors`);
  lines.push("family          cases   insns  mismatch excluded harness");
  for (const [f, s] of [...rep.perFamily].sort()) {
    lines.push(`${f.padEnd(14)} ${String(s.cases).padStart(6)} ${String(s.instructions).padStart(7)} ${String(s.mismatches).padStart(8)} ${String(s.excluded).padStart(8)} ${String(s.harnessErrors).padStart(7)}`);
  }
  const byIssue = new Map<string, number>();
  for (const e of rep.excluded) byIssue.set(e.issue, (byIssue.get(e.issue) ?? 0) + 1);
  for (const [k, n] of byIssue) lines.push(`excluded by known Unicorn issue ${k}: ${n} cases`);
  if (rep.noShrink) lines.push(`no minimal reproducers: ${rep.noShrink}`);
  const perFam = new Map<string, number>();
  for (const m of [...rep.harnessErrors, ...rep.mismatches]) {
    const n = perFam.get(m.c.family) ?? 0;
    perFam.set(m.c.family, n + 1);
    if (n >= maxRepro) continue;
    if (m.minimal) {
      lines.push(`minimal reproducer (first ${m.minimal.c.insns.length} of ${m.c.insns.length} instructions of ${m.c.id}):`);
      lines.push(formatReproducer(m.minimal.c, m.minimal.unicorn, m.minimal.cpu, m.minimal.diffs));
      lines.push(`full case ${m.c.id}:`);
    }
    lines.push(formatReproducer(m.c, m.unicorn, m.cpu, m.diffs));
  }
  return lines.join("\n");
}
