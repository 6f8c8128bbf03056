/**
 * x87 arithmetic on 80-bit values (SDM vol.2 FADD/FSUB/FMUL/FDIV/FSQRT/FPREM/FPREM1/FSCALE/
 * FXTRACT/FRNDINT and their special-case tables; vol.1 §8.1.5.2 precision control, §4.8.3
 * special values, §4.9 exceptions). Each operation computes the exact result (or an exact
 * result plus a sticky bit) with BigInt and rounds it once (rounding.ts).
 *
 * Precision control applies to FADD/FSUB/FMUL/FDIV/FSQRT only (§8.1.5.2); FPREM, FSCALE and
 * FRNDINT always round to 64 bits.
 */
import { bitLength, canonical, F80, f80, BIAS, infinity, isInf, isZero, zero } from "./float80.js";
import { C0, C1, C2, C3, invalid, masked, ok, PE, precisionBits, Rc, rc, Result, ZE } from "./exceptions.js";
import { denormalFlags, denormalFlagsOr, exact, screen1, screen2, topExponent } from "./operand.js";
import { roundExtended } from "./rounding.js";
import { addNormal, mulNormal, normal } from "./fast-normal.js";

function withFlags(r: Result, sw: number): Result {
  return { value: r.value, sw: r.sw | sw };
}

/** Exact sum of two finite operands, at least one non-zero, rounded at precision p. */
function addFinite(a: F80, b: F80, cw: number, p: number): Result {
  if (isZero(a) && isZero(b)) {
    // §4.8.3.2: the sum of zeros of opposite sign is +0, or -0 when rounding down.
    return ok(zero(a.sign === b.sign ? a.sign : rc(cw) === Rc.Down ? 1 : 0));
  }
  if (isZero(b)) return roundExtended(a.sign, a.sig, exact(a).e, p, cw);
  if (isZero(a)) return roundExtended(b.sign, b.sig, exact(b).e, p, cw);
  let x = exact(a);
  let y = exact(b);
  let sx = a.sign;
  let sy = b.sign;
  const tx = topExponent(a);
  const ty = topExponent(b);
  // Keep x the larger in exponent; a far smaller y only acts as a sticky bit below every
  // rounding position of the result (which is never below 2^(tx-65)).
  if (ty > tx) {
    [x, y] = [y, x];
    [sx, sy] = [sy, sx];
  }
  const tbig = Math.max(tx, ty);
  const tsmall = Math.min(tx, ty);
  if (tbig - tsmall > 70) y = { m: 1n, e: tbig - 100 };
  const e = Math.min(x.e, y.e);
  const mx = x.m << BigInt(x.e - e);
  const my = y.m << BigInt(y.e - e);
  let m: bigint;
  let sign: number;
  if (sx === sy) {
    m = mx + my;
    sign = sx;
  } else if (mx >= my) {
    m = mx - my;
    sign = sx;
  } else {
    m = my - mx;
    sign = sy;
  }
  if (m === 0n) return ok(zero(rc(cw) === Rc.Down ? 1 : 0));
  return roundExtended(sign, m, e, p, cw);
}

function addSigned(a: F80, b: F80, cw: number, srcDE: boolean): Result {
  const s = screen2(a, b, cw);
  if (s) return s;
  if (isInf(a) || isInf(b)) {
    if (isInf(a) && isInf(b) && a.sign !== b.sign) return invalid(cw);
    const d = denormalFlagsOr(cw, srcDE, a, b);
    if (d.stop) return { value: null, sw: d.sw };
    return ok(isInf(a) ? a : b, d.sw);
  }
  const d = denormalFlagsOr(cw, srcDE, a, b);
  if (d.stop) return { value: null, sw: d.sw };
  return withFlags(addFinite(a, b, cw, precisionBits(cw)), d.sw);
}

/**
 * The two-operand arithmetic takes `srcDE` = true when b came from a memory operand that was a
 * single/double denormal (widenIeee): DE is then raised as for a denormal register operand.
 */

