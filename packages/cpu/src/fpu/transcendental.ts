/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (SDM vol.2, each instruction's
 * special-case table; vol.1 §8.3.8 for the internal pi, §8.3.10 for the accuracy).
 *
 * Finite results are computed to ~128 bits in integer fixed point (kernels.ts) and rounded
 * once, in the control word's rounding mode, to 64 bits. What is computed is the closest
 * model of the host's x87 found by measuring it (test/fpu/transcendental.test.ts): the exact
 * function after the x87's own argument reduction (trig-reduction.ts: the 66-bit pi), with
 * its constants (x87-constants.ts) and, where the host evidently holds an intermediate in a
 * 67-bit register, that intermediate truncated to 67 bits (FPTAN, F2XM1, FYL2X, FYL2XP1).
 * Also as the host does:
 * - precision control is ignored (SDM vol.1 §8.1.5.2 lists only FADD..FSQRT as affected):
 *   PC = 24 or 53 still gives a 64-bit result;
 * - rounding control is honoured, and C1 says the magnitude was rounded up;
 * - |x| ≥ 2^63 for FSIN/FCOS/FSINCOS/FPTAN: C2 = 1, the operand unchanged, no flags;
 * - F2XM1 outside [-1, 1] and FYL2XP1 with x ≤ -1 (both undefined in the SDM) return x,
 *   with PE; F2XM1(±1) sets PE too, though 1 and -1/2 are exact.
 * - |x| < 2^-68: FSIN/FPTAN give x, FCOS 1, F2XM1 x × ln2_66 (`tiny`).
 * The host's results are still not always reproduced (its internal error reaches ~0.2 ulp
 * before the final rounding), so a share of cases differ by one ulp: the table in README.md.
 *
 * Convention: one-operand functions take `(st0, cw)`; two-operand ones `(st0, st1, cw)`.
 */
import { BIAS, F80, f80, isDenormal, isInf, isNaN80, isUnsupported, isZero, J_BIT, lsbExponent, ONE, zero, infinity } from "./float80.js";
import { C1, DE, invalid, masked, PE, propagateNaN1, propagateNaN2, Result, UE, ZE } from "./exceptions.js";
import { roundExtended } from "./rounding.js";
import { Approx, bitLength, forRounding, FRAC, fromFixed, INV_LN2, mulApprox, truncateBits } from "./fixed-point.js";
import { reducePi66 } from "./trig-reduction.js";
import { atanMag, cosOf, expm1Mag, lnOf, lnOnePlus, Mag, Signed, sinOf, tan } from "./kernels.js";
import { Constant, LN2_66, LOG2E_68, PI66 } from "./x87-constants.js";

/** An x87 constant in fixed point. */
function fixed(k: Constant): bigint {
  return k.c << BigInt(FRAC - k.lsb);
}
const PI66_FIXED = fixed(PI66);

/** Two results (FSINCOS: [sin, cos]; FPTAN: [tan, 1.0]), or nulls on an unmasked exception. */
export interface Pair {
  first: F80 | null;
  second: F80 | null;
  sw: number;
  /** C2 = 1: the operand was out of range (|x| >= 2^63) and was left unchanged. */
  outOfRange: boolean;
}

/** Transcendental results are rounded to 64 bits whatever the precision control says. */
const P = 64;

/** Round a kernel's signed approximation once into a register (the rho nudge sits two bits
 *  below m's last bit, where it only decides exact ties and exact boundaries). */
function rounded(v: Signed, cw: number, flags = 0): Result {
  const { m, e } = forRounding(v.mag);
  const r = roundExtended(v.sign, m, e, P, cw);
  return { value: r.value, sw: r.sw | flags };
}

function magOf(x: F80): Mag {
  return { sig: x.sig, e: lsbExponent(x) };
}

const exact = (sig: bigint, e: number): Approx => ({ m: sig, e, rho: 0 });

/** Screening shared by the one-operand instructions: unsupported, NaN, unmasked denormal. */
function screen1(a: F80, cw: number): Result | null {
  if (isUnsupported(a)) return invalid(cw);
  if (isNaN80(a)) return propagateNaN1(a, cw);
  if (isDenormal(a) && !masked(cw, DE)) return { value: null, sw: DE };
  return null;
}

/** Screening of the two-operand instructions: unsupported formats, NaNs. */
function screenNaN2(a: F80, b: F80, cw: number): Result | null {
  if (isUnsupported(a) || isUnsupported(b)) return invalid(cw);
  const an = isNaN80(a);
  const bn = isNaN80(b);
  if (an || bn) return propagateNaN2(a, b, an, bn, cw);
  return null;
}

