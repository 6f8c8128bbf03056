import { hostCpuVendor, hostIsIntel, skipWithReason } from "@ringlab/testkit";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as fpu from "../../src/fpu/index.js";
import { f2xm1, fcos, fpatan, fptan, fsin, fsincos, fyl2x, fyl2xp1 } from "../../src/fpu/transcendental.js";
import { compareLive, edgeSample, liveSettings, randomCases, readFixture, recordFixture, Report, Sink } from "./differential.js";
import { hostOracle } from "./host.js";
import { Case, Observed, TRANS_OPS, TransOp } from "./model.js";
import { TRANS_EDGES } from "./transcendental-cases.js";

/**
 * FSIN FCOS FSINCOS FPTAN F2XM1 FPATAN FYL2X FYL2XP1 against the host's own x87
 * (host-x87.c): result registers, C0-C3 and the exception flags, bit for bit.
 *
 * The host's transcendental results are not always correctly rounded, and ringlab's are the
 * exact function (after the x87's own reduction and constants) rounded once, so a share of
 * the random cases differ by one ulp (or in C1 only). The tests therefore assert:
 * - the SDM's special cases (a zero, infinity, NaN, unsupported or out-of-range operand —
 *   `isSpecial`) are identical to the host, every one, in every rounding mode and mask;
 * - on random operands, a floor on the bit-identical share per instruction (measured, a
 *   little below what README.md's table shows); on those and the other edge values, never
 *   more than 1 ulp away.
 *
 * Fixtures (fixtures/host-x87-transcendental.txt.gz) run everywhere; the live sample needs
 * gcc -m32. `npm run x87-table` (scripts/x87-table.mjs) runs millions of cases and prints the
 * table. RINGLAB_X87_TRANS_RECORD=1 re-records the fixtures.
 */
const env = process.env;
const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, "fixtures", "host-x87-transcendental.txt.gz");
const FIXTURE_SEED = 13;
const FIXTURE_RANDOM = 400;
const FIXTURE_EDGES = 300;
const LIVE = liveSettings(TRANS_OPS, { cases: 3000, edges: 100_000, seed: 20261203 });

/**
 * The measured floor of the bit-identical share on random operands (README.md's table, less
 * a margin for the sample size): a regression in any kernel fails it.
 */
const FLOOR: Record<TransOp, number> = {
  sin: 0.97,
  cos: 0.97,
  sincos: 0.955,
  ptan: 0.87,
  f2xm1: 0.91,
  patan: 0.93,
  yl2x: 0.9,
  yl2xp1: 0.86,
};

const SPECIAL = new Set(
  TRANS_EDGES.filter((h) => {
    const x = fpu.fromHex(h);
    return fpu.isZero(x) || x.exp === 0x7fff || fpu.isUnsupported(x);
  }),
);
/** An operand of the SDM tables' special rows: ±0, ±∞, NaN, unsupported, or |x| ≥ 2^63 for the
 *  trigonometric instructions (C2). */
function isSpecial(c: Case): boolean {
  const trig = c.op === "sin" || c.op === "cos" || c.op === "sincos" || c.op === "ptan";
  const big = (h: string) => trig && fpu.fromHex(h).exp >= 0x3fff + 63 && fpu.fromHex(h).exp !== 0x7fff;
  return SPECIAL.has(c.a) || big(c.a) || (!trig && c.op !== "f2xm1" && SPECIAL.has(c.b));
}

const EDGE = new Set(TRANS_EDGES);
/** A case of the edge set (both operands edge values): boundary values, or special. */
const isEdge = (c: Case) => EDGE.has(c.a) && (EDGE.has(c.b) || c.b === "0");

/** The three reports a comparison fills: special cases, other edge values, random operands. */
function split(): Sink & { special: Report; boundary: Report; random: Report } {
  const special = new Report();
  const boundary = new Report();
  const random = new Report();
  return {
    special,
    boundary,
    random,
    add: (c, h) => void (isSpecial(c) ? special : isEdge(c) ? boundary : random).add(c, h),
  };
}

/**
 * The floors on random operands; never more than 1 ulp away anywhere. The bit-identical
 * floors were measured against an Intel x87 (ringlab's reference: its models are Intel's),
 * so `intel` false (another vendor's host) checks only the 1-ulp bound, which any x87 meets.
 */
function assertFloors(r: ReturnType<typeof split>, intel = true): void {
  for (const [op, s] of r.random.ops) {
    if (intel) expect(s.identical / s.cases, `${op}: bit-identical share`).toBeGreaterThanOrEqual(FLOOR[op as TransOp]);
    expect(s.worstUlps, `${op}: worst distance in ulps`).toBeLessThanOrEqual(1n);
  }
  for (const [op, s] of r.boundary.ops) expect(s.worstUlps, `${op}: worst distance in ulps (edge values)`).toBeLessThanOrEqual(1n);
}