/** FADD: a + b. */
export function fadd(a: F80, b: F80, cw: number, srcDE = false): Result {
  if (!srcDE && normal(a) && normal(b)) {
    const r = addNormal(a, b, b.sign, cw);
    if (r !== null) return r;
  }
  return addSigned(a, b, cw, srcDE);
}

/** FSUB: a - b (FSUBR is fsub(b, a)). */
export function fsub(a: F80, b: F80, cw: number, srcDE = false): Result {
  if (!srcDE && normal(a) && normal(b)) {
    const r = addNormal(a, b, b.sign ^ 1, cw);
    if (r !== null) return r;
  }
  const s = screen2(a, b, cw);
  if (s) return s;
  return addSigned(a, f80(b.sign ^ 1, b.exp, b.sig), cw, srcDE);
}

/** FMUL: a × b. */
export function fmul(a: F80, b: F80, cw: number, srcDE = false): Result {
  if (!srcDE && normal(a) && normal(b)) {
    const r = mulNormal(a, b, cw);
    if (r !== null) return r;
  }
  const s = screen2(a, b, cw);
  if (s) return s;
  const sign = a.sign ^ b.sign;
  if ((isInf(a) && isZero(b)) || (isZero(a) && isInf(b))) return invalid(cw);
  const d = denormalFlagsOr(cw, srcDE, a, b);
  if (d.stop) return { value: null, sw: d.sw };
  if (isInf(a) || isInf(b)) return ok(infinity(sign), d.sw);
  if (isZero(a) || isZero(b)) return ok(zero(sign), d.sw);
  const x = exact(a);
  const y = exact(b);
  return withFlags(roundExtended(sign, x.m * y.m, x.e + y.e, precisionBits(cw), cw), d.sw);
}

/** FDIV: a / b (FDIVR is fdiv(b, a)). */
export function fdiv(a: F80, b: F80, cw: number, srcDE = false): Result {
  const s = screen2(a, b, cw);
  if (s) return s;
  const sign = a.sign ^ b.sign;
  if ((isInf(a) && isInf(b)) || (isZero(a) && isZero(b))) return invalid(cw);
  if (isZero(b) && !isInf(a)) {
    // Divide-by-zero (§4.9.1.3) ranks above the denormal-operand exception.
    return { value: masked(cw, ZE) ? infinity(sign) : null, sw: ZE };
  }
  const d = denormalFlagsOr(cw, srcDE, a, b);
  if (d.stop) return { value: null, sw: d.sw };
  if (isInf(a)) return ok(infinity(sign), d.sw);
  if (isInf(b) || isZero(a)) return ok(zero(sign), d.sw);
  const x = exact(a);
  const y = exact(b);
  // Enough quotient bits for any rounding position plus a guard bit, then the sticky bit.
  const k = 130 + bitLength(y.m) - bitLength(x.m);
  const num = x.m << BigInt(k);
  const q = num / y.m;
  const sticky = num - q * y.m !== 0n ? 1n : 0n;
  return withFlags(roundExtended(sign, (q << 1n) | sticky, x.e - y.e - k - 1, precisionBits(cw), cw), d.sw);
}

/** floor(√n): Newton's iteration from an overestimate taken from a double's square root. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const shift = Math.max(0, (bitLength(n) - 52) & ~1);
  const top = Number(n >> BigInt(shift));
  // √n < √(top+1)·2^(shift/2) ≤ (⌈√top⌉+1)·2^(shift/2): the start is never below the root.
  let x = (BigInt(Math.ceil(Math.sqrt(top))) + 1n) << BigInt(shift / 2);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** FSQRT. √-0 = -0; any other negative operand (including -∞) is invalid. */
export function fsqrt(a: F80, cw: number): Result {
  const s = screen1(a, cw);
  if (s) return s;
  if (isZero(a)) return ok(a);
  if (a.sign) return invalid(cw);
  const d = denormalFlags(cw, a);
  if (d.stop) return { value: null, sw: d.sw };
  if (isInf(a)) return ok(a, d.sw);
  let { m, e } = exact(a);
  if (e & 1) {
    m <<= 1n;
    e -= 1;
  }
  // Scale by an even power so the root has ≥ 130 bits.
  const k = Math.max(0, 262 - bitLength(m)) & ~1;
  const n = m << BigInt(k);
  const r = isqrt(n);
  const sticky = n - r * r !== 0n ? 1n : 0n;
  return withFlags(roundExtended(0, (r << 1n) | sticky, (e - k) / 2 - 1, precisionBits(cw), cw), d.sw);
}