/** An unmasked denormal operand stops the instruction. */
function denormal2(a: F80, b: F80, cw: number): Result | null {
  return (isDenormal(a) || isDenormal(b)) && !masked(cw, DE) ? { value: null, sw: DE } : null;
}

function denormalFlag(...xs: F80[]): number {
  return xs.some(isDenormal) ? DE : 0;
}

/** |x| ≥ 2^63: beyond the x87's reduction range (SDM vol.2 FSIN: C2 = 1, ST(0) unchanged). */
function outOfRange(a: F80): boolean {
  return a.exp !== 0 && a.exp - BIAS >= 63;
}

type Trig = Result & { outOfRange: boolean };

/** The common front of FSIN/FCOS: a special-case result, or null to compute. */
function trigSpecial(st0: F80, cw: number, atZero: F80): Trig | null {
  const s = screen1(st0, cw);
  if (s) return { ...s, outOfRange: false };
  if (isInf(st0)) return { ...invalid(cw), outOfRange: false };
  if (isZero(st0)) return { value: atZero, sw: 0, outOfRange: false };
  if (outOfRange(st0)) return { value: st0, sw: 0, outOfRange: true };
  return null;
}

/**
 * |x| < 2^-68: the host's FSIN/FCOS/FSINCOS/FPTAN return x (sine, tangent) and 1 (cosine)
 * with PE, and never C1, in every rounding mode — measured: at 2^-69 RC=down gives x for
 * FSIN where the correctly rounded sine is the next number below; from 2^-68 up the
 * results are rounded as everywhere else. F2XM1 takes the same shortcut (x × ln2, below).
 */
function tiny(x: F80): boolean {
  return x.exp - BIAS <= -69;
}

/** A tiny operand returned as the result: inexact (PE, and UE when it is a denormal). */
function tinyResult(x: F80, cw: number, de: number): Result {
  const m = magOf(x);
  const r = roundExtended(x.sign, m.sig, m.e, P, cw);
  const denormal = x.exp === 0 && !(x.sig & J_BIT); // not a pseudo-denormal: that is 2^-16382
  return { value: r.value, sw: r.sw | PE | (denormal ? UE : 0) | de };
}

const ONE_INEXACT: Result = { value: ONE, sw: PE };

function reduced(x: F80) {
  const m = magOf(x);
  return reducePi66(m.sig, m.e);
}

/** FSIN. */
export function fsin(st0: F80, cw: number): Trig {
  const sp = trigSpecial(st0, cw, st0);
  if (sp) return sp;
  const de = denormalFlag(st0);
  if (tiny(st0)) return { ...tinyResult(st0, cw, de), outOfRange: false };
  return { ...rounded(sinOf(st0.sign, reduced(st0)), cw, de), outOfRange: false };
}

/** FCOS. */
export function fcos(st0: F80, cw: number): Trig {
  const sp = trigSpecial(st0, cw, ONE);
  if (sp) return sp;
  const de = denormalFlag(st0);
  if (tiny(st0)) return { value: ONE, sw: PE | de, outOfRange: false };
  return { ...rounded(cosOf(reduced(st0)), cw, de), outOfRange: false };
}

/** A special case of FSINCOS/FPTAN as a pair; `second` for a zero operand. */
function pairSpecial(st0: F80, cw: number, atZero: F80): Pair | null {
  const sp = trigSpecial(st0, cw, st0);
  if (!sp) return null;
  if (sp.outOfRange) return { first: st0, second: null, sw: 0, outOfRange: true };
  if (sp.value === null) return { first: null, second: null, sw: sp.sw, outOfRange: false };
  return { first: sp.value, second: isZero(st0) ? atZero : sp.value, sw: sp.sw, outOfRange: false };
}

/** Both results of a pair; C1 is the one of the value pushed last (ST(0)). */
function pairOf(a: Result, b: Result): Pair {
  return { first: a.value, second: b.value, sw: (a.sw | b.sw) & ~C1 | (b.sw & C1), outOfRange: false };
}

/** FSINCOS: [sin, cos] (ST(0) = cos after the push, ST(1) = sin). */
export function fsincos(st0: F80, cw: number): Pair {
  const sp = pairSpecial(st0, cw, ONE);
  if (sp) return sp;
  const de = denormalFlag(st0);
  if (tiny(st0)) return pairOf(tinyResult(st0, cw, de), ONE_INEXACT);
  const red = reduced(st0);
  return pairOf(rounded(sinOf(st0.sign, red), cw, de), rounded(cosOf(red), cw, de));
}

/** FPTAN: [tan, 1.0]. */
export function fptan(st0: F80, cw: number): Pair {
  const sp = pairSpecial(st0, cw, ONE);
  if (sp) return sp;
  const de = denormalFlag(st0);
  let t: Result;
  if (tiny(st0)) t = tinyResult(st0, cw, de);
  // PE always: the model's quotient can come out exact (FPTAN(FLDPI) is 2^-64), tan x is not.
  else t = rounded(tan(st0.sign, reduced(st0)), cw, de | PE);
  return { first: t.value, second: t.value === null ? null : ONE, sw: t.sw, outOfRange: false };
}