const h = (s: string) => fpu.fromHex(s);
const hex = (x: fpu.F80 | null) => (x ? fpu.toHex(x) : null);
const CW = 0x037f;
const CW_DOWN = 0x077f;
const PI_UP = "4000c90fdaa22168c235"; // FLDPI: pi rounded to 64 bits (up)

describe("x87 transcendentals: the SDM's rules and the x87's documented internals", () => {
  it("FSIN(FLDPI) is -2^-64: the reduction uses the 66-bit pi of SDM vol.1 §8.3.8, not pi", () => {
    // pi rounded up to 64 bits is pi66 + 2^-64 exactly, so sin x = -sin(2^-64) ≈ -2^-64,
    // where the true sine is +2^-64.1 (Dawson, "Intel Underestimates Error Bounds ...").
    const r = fsin(h(PI_UP), CW);
    expect(hex(r.value)).toBe("bfbf8000000000000000");
    expect(r.sw & fpu.PE).toBe(fpu.PE);
  });

  it("leaves |x| >= 2^63 unchanged with C2 set (FSIN, FCOS, FSINCOS, FPTAN)", () => {
    const big = h("403e8000000000000000");
    expect(fsin(big, CW)).toMatchObject({ value: big, sw: 0, outOfRange: true });
    expect(fcos(big, CW).outOfRange).toBe(true);
    expect(fsincos(big, CW)).toMatchObject({ first: big, second: null, outOfRange: true });
    expect(fptan(big, CW)).toMatchObject({ first: big, second: null, outOfRange: true });
    expect(fsin(h("403dffffffffffffffff"), CW).outOfRange).toBe(false);
  });

  it("ignores the precision control: a 64-bit result at PC=24 and PC=53", () => {
    const one = h("3fff8000000000000000");
    for (const pc of [0x007f, 0x027f]) {
      expect(fsin(one, pc)).toEqual(fsin(one, CW));
      expect(fyl2x(h("4000c000000000000000"), one, pc)).toEqual(fyl2x(h("4000c000000000000000"), one, CW));
    }
    expect(hex(fsin(one, 0x007f).value)!.slice(-5)).not.toBe("00000");
  });

  it("honours the rounding control and reports a rounded-up magnitude in C1", () => {
    const x = h("3fff8000000000000000");
    const near = fsin(x, CW);
    const down = fsin(x, CW_DOWN);
    const up = fsin(x, 0x0b7f);
    expect(fpu.toBits(up.value!) - fpu.toBits(down.value!)).toBe(1n);
    expect(up.sw & fpu.C1).toBe(fpu.C1);
    expect(down.sw & fpu.C1).toBe(0);
    expect([hex(up.value), hex(down.value)]).toContain(hex(near.value));
  });

  it("follows the FPATAN table: signed zeros and infinities pick the quadrant", () => {
    const pz = h("00000000000000000000");
    const nz = h("80000000000000000000");
    const inf = h("7fff8000000000000000");
    const ninf = h("ffff8000000000000000");
    const one = h("3fff8000000000000000");
    // ST(0) = x, ST(1) = y.
    expect(hex(fpatan(pz, pz, CW).value)).toBe("00000000000000000000");
    expect(hex(fpatan(nz, pz, CW).value)).toBe(PI_UP); // atan2(+0, -0) = pi
    expect(hex(fpatan(nz, nz, CW).value)).toBe("c000c90fdaa22168c235"); // -pi
    expect(hex(fpatan(pz, one, CW).value)).toBe("3fffc90fdaa22168c235"); // pi/2
    expect(hex(fpatan(inf, inf, CW).value)).toBe("3ffec90fdaa22168c235"); // pi/4
    expect(hex(fpatan(ninf, ninf, CW).value)).toBe("c00096cbe3f9990e91a8"); // -3pi/4
    expect(hex(fpatan(inf, h("bfff8000000000000000"), CW).value)).toBe("80000000000000000000");
    expect(fpatan(nz, pz, CW).sw).toBe(fpu.PE | fpu.C1);
  });

  it("follows the FYL2X and FYL2XP1 tables: ZE for log(0), IE for log of a negative", () => {
    const one = h("3fff8000000000000000");
    const pz = h("00000000000000000000");
    expect(fyl2x(pz, one, CW)).toEqual({ value: fpu.infinity(1), sw: fpu.ZE });
    expect(fyl2x(pz, one, CW & ~fpu.ZE)).toEqual({ value: null, sw: fpu.ZE });
    expect(fyl2x(h("bfff8000000000000000"), one, CW)).toEqual({ value: fpu.INDEFINITE, sw: fpu.IE });
    expect(fyl2x(pz, pz, CW).sw).toBe(fpu.IE);
    expect(fyl2x(one, h("7fff8000000000000000"), CW).sw).toBe(fpu.IE); // log2(1) × ∞
    expect(fyl2x(one, h("bfff8000000000000000"), CW)).toEqual({ value: fpu.zero(1), sw: 0 });
    expect(fyl2xp1(pz, h("ffff8000000000000000"), CW).sw).toBe(fpu.IE);
    expect(fyl2xp1(h("80000000000000000000"), one, CW)).toEqual({ value: fpu.zero(1), sw: 0 });
  });

  it("gives F2XM1's and FCOS's exact special values without PE", () => {
    expect(f2xm1(h("ffff8000000000000000"), CW)).toEqual({ value: h("bfff8000000000000000"), sw: 0 });
    expect(f2xm1(h("80000000000000000000"), CW)).toEqual({ value: h("80000000000000000000"), sw: 0 });
    expect(fcos(h("80000000000000000000"), CW)).toMatchObject({ value: fpu.ONE, sw: 0 });
    expect(fsincos(h("80000000000000000000"), CW)).toMatchObject({ first: h("80000000000000000000"), second: fpu.ONE, sw: 0 });
  });

  it("is invalid for ±∞ and passes NaNs through (SNaN quietened with IE)", () => {
    expect(fsin(h("7fff8000000000000000"), CW)).toMatchObject({ value: fpu.INDEFINITE, sw: fpu.IE });
    expect(fptan(h("ffff8000000000000000"), CW)).toMatchObject({ first: fpu.INDEFINITE, second: fpu.INDEFINITE, sw: fpu.IE });
    expect(fcos(h("7fff8000000000000001"), CW)).toMatchObject({ value: h("7fffc000000000000001"), sw: fpu.IE });
    expect(fsin(h("7fff8000000000000001"), CW & ~fpu.IE)).toMatchObject({ value: null, sw: fpu.IE });
  });
});

