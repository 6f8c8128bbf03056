/**
 * The mathematical kernels behind the x87 transcendental instructions, in BigInt fixed point
 * (fixed-point.ts, series.ts): sine and cosine of a reduced argument, tangent, arctangent of
 * a ratio, e^t - 1 and ln. Each returns the *magnitude* of its result as an `Approx` (m × 2^e, ~128 correct
 * bits, nudged by rho where the direction of a tiny remainder matters) and its sign; the
 * instructions (transcendental.ts) round it once into the destination.
 *
 * Relative precision for tiny results is kept by factoring the argument out: sin r = r ×
 * S(r²), arctan u = u × A(u²), e^t - 1 = t × E(t), ln m = 2s × T(s²), where the
 * series S, A, E, T are near 1 and computed in fixed point. When the correction term falls
 * below 2^-128 (tiny arguments) the series is exactly 1 and rho records on which side the
 * true value lies (sin r < r, arctan u < u, cos r < 1), so directed rounding is still right.
 */
import {
  Approx,
  ATAN_J16,
  bitLength,
  divApprox,
  FRAC,
  fromFixed,
  LN2,
  mul,
  mulApprox,
  ONE,
  toFixed,
  trim,
  truncateBits,
} from "./fixed-point.js";
import { Reduced } from "./trig-reduction.js";
import { ATAN_OVER_U, ATANH_OVER_S, COS, evaluate, EXPM1_OVER_T, SIN_OVER_R } from "./series.js";

/** A signed approximation: sign 0|1 and the magnitude. */
export interface Signed {
  sign: number;
  mag: Approx;
}

// ---- sine and cosine ------------------------------------------------------------------------

/** The reduced argument as a magnitude and sign, and z = r² in fixed point. */
function reducedSquare(red: Reduced): { neg: number; r: bigint; z: bigint } {
  const neg = red.r < 0n ? 1 : 0;
  const r = neg ? -red.r : red.r;
  const rf = toFixed(r, red.scale);
  return { neg, r, z: mul(rf, rf) };
}

/** sin r of the reduced argument (rho -1 when the series is exactly 1: sin r < r). */
function sinReduced(red: Reduced): Signed {
  const { neg, r, z } = reducedSquare(red);
  const s = evaluate(SIN_OVER_R, z);
  return { sign: neg, mag: trim({ m: r * s, e: red.scale - FRAC, rho: s === ONE ? -1 : 1 }) };
}

/** cos r of the reduced argument (rho -1 when the series is exactly 1: cos r < 1). */
function cosReduced(red: Reduced): Signed {
  const c = evaluate(COS, reducedSquare(red).z);
  return { sign: 0, mag: fromFixed(c, c === ONE ? -1 : 1) };
}

const flip = (v: Signed): Signed => ({ sign: v.sign ^ 1, mag: v.mag });

/** sin x for x = (-1)^sign × (reduced argument + quadrant × pi66/2): only the series needed. */
export function sinOf(sign: number, red: Reduced): Signed {
  const q = red.quadrant;
  const v = q & 1 ? cosReduced(red) : sinReduced(red);
  return { sign: v.sign ^ (q >> 1) ^ sign, mag: v.mag };
}

/** cos x (even: the sign of x does not matter). */
export function cosOf(red: Reduced): Signed {
  const q = red.quadrant;
  const v = q & 1 ? sinReduced(red) : cosReduced(red);
  return q === 1 || q === 2 ? flip(v) : v;
}

/**
 * tan x: sin r / cos r in even quadrants, -cos r / sin r in odd ones — each of
 * sin r and cos r first truncated to 67 bits, as the host's FPTAN evidently holds them: with
 * that, 100% of 2,000 random x in [2^-30, 2^-18] (all rounding modes) agree with the host,
 * against 92% for the exact tangent, and the host's "just below x" results for
 * 2^-68 ≤ |x| < 2^-33 follow (sin x truncates to x - 2^-66 x, cos x to 1 - 2^-67).
 */
export function tan(sign: number, red: Reduced): Signed {
  const sr = sinReduced(red);
  const s = truncateBits(sr.mag, TAN_BITS);
  const c = truncateBits(cosReduced(red).mag, TAN_BITS);
  if (red.quadrant & 1) return { sign: sign ^ sr.sign ^ 1, mag: divApprox(c, s) };
  return { sign: sign ^ sr.sign, mag: divApprox(s, c) };
}

/** FPTAN's internal width for sine and cosine. */
const TAN_BITS = 67;

// ---- arctangent -----------------------------------------------------------------------------

/** A finite non-zero magnitude sig × 2^e (sig a positive integer). */
export interface Mag {
  sig: bigint;
  e: number;
}

function top(a: Mag): number {
  return a.e + bitLength(a.sig) - 1;
}