// ---- FPATAN ---------------------------------------------------------------------------------

/** k × pi/4 (k = 1, 2, 3, 4) as a signed approximation. */
function piQuarters(sign: number, k: number): Signed {
  return { sign, mag: { m: PI66.c * BigInt(k), e: -PI66.lsb - 2, rho: 0 } };
}

/** FPATAN: arctan(ST(1) / ST(0)) with the quadrant of (ST(0), ST(1)); the result replaces ST(1)
 *  (SDM vol.2 FPATAN, table "FPATAN Results"). */
export function fpatan(st0: F80, st1: F80, cw: number): Result {
  const s = screenNaN2(st1, st0, cw) ?? denormal2(st1, st0, cw);
  if (s) return s;
  const de = denormalFlag(st0, st1);
  const ys = st1.sign;
  const xNeg = st0.sign === 1;
  if (isZero(st1)) return xNeg ? rounded(piQuarters(ys, 4), cw, de) : { value: zero(ys), sw: de };
  if (isInf(st1)) return rounded(piQuarters(ys, isInf(st0) ? (xNeg ? 3 : 1) : 2), cw, de);
  if (isZero(st0)) return rounded(piQuarters(ys, 2), cw, de);
  if (isInf(st0)) return xNeg ? rounded(piQuarters(ys, 4), cw, de) : { value: zero(ys), sw: de };
  return rounded({ sign: ys, mag: atanMag(magOf(st1), magOf(st0), xNeg, PI66_FIXED) }, cw, de);
}

// ---- F2XM1 ----------------------------------------------------------------------------------

const MINUS_ONE = f80(1, BIAS, J_BIT);

/** F2XM1: 2^ST(0) - 1 for -1 ≤ ST(0) ≤ +1. Outside that range the SDM leaves the result
 *  undefined; the host returns the operand (with PE), and so does this. */
export function f2xm1(st0: F80, cw: number): Result {
  const s = screen1(st0, cw);
  if (s) return s;
  if (isInf(st0)) return { value: st0.sign ? MINUS_ONE : st0, sw: 0 };
  if (isZero(st0)) return { value: st0, sw: 0 };
  const de = denormalFlag(st0);
  const m = magOf(st0);
  const e1 = st0.exp - BIAS; // unbiased exponent (normals)
  if (st0.exp !== 0 && (e1 > 0 || (e1 === 0 && st0.sig !== J_BIT))) return { value: st0, sw: PE | de };
  // 2^1 - 1 = 1 and 2^-1 - 1 = -1/2 are exact; the host still reports PE.
  if (e1 === 0) return { value: st0.sign ? f80(1, BIAS - 1, J_BIT) : ONE, sw: PE | de };
  // |x| < 2^-68: x × ln2 with the x87's 66-bit ln2, the product rounded once (measured: the
  // host's results and C1 agree with exactly this, not with 2^x - 1 nor a longer ln2).
  if (tiny(st0)) return rounded({ sign: st0.sign, mag: exact(m.sig * LN2_66.c, m.e - LN2_66.lsb) }, cw, de | PE);
  // 2^x - 1 = e^t - 1 with t = x × ln2_66 truncated to 67 bits: 98.9% of 2,000 random cases
  // (all rounding modes) agree with the host, against 94.2% for an exact t, 89.9% for 2^x - 1.
  const t = truncateBits(exact(m.sig * LN2_66.c, m.e - LN2_66.lsb), EXP_BITS);
  return rounded({ sign: st0.sign, mag: expm1Mag(st0.sign, t.m, t.e) }, cw, de);
}

/** The width of F2XM1's internal x × ln 2. */
const EXP_BITS = 67;

// ---- FYL2X, FYL2XP1 -------------------------------------------------------------------------

/** y × L for a finite non-zero y and a log2 value L (truncated to LOG_BITS by the caller). */
function timesLog2(st1: F80, l2: Signed, cw: number, flags: number): Result {
  const y = magOf(st1);
  return rounded({ sign: st1.sign ^ l2.sign, mag: mulApprox(exact(y.sig, y.e), l2.mag) }, cw, flags | PE);
}

/** The width of FYL2X's and FYL2XP1's internal log2. */
const LOG_BITS = 67;

/** FYL2X: ST(1) × log2(ST(0)); the result replaces ST(1) (SDM vol.2 FYL2X, table "FYL2X
 *  Results": log2 of a negative number or of 0 × ∞ forms are invalid, log2(±0) × finite
 *  divides by zero). */