/**
 * FPREM (remainder of truncating division, as the 8087 defined it) and FPREM1 (IEEE
 * remainder, round-to-nearest quotient). When the exponents differ by 64 or more only a
 * partial reduction is done and C2 is set; otherwise C2 = 0 and the three low quotient bits go
 * to C0 (Q2), C3 (Q1) and C1 (Q0). The remainder is exact; its sign is the dividend's
 * (FPREM1's can flip). SDM vol.2 FPREM/FPREM1 pseudocode.
 */
export function fprem(a: F80, b: F80, cw: number, ieee = false): Result {
  const s = screen2(a, b, cw);
  if (s) return s;
  if (isInf(a) || isZero(b)) return invalid(cw);
  const d = denormalFlags(cw, a, b);
  if (d.stop) return { value: null, sw: d.sw };
  if (isZero(a)) return ok(a, d.sw);
  // A finite dividend over ∞ is the result, a pseudo-denormal one normalised (exponent 1).
  if (isInf(b)) return ok(canonical(a), d.sw);
  const x = exact(a);
  const y = exact(b);
  const diff = topExponent(a) - topExponent(b);
  if (diff >= 64) {
    // Partial: the quotient is truncated to the top bits of (a/b) / 2^(diff-N).
    const n = partialN(diff);
    const sh = diff - n;
    const e = Math.min(x.e, y.e + sh);
    const mx = x.m << BigInt(x.e - e);
    const my = y.m << BigInt(y.e + sh - e);
    const qq = mx / my;
    const r = mx - qq * my;
    const res = packExact(a.sign, r, e, cw);
    // The host clears C0, C1 and C3 on a partial remainder (the SDM leaves them undefined).
    return withFlags(res, d.sw | C2);
  }
  const e = Math.min(x.e, y.e);
  const mx = x.m << BigInt(x.e - e);
  const my = y.m << BigInt(y.e - e);
  let q = diff < 0 ? 0n : mx / my;
  let r = mx - q * my;
  let sign = a.sign;
  if (ieee) {
    const twice = r << 1n;
    if (twice > my || (twice === my && (q & 1n) === 1n)) {
      q += 1n;
      r = my - r;
      sign ^= 1;
    }
  }
  return withFlags(packExact(sign, r, e, cw, a.sign), d.sw | quotientBits(q));
}

/** The reduction step N of a partial remainder (SDM: "implementation dependent, 32..63"). */
export function partialN(diff: number): number {
  return 32 + (diff % 32);
}

function quotientBits(q: bigint): number {
  return (q & 4n ? C0 : 0) | (q & 2n ? C3 : 0) | (q & 1n ? C1 : 0);
}

/** An exact magnitude r × 2^e into a register (rounding only acts on underflow). */
function packExact(sign: number, r: bigint, e: number, cw: number, zeroSign = sign): Result {
  if (r === 0n) return ok(zero(zeroSign));
  const res = roundExtended(sign, r, e, 64, cw);
  return { value: res.value, sw: res.sw & ~C1 };
}

export function fprem1(a: F80, b: F80, cw: number): Result {
  return fprem(a, b, cw, true);
}

/**
 * FSCALE: a × 2^trunc(b), rounded to 64 bits. Special cases per the SDM's FSCALE table:
 * 0 × 2^+∞ and ∞ × 2^-∞ are invalid.
 */
