/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (SDM vol.2, each instruction's
 * special-case table). NOT YET BIT-EXACT: the special cases (zeros, infinities, NaNs, the
 * |x| >= 2^63 range check with C2, the domain errors) follow the SDM, but finite results
 * are computed in JavaScript doubles — 53 bits, not the x87's 64 — and rounded to the
 * nearest double, so their last 11 bits and C1 differ from a real FPU (the x87 guest's four
 * transcendental lines show it). Exact kernels, reduction with the x87's own 66-bit pi and a
 * measured table against the host are issue 13's remaining work.
 *
 * Convention: one-operand functions take `(st0, cw)`; two-operand ones `(st0, st1, cw)`.
 */
import { F80, f80, INDEFINITE, isDenormal, isInf, isNaN80, isUnsupported, isZero, ONE, zero } from "./float80.js";
import { DE, IE, masked, PE, propagateNaN1, propagateNaN2, Result, ZE, invalid } from "./exceptions.js";
import { toIeee, widenIeee } from "./convert.js";

/** Two results (FSINCOS: [sin, cos]; FPTAN: [tan, 1.0]), or nulls on an unmasked exception. */
export interface Pair {
  first: F80 | null;
  second: F80 | null;
  sw: number;
  /** C2 = 1: the operand was out of range (|x| >= 2^63) and was left unchanged. */
  outOfRange: boolean;
}

/** A quiet, masked control word for the conversions to and from doubles. */
const CW_ALL_MASKED = 0x037f;
const TWO63 = 2 ** 63;

function toDouble(x: F80): number {
  const s = toIeee(x, 64, CW_ALL_MASKED);
  const b = new DataView(new ArrayBuffer(8));
  b.setBigUint64(0, s.bits!, false);
  return b.getFloat64(0, false);
}

function fromDouble(v: number): F80 {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, false);
  return widenIeee(b.getBigUint64(0, false), 64).value;
}

/** A finite non-zero result: PE unless the double result is exactly representable (rare). */
function inexact(v: number): Result {
  return { value: fromDouble(v), sw: PE };
}

/** Screening shared by the one-operand instructions: NaN, unsupported, denormal. */
function screen1(a: F80, cw: number): Result | null {
  if (isUnsupported(a)) return invalid(cw);
  if (isNaN80(a)) return propagateNaN1(a, cw);
  if (isDenormal(a) && !masked(cw, DE)) return { value: null, sw: DE };
  return null;
}

function denormalFlag(...xs: F80[]): number {
  return xs.some(isDenormal) ? DE : 0;
}

function outOfRange(a: F80): boolean {
  return !isInf(a) && Math.abs(toDouble(a)) >= TWO63;
}

/** FSIN. */
export function fsin(st0: F80, cw: number): Result & { outOfRange: boolean } {
  const s = screen1(st0, cw);
  if (s) return { ...s, outOfRange: false };
  if (isInf(st0)) return { ...invalid(cw), outOfRange: false };
  if (isZero(st0)) return { value: st0, sw: 0, outOfRange: false };
  if (outOfRange(st0)) return { value: st0, sw: 0, outOfRange: true };
  const r = inexact(Math.sin(toDouble(st0)));
  return { value: r.value, sw: r.sw | denormalFlag(st0), outOfRange: false };
}

/** FCOS. */
export function fcos(st0: F80, cw: number): Result & { outOfRange: boolean } {
  const s = screen1(st0, cw);
  if (s) return { ...s, outOfRange: false };
  if (isInf(st0)) return { ...invalid(cw), outOfRange: false };
  if (isZero(st0)) return { value: ONE, sw: 0, outOfRange: false };
  if (outOfRange(st0)) return { value: st0, sw: 0, outOfRange: true };
  const r = inexact(Math.cos(toDouble(st0)));
  return { value: r.value, sw: r.sw | denormalFlag(st0), outOfRange: false };
}

function pairOf(a: Result, b: F80 | null): Pair {
  return { first: a.value, second: a.value === null ? null : b, sw: a.sw, outOfRange: false };
}

/** FSINCOS: [sin, cos] (ST(0) = cos after the push, ST(1) = sin). */
export function fsincos(st0: F80, cw: number): Pair {
  const s = screen1(st0, cw);
  if (s) return pairOf(s, s.value);
  if (isInf(st0)) {
    const r = invalid(cw);
    return pairOf(r, r.value);
  }
  if (isZero(st0)) return { first: st0, second: ONE, sw: 0, outOfRange: false };
  if (outOfRange(st0)) return { first: st0, second: null, sw: 0, outOfRange: true };
  const x = toDouble(st0);
  return { first: fromDouble(Math.sin(x)), second: fromDouble(Math.cos(x)), sw: PE | denormalFlag(st0), outOfRange: false };
}