export function fyl2x(st0: F80, st1: F80, cw: number): Result {
  const s = screenNaN2(st0, st1, cw);
  if (s) return s;
  // Invalid operations and the division by zero take precedence over a denormal operand
  // (SDM vol.1 §4.9.2): no DE is reported with them, masked or not (measured).
  if (st0.sign && !isZero(st0)) return invalid(cw);
  if (isZero(st0)) {
    if (isZero(st1)) return invalid(cw);
    if (isInf(st1)) return { value: infinity(st1.sign ^ 1), sw: 0 };
    if (!masked(cw, ZE)) return { value: null, sw: ZE };
    return { value: infinity(st1.sign ^ 1), sw: ZE };
  }
  if (isInf(st0) && isZero(st1)) return invalid(cw);
  const isOne = st0.exp === BIAS && st0.sig === J_BIT;
  if (isOne && isInf(st1)) return invalid(cw);
  const d = denormal2(st0, st1, cw);
  if (d) return d;
  const de = denormalFlag(st0, st1);
  if (isInf(st0)) return { value: infinity(st1.sign), sw: de };
  const x = magOf(st0);
  const ln = lnOf(x.sig, x.e);
  const logSign = ln ? ln.sign : 0;
  if (isInf(st1)) return { value: infinity(st1.sign ^ logSign), sw: de };
  if (isZero(st1)) return { value: zero(st1.sign ^ logSign), sw: de };
  if (ln !== null && x.sig === 1n << BigInt(bitLength(x.sig) - 1)) {
    // A power of two, 2^k: the host gives y × k exactly for k > 0, and for k < 0 a magnitude
    // just below |y × k| (measured: FYL2X(1/2, 1) is -(1 - 2^-64) under RC=up and RC=zero),
    // with PE either way — not the ln x × log2e_68 it computes elsewhere.
    const k = x.e + bitLength(x.sig) - 1;
    const y = magOf(st1);
    const mag: Approx = { m: y.sig * BigInt(Math.abs(k)), e: y.e, rho: k < 0 ? -1 : 0 };
    const r = rounded({ sign: st1.sign ^ (k < 0 ? 1 : 0), mag }, cw, de | PE);
    // Inexact as far as the host is concerned: a tiny result is an underflow too.
    if (r.value && r.value.exp === 0 && masked(cw, UE)) r.sw |= UE;
    return r;
  }
  // log2 x, exact, truncated to 67 bits, times y, rounded once: 99.75% of 2,000 random cases
  // (all rounding modes) agree with the host, against 94.7% for the exact y × log2 x.
  if (ln === null) return { value: zero(st1.sign), sw: de }; // log2 1 = +0, exact
  return timesLog2(st1, { sign: logSign, mag: truncateBits(mulApprox(ln.mag, fromFixed(INV_LN2)), LOG_BITS) }, cw, de);
}

/** FYL2XP1: ST(1) × log2(ST(0) + 1), for |ST(0)| < 1 - √2/2; the result replaces ST(1)
 *  (SDM vol.2 FYL2XP1, table "FYL2XP1 Results"). Outside that range the SDM leaves the result
 *  undefined; the host computes y × log2(1 + x) while 1 + x > 0, and returns x below. */
export function fyl2xp1(st0: F80, st1: F80, cw: number): Result {
  const s = screenNaN2(st0, st1, cw);
  if (s) return s;
  // The invalid operations first, as for FYL2X.
  if (isZero(st0) && isInf(st1)) return invalid(cw);
  if (isInf(st0) && (st0.sign || isZero(st1))) return invalid(cw);
  const d = denormal2(st0, st1, cw);
  if (d) return d;
  const de = denormalFlag(st0, st1);
  if (isZero(st0)) return { value: zero(st0.sign ^ st1.sign), sw: de };
  if (isInf(st0)) return { value: infinity(st1.sign), sw: de };
  if (isInf(st1)) return { value: infinity(st0.sign ^ st1.sign), sw: de };
  if (isZero(st1)) return { value: zero(st0.sign ^ st1.sign), sw: de };
  const a = magOf(st0);
  // 1 + x ≤ 0 (undefined in the SDM): the host returns x as the result, with PE.
  if (st0.sign && st0.exp - BIAS >= 0) return { value: st0, sw: PE | de };
  // ln(1 + x) × log2e_68, truncated to 67 bits (x87-constants.ts): the best model found.
  const ln = lnOnePlus(st0.sign, a.sig, a.e);
  const l2 = truncateBits(mulApprox(ln.mag, exact(LOG2E_68.c, -LOG2E_68.lsb)), LOG_BITS);
  return timesLog2(st1, { sign: ln.sign, mag: l2 }, cw, de);
}
