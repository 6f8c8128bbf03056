/**
 * Comparing ringlab's x87 with recorded or live host answers, with a report per operation ×
 * precision control × rounding mode: cases, bit-identical share, and the worst difference
 * (in units of the last place of the 80-bit or memory image, or "flags" when only the status
 * word / EFLAGS differ).
 */
import { Prng } from "../diff/prng.js";
import { randomCase, edgeCases } from "./cases.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { hostOracle, runOnHost } from "./host.js";
import { Case, caseLine, diff, fixtureLine, isTrans, Observed, Op, parseFixture, parseHost, predict } from "./model.js";
import { randomTransCase, transEdgeCases } from "./transcendental-cases.js";

export interface Cell {
  cases: number;
  identical: number;
}

export interface OpStats {
  cells: Map<string, Cell>;
  cases: number;
  identical: number;
  /** Largest ulp distance of a value mismatch; -1 when only flags ever differed. */
  worstUlps: bigint;
  flagOnly: number;
  examples: string[];
}

export const PCS = [0, 2, 3] as const;
export const RCS = [0, 1, 2, 3] as const;
const PC_NAME: Record<number, string> = { 0: "24", 2: "53", 3: "64" };
const RC_NAME = ["near", "down", "up", "zero"];
export const cellKey = (cw: number) => `${PC_NAME[(cw >> 8) & 3] ?? "64"}/${RC_NAME[(cw >> 10) & 3]}`;

export class Report {
  readonly ops = new Map<Op, OpStats>();

  add(c: Case, host: Observed, maxExamples = 5): string | null {
    let s = this.ops.get(c.op);
    if (!s) {
      s = { cells: new Map(), cases: 0, identical: 0, worstUlps: -1n, flagOnly: 0, examples: [] };
      this.ops.set(c.op, s);
    }
    const key = cellKey(c.cw);
    let cell = s.cells.get(key);
    if (!cell) s.cells.set(key, (cell = { cases: 0, identical: 0 }));
    s.cases++;
    cell.cases++;
    const d = diff(c, host);
    if (!d) {
      s.identical++;
      cell.identical++;
      return null;
    }
    const p = predict(c);
    const ulps = valueDistance(p, host);
    if (ulps === null) s.flagOnly++;
    else if (ulps > s.worstUlps) s.worstUlps = ulps;
    if (s.examples.length < maxExamples) s.examples.push(d);
    return d;
  }

  get mismatches(): number {
    let n = 0;
    for (const s of this.ops.values()) n += s.cases - s.identical;
    return n;
  }

  format(): string {
    const cols = PCS.flatMap((pc) => RCS.map((rc) => cellKey((pc << 8) | (rc << 10))));
    const lines: string[] = [];
    lines.push(["op".padEnd(8), "cases".padStart(9), "identical".padStart(10), "worst".padStart(8), ...cols.map((c) => c.padStart(10))].join(" "));
    for (const [op, s] of this.ops) {
      const worst = s.cases === s.identical ? "-" : s.worstUlps >= 0n ? `${s.worstUlps}ulp` : "flags";
      const cells = cols.map((k) => {
        const c = s.cells.get(k);
        return (c ? pct(c.identical, c.cases) : "").padStart(10);
      });
      lines.push([op.padEnd(8), String(s.cases).padStart(9), pct(s.identical, s.cases).padStart(10), worst.padStart(8), ...cells].join(" "));
    }
    for (const [op, s] of this.ops) for (const e of s.examples) lines.push(`  ${op}: ${e}`);
    return lines.join("\n");
  }
}

function pct(a: number, b: number): string {
  if (b === 0) return "";
  if (a === b) return "100%";
  return `${(Math.floor((a / b) * 10000) / 100).toFixed(2)}%`;
}

/** Distance between two sign-magnitude images as ordered integers, null if values agree. */
function valueDistance(p: Observed, h: Observed): bigint | null {
  const pairs: [string | undefined, string | undefined][] = [
    [p.st0, h.st0],
    [p.st1, h.st1],
    [p.mem, h.mem],
  ];
  let worst: bigint | null = null;
  for (const [x, y] of pairs) {
    if (x === undefined || x === y) continue;
    if (y === undefined) return 1n << 80n; // the host wrote nothing where ringlab did
    const d = ordinal(x) - ordinal(y);
    const a = d < 0n ? -d : d;
    if (worst === null || a > worst) worst = a;
  }
  return worst;
}