/** -1, 0, 1 as a < b, a = b, a > b. */
function compareMag(a: Mag, b: Mag): number {
  const ta = top(a);
  const tb = top(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const lo = Math.min(a.e, b.e);
  const x = a.sig << BigInt(a.e - lo);
  const y = b.sig << BigInt(b.e - lo);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The magnitude of FPATAN's angle for |y| and |x| (finite, non-zero), in (0, pi): arctan of
 * the smaller over the larger, reflected about pi/4 when |y| > |x| and about pi/2 when x < 0.
 * The reduction is arctan t = arctan(j/16) + arctan((16t - j)/(16 + jt)), j = round(16t), so
 * the series argument is at most 1/32; j = 0 keeps the relative precision of tiny ratios.
 */
export function atanMag(y: Mag, x: Mag, xNegative: boolean, pi: bigint): Approx {
  const swap = compareMag(y, x) > 0;
  const [p, q] = swap ? [x, y] : [y, x];
  let theta: bigint; // fixed point, when not the relative tiny-ratio form
  if (top(p) < top(q) - 6) {
    // t < 2^-5: j = 0, u = t.
    const u = divApprox({ m: p.sig, e: p.e, rho: 0 }, { m: q.sig, e: q.e, rho: 0 });
    const uf = toFixed(u.m, u.e);
    const a = evaluate(ATAN_OVER_U, mul(uf, uf));
    const rel = mulApprox(u, fromFixed(a));
    if (a === ONE && u.rho === 0) rel.rho = -1; // the series was exactly 1: arctan u < u
    if (!swap && !xNegative) return rel;
    theta = toFixed(rel.m, rel.e);
  } else {
    const lo = Math.min(p.e, q.e);
    const ps = p.sig << BigInt(p.e - lo);
    const qs = q.sig << BigInt(q.e - lo);
    const j = (32n * ps + qs) / (2n * qs);
    const num = 16n * ps - j * qs;
    const den = 16n * qs + j * ps;
    const uf = (num << BigInt(FRAC)) / den;
    theta = ATAN_J16[Number(j)]! + mul(uf, evaluate(ATAN_OVER_U, mul(uf, uf)));
  }
  if (swap) theta = (pi >> 1n) - theta;
  if (xNegative) theta = pi - theta;
  return fromFixed(theta);
}

// ---- e^t - 1 --------------------------------------------------------------------------------

/** Halvings of the argument before the series: e^t - 1 = (e^(t/2) - 1)(e^(t/2) + 1). */
const HALVINGS = 4;

/** |e^t - 1| for t = (-1)^sign × sig × 2^e, 0 < |t| ≤ ln 2; the result has the sign of t. */
export function expm1Mag(sign: number, sig: bigint, e: number): Approx {
  const h = e - HALVINGS;
  // |e^(t/16) - 1| = |t|/16 × E(t/16): positive factors only.
  let m = mulApprox({ m: sig, e: h, rho: 0 }, fromFixed(evaluate(EXPM1_OVER_T, toFixed(sign ? -sig : sig, h))));
  for (let i = 0; i < HALVINGS; i++) {
    const f = toFixed(m.m, m.e);
    m = mulApprox(m, fromFixed(2n * ONE + (sign ? -f : f)));
  }
  return m;
}

// ---- natural logarithm ---------------------------------------------------------------------

/**
 * ln of sig × 2^e (sig > 0, any size) = k ln2 + ln m with m in [√2/2, √2), so that arguments
 * near 1 (from either side) keep k = 0 and their relative precision; ln m = 2 s T(s²) with
 * s = (m - 1)/(m + 1). Null for the value 1 (ln 1 = +0 exactly).
 */
export function lnOf(sig: bigint, e: number): Signed | null {
  let n = bitLength(sig);
  // m = sig / 2^(n-1) in [1, 2); above √2 use m/2 (sig² > 2^(2n-1) ⇔ m > √2).
  if (sig * sig > 1n << BigInt(2 * n - 1)) n += 1;
  const k = e + n - 1;
  const half = 1n << BigInt(n - 1);
  const num = sig - half;
  if (num === 0n && k === 0) return null;
  const neg = num < 0n ? 1 : 0;
  let lm: Approx = { m: 0n, e: 0, rho: 0 };
  if (num !== 0n) {
    const s = divApprox({ m: neg ? -num : num, e: 0, rho: 0 }, { m: sig + half, e: 0, rho: 0 });
    const sf = toFixed(s.m, s.e);
    lm = mulApprox(s, fromFixed(evaluate(ATANH_OVER_S, mul(sf, sf))));
    lm.e += 1;
  }
  if (k === 0) return { sign: neg, mag: lm };
  // |ln m| < ln2/2 < |k ln2|: the sum has k's sign and no cancellation.
  const f = toFixed(lm.m, lm.e);
  const total = BigInt(k) * LN2 + (neg ? -f : f);
  return { sign: k < 0 ? 1 : 0, mag: fromFixed(total < 0n ? -total : total) };
}

/** ln(1 + a) for a = (-1)^sign × sig × 2^e ≠ 0, 1 + a > 0. */
export function lnOnePlus(sign: number, sig: bigint, e: number): Signed {
  if (e + bitLength(sig) < -(FRAC + 80)) {
    // |a| < 2^-208: ln(1 + a) = a (1 - a/2 + ...): below a for a > 0, beyond it for a < 0.
    return { sign, mag: { m: sig, e, rho: sign ? 1 : -1 } };
  }
  // 1 + a exactly, as an integer over 2^lo.
  const lo = Math.min(e, 0);
  const a = sig << BigInt(e - lo);
  const one = 1n << BigInt(-lo);
  return lnOf(sign ? one - a : one + a, lo)!;
}