export function fscale(a: F80, b: F80, cw: number): Result {
  const s = screen2(a, b, cw);
  if (s) return s;
  if (isInf(b)) {
    if (b.sign ? isInf(a) : isZero(a)) return invalid(cw);
    const d = denormalFlags(cw, a);
    if (d.stop) return { value: null, sw: d.sw };
    if (isZero(a) || isInf(a)) return ok(a, d.sw);
    return ok(b.sign ? zero(a.sign) : infinity(a.sign), d.sw);
  }
  const d = denormalFlags(cw, a, b);
  if (d.stop) return { value: null, sw: d.sw };
  if (isZero(a) || isInf(a)) return ok(a, d.sw);
  // A zero scale returns ST(0) as it is (a denormal one raises no UE even when UE is unmasked,
  // unlike a scale of 0.5 that truncates to 0 — measured on the host).
  if (isZero(b)) return ok(canonical(a), d.sw);
  let n = 0;
  if (!isZero(b)) {
    const y = exact(b);
    const t = topExponent(b);
    if (t > 20) n = b.sign ? -(1 << 20) : 1 << 20;
    else if (t >= 0) n = Number(y.e >= 0 ? y.m << BigInt(y.e) : y.m >> BigInt(-y.e)) * (b.sign ? -1 : 1);
  }
  const x = exact(a);
  return withFlags(roundExtended(a.sign, x.m, x.e + n, 64, cw), d.sw);
}

/** FXTRACT: [significand (exponent 0, sign kept), unbiased exponent as a value]. */
export function fxtract(a: F80, cw: number): { sig: F80 | null; exp: F80 | null; sw: number } {
  const s = screen1(a, cw);
  if (s) return { sig: s.value, exp: s.value, sw: s.sw };
  if (isZero(a)) {
    // §8.5.3 / FXTRACT: a zero operand divides by zero: masked → -∞ exponent, ±0 significand.
    if (!masked(cw, ZE)) return { sig: null, exp: null, sw: ZE };
    return { sig: a, exp: infinity(1), sw: ZE };
  }
  if (isInf(a)) return { sig: a, exp: infinity(0), sw: 0 };
  const d = denormalFlags(cw, a);
  if (d.stop) return { sig: null, exp: null, sw: d.sw };
  const t = topExponent(a);
  const n = bitLength(a.sig);
  const sig = f80(a.sign, BIAS, a.sig << BigInt(64 - n));
  return { sig, exp: fromInteger(BigInt(t)), sw: d.sw };
}

/** An exact integer as an 80-bit value (FILD, FXTRACT's exponent). */
export function fromInteger(v: bigint): F80 {
  if (v === 0n) return zero(0);
  const sign = v < 0n ? 1 : 0;
  const m = v < 0n ? -v : v;
  const n = bitLength(m);
  return f80(sign, BIAS + n - 1, m << BigInt(64 - n));
}

/** FRNDINT: round to an integer with RC (64-bit precision, PC ignored). */
export function frndint(a: F80, cw: number): Result {
  const s = screen1(a, cw);
  if (s) return s;
  if (isZero(a) || isInf(a)) return ok(a);
  const d = denormalFlags(cw, a);
  if (d.stop) return { value: null, sw: d.sw };
  const r = roundInteger(a, rc(cw));
  const v = r.q === 0n ? zero(a.sign) : withSign(fromInteger(r.q), a.sign);
  return ok(v, d.sw | (r.inexact ? PE : 0) | (r.up ? C1 : 0));
}

function withSign(x: F80, sign: number): F80 {
  return f80(sign, x.exp, x.sig);
}

/** |a| rounded to an integer by mode (a finite, non-zero): the integer and its flags. */
export function roundInteger(a: F80, mode: Rc): { q: bigint; inexact: boolean; up: boolean } {
  const { m, e } = exact(a);
  if (e >= 0) return { q: m << BigInt(e), inexact: false, up: false };
  const s = BigInt(-e);
  let q = m >> s;
  const rem = m - (q << s);
  if (rem === 0n) return { q, inexact: false, up: false };
  let inc: boolean;
  if (mode === Rc.Nearest) {
    const half = 1n << (s - 1n);
    inc = rem > half || (rem === half && (q & 1n) === 1n);
  } else if (mode === Rc.Down) inc = a.sign === 1;
  else if (mode === Rc.Up) inc = a.sign === 0;
  else inc = false;
  if (inc) q += 1n;
  return { q, inexact: true, up: inc };
}