function ordinal(hex: string): bigint {
  const clean = hex.replace(/^(aa)+/, "");
  if (clean === "") return 0n;
  const bits = BigInt("0x" + clean);
  const n = BigInt(clean.length * 4 - 1);
  let mag = bits & ((1n << n) - 1n);
  // An 80-bit image's integer bit is explicit: count (exponent, fraction) so that the largest
  // significand of one binade and the smallest of the next are 1 ulp apart.
  if (n === 79n) mag = ((mag >> 64n) << 63n) + (mag & ((1n << 63n) - 1n));
  return bits >> n ? -mag : mag;
}

/** Seeded random cases for every op in `ops`, `perOp` each (generated lazily). */
export function* randomCases(seed: number, ops: readonly Op[], perOp: number): Generator<Case> {
  const r = new Prng(seed);
  for (const op of ops) for (let i = 0; i < perOp; i++) yield isTrans(op) ? randomTransCase(r, op) : randomCase(r, op);
}

/** Every `stride`-th case of each op's edge set (stride 1: all of it). */
export function edgeSample(ops: readonly Op[], maxPerOp: number): Case[] {
  const out: Case[] = [];
  for (const op of ops) {
    const all = isTrans(op) ? transEdgeCases(op) : edgeCases(op);
    const stride = Math.max(1, Math.ceil(all.length / maxPerOp));
    for (let i = 0; i < all.length; i += stride) out.push(all[i]!);
  }
  return out;
}

/** A live comparison's settings: defaults, overridden by the environment that
 *  scripts/x87-diff.mjs and scripts/x87-table.mjs set (RINGLAB_X87_OPS, _TOTAL_CASES spread over
 *  the ops or _CASES per op, _EDGES per op, _SEED, _TIMEOUT in ms). */
export function liveSettings<O extends Op>(all: readonly O[], defaults: { cases: number; edges: number; seed: number }) {
  const env = process.env;
  const ops = (env.RINGLAB_X87_OPS ? env.RINGLAB_X87_OPS.split(",") : all) as O[];
  const total = env.RINGLAB_X87_TOTAL_CASES;
  return {
    ops,
    cases: total ? Math.ceil(Number(total) / ops.length) : Number(env.RINGLAB_X87_CASES ?? defaults.cases),
    edges: Number(env.RINGLAB_X87_EDGES ?? defaults.edges),
    seed: Number(env.RINGLAB_X87_SEED ?? defaults.seed),
    timeout: Number(env.RINGLAB_X87_TIMEOUT ?? 120_000),
  };
}

/** Where compared cases go: a Report, or a split between several. */
export interface Sink {
  add(c: Case, host: Observed): unknown;
}

/** Run cases on the live host and add them to a report, in chunks. */
export function compareLive(path: string, cases: Iterable<Case>, report: Sink): void {
  const chunk = 100_000;
  let part: Case[] = [];
  const flush = () => {
    const host = runOnHost(path, part);
    for (let j = 0; j < part.length; j++) report.add(part[j]!, parseHost(host[j]!, part[j]!.op));
    part = [];
  };
  for (const c of cases) {
    part.push(c);
    if (part.length === chunk) flush();
  }
  if (part.length) flush();
}

export { caseLine };

/** Run cases on the host and record its answers as a gzipped fixture (one fixtureLine each). */
export function recordFixture(path: string, cases: readonly Case[]): void {
  const oracle = hostOracle();
  if (!oracle.path) throw new Error(oracle.why);
  const host = runOnHost(oracle.path, cases);
  const text = cases.map((c, i) => fixtureLine(c, parseHost(host[i]!, c.op))).join("\n") + "\n";
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(text, { level: 9 }));
}

/** The cases and host answers of a recorded fixture. */
export function readFixture(path: string): { c: Case; h: Observed }[] {
  return gunzipSync(readFileSync(path)).toString("utf8").split("\n").filter(Boolean).map(parseFixture);
}