/** FPTAN: [tan, 1.0]. */
export function fptan(st0: F80, cw: number): Pair {
  const s = screen1(st0, cw);
  if (s) return pairOf(s, s.value === null ? null : s.value);
  if (isInf(st0)) {
    const r = invalid(cw);
    return pairOf(r, r.value);
  }
  if (isZero(st0)) return { first: st0, second: ONE, sw: 0, outOfRange: false };
  if (outOfRange(st0)) return { first: st0, second: null, sw: 0, outOfRange: true };
  return { first: fromDouble(Math.tan(toDouble(st0))), second: ONE, sw: PE | denormalFlag(st0), outOfRange: false };
}

/** Screening of the two-operand instructions: unsupported, NaNs, denormals. */
function screen2(a: F80, b: F80, cw: number): Result | null {
  if (isUnsupported(a) || isUnsupported(b)) return invalid(cw);
  const an = isNaN80(a);
  const bn = isNaN80(b);
  if (an || bn) return propagateNaN2(a, b, an, bn, cw);
  if ((isDenormal(a) || isDenormal(b)) && !masked(cw, DE)) return { value: null, sw: DE };
  return null;
}

/** FPATAN: arctan(ST(1) / ST(0)) with the quadrant of (ST(0), ST(1)); the result replaces ST(1). */
export function fpatan(st0: F80, st1: F80, cw: number): Result {
  const s = screen2(st1, st0, cw);
  if (s) return s;
  const y = toDouble(st1);
  const x = toDouble(st0);
  const r = Math.atan2(y, x);
  if (r === 0) return { value: zero(Object.is(r, -0) ? 1 : 0), sw: denormalFlag(st0, st1) };
  return { value: fromDouble(r), sw: PE | denormalFlag(st0, st1) };
}

/** F2XM1: 2^ST(0) - 1 for -1 <= ST(0) <= +1 (outside that range the SDM leaves it undefined). */
export function f2xm1(st0: F80, cw: number): Result {
  const s = screen1(st0, cw);
  if (s) return s;
  if (isInf(st0)) return { value: st0.sign ? f80(1, 0x3fff, 1n << 63n) : st0, sw: 0 };
  if (isZero(st0)) return { value: st0, sw: 0 };
  return { value: fromDouble(Math.expm1(toDouble(st0) * Math.LN2)), sw: PE | denormalFlag(st0) };
}

/** FYL2X: ST(1) × log2(ST(0)); the result replaces ST(1). */
export function fyl2x(st0: F80, st1: F80, cw: number): Result {
  const s = screen2(st0, st1, cw);
  if (s) return s;
  if (st0.sign && !isZero(st0)) return invalid(cw);
  if (isZero(st0)) {
    if (isZero(st1)) return invalid(cw);
    if (isInf(st1)) return { value: f80(st1.sign ^ 1, 0x7fff, 1n << 63n), sw: 0 };
    if (!masked(cw, ZE)) return { value: null, sw: ZE };
    return { value: f80(st1.sign ^ 1, 0x7fff, 1n << 63n), sw: ZE };
  }
  const y = toDouble(st1);
  const x = toDouble(st0);
  if (isInf(st0) && isZero(st1)) return invalid(cw);
  if (x === 1 && isInf(st1)) return invalid(cw);
  const r = y * Math.log2(x);
  if (Number.isNaN(r)) return { value: INDEFINITE, sw: IE };
  if (r === 0) return { value: zero(st1.sign ^ (x < 1 ? 1 : 0)), sw: 0 };
  return { value: fromDouble(r), sw: (Number.isFinite(r) ? PE : 0) | denormalFlag(st0, st1) };
}

/** FYL2XP1: ST(1) × log2(ST(0) + 1), for |ST(0)| < 1 - √2/2; the result replaces ST(1). */
export function fyl2xp1(st0: F80, st1: F80, cw: number): Result {
  const s = screen2(st0, st1, cw);
  if (s) return s;
  if (isZero(st0)) {
    if (isInf(st1)) return invalid(cw);
    return { value: zero(st0.sign ^ st1.sign), sw: 0 };
  }
  const r = (toDouble(st1) * Math.log1p(toDouble(st0))) / Math.LN2;
  if (Number.isNaN(r)) return invalid(cw);
  if (r === 0) return { value: zero(st0.sign ^ st1.sign), sw: PE };
  return { value: fromDouble(r), sw: (Number.isFinite(r) ? PE : 0) | denormalFlag(st0, st1) };
}