describe("x87 transcendentals vs the host x87", () => {
  it("match the recorded host answers: every special case, and the floors on the rest", () => {
    const cases = readFixture(FIXTURE);
    const r = split();
    for (const { c, h } of cases) r.add(c, h);
    expect(cases.length).toBeGreaterThan(4000);
    expect(r.special.ops.size).toBe(TRANS_OPS.length);
    expect(r.random.ops.size).toBe(TRANS_OPS.length);
    if (r.special.mismatches) console.log(r.special.format());
    expect(r.special.mismatches).toBe(0);
    assertFloors(r);
  });

  it("notices a changed host answer (the comparison is not vacuous)", () => {
    const { c, h } = readFixture(FIXTURE)[0]!;
    const report = new Report();
    report.add(c, { ...h, sw: h.sw ^ fpu.C1 });
    expect(report.mismatches).toBe(1);
  });

  it("match the live host x87 on a seeded sample (needs gcc -m32)", (ctx) => {
    const oracle = hostOracle();
    if (!oracle.path) return skipWithReason(ctx, `${oracle.why}; install gcc-multilib (apt-get install -y gcc-multilib)`);
    const r = split();
    compareLive(oracle.path, randomCases(LIVE.seed, LIVE.ops, LIVE.cases), r);
    if (LIVE.edges > 0) compareLive(oracle.path, edgeSample(LIVE.ops, LIVE.edges), r);
    const text = [
      `special cases (SDM tables: ±0, ±∞, NaN, unsupported, |x| ≥ 2^63)\n${r.special.format()}`,
      `edge values (denormals, domain and range boundaries, exact powers of two)\n${r.boundary.format()}`,
      `random operands\n${r.random.format()}`,
    ].join("\n\n");
    if (env.RINGLAB_X87_REPORT) writeFileSync(env.RINGLAB_X87_REPORT, text + "\n");
    if (r.special.mismatches) console.log(r.special.format());
    expect(r.special.mismatches).toBe(0);
    // The recorded Intel answers above hold ringlab to Intel's floors on every host; a live
    // AMD x87 rounds its transcendentals differently (e.g. 93% of FSIN bit-identical on an
    // AMD EPYC, still within 1 ulp), so only the bound is checked there.
    const intel = hostIsIntel();
    if (!intel) console.log(`host ${hostCpuVendor()}: bit-identical floors are Intel's; checking the 1-ulp bound only\n${r.random.format()}`);
    assertFloors(r, intel);
  }, LIVE.timeout);
});

if (env.RINGLAB_X87_TRANS_RECORD) {
  describe("recording", () => {
    it("records the host's answers into fixtures/host-x87-transcendental.txt.gz", () => {
      recordFixture(FIXTURE, [...randomCases(FIXTURE_SEED, TRANS_OPS, FIXTURE_RANDOM), ...edgeSample([...TRANS_OPS], FIXTURE_EDGES)]);
    });
  });
}
