/**
 * The mathematical kernels behind the x87 transcendental instructions, in BigInt fixed point
 * (fixed-point.ts): sine and cosine of a reduced argument, arctangent of a ratio, 2^x - 1
 * and log2. Each returns the *magnitude* of its result as an `Approx` (m × 2^e, ~160 correct
 * bits, nudged by rho where the direction of a tiny remainder matters) and its sign; the
 * instructions (transcendental.ts) round it once into the destination.
 *
 * Relative precision for tiny results is kept by factoring the argument out: sin r = r ×
 * S(r²), arctan u = u × A(u²), 2^x - 1 = x ln2 × E(x ln2), ln m = 2s × T(s²), where the
 * series S, A, E, T are near 1 and computed in fixed point. When the correction term falls
 * below 2^-160 (tiny arguments) the series is exactly 1 and rho records on which side the
 * true value lies (sin r < r, arctan u < u, cos r < 1), so directed rounding is still right.
 */
import { bitLength } from "./float80.js";
import {
  Approx,
  ATAN_J16,
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

/** A signed approximation: sign 0|1 and the magnitude. */
export interface Signed {
  sign: number;
  mag: Approx;
}

// ---- sine and cosine ------------------------------------------------------------------------

/** sin(r)/r = Σ (-1)^k z^k / (2k+1)!, z = r² ≤ (pi/4)² (fixed point). */
function sinOverR(z: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; ; k++) {
    term = mul(term, z) / (2n * k * (2n * k + 1n));
    if (term === 0n) return sum;
    sum += k & 1n ? -term : term;
  }
}

/** cos r = Σ (-1)^k z^k / (2k)!. */
function cosOfZ(z: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let k = 1n; ; k++) {
    term = mul(term, z) / ((2n * k - 1n) * 2n * k);
    if (term === 0n) return sum;
    sum += k & 1n ? -term : term;
  }
}

export interface SinCos {
  sin: Signed;
  cos: Signed;
  /** sin r and cos r of the reduced argument, for FPTAN's quotient. */
  sinR: Signed;
  cosR: Signed;
  quadrant: number;
}

/** sin and cos of x = (-1)^sign × (reduced argument + quadrant × pi66/2). */
export function sinCos(sign: number, red: Reduced): SinCos {
  const neg = red.r < 0n ? 1 : 0;
  const r = neg ? -red.r : red.r;
  const rf = toFixed(r, red.scale);
  const z = mul(rf, rf);
  const s = sinOverR(z);
  const c = cosOfZ(z);
  const sinR: Signed = { sign: neg, mag: trim({ m: r * s, e: red.scale - FRAC, rho: s === ONE ? -1 : 1 }) };
  const cosR: Signed = { sign: 0, mag: fromFixed(c, c === ONE ? -1 : 1) };
  const flip = (v: Signed): Signed => ({ sign: v.sign ^ 1, mag: v.mag });
  let sin: Signed;
  let cos: Signed;
  switch (red.quadrant) {
    case 0:
      [sin, cos] = [sinR, cosR];
      break;
    case 1:
      [sin, cos] = [cosR, flip(sinR)];
      break;
    case 2:
      [sin, cos] = [flip(sinR), flip(cosR)];
      break;
    default:
      [sin, cos] = [flip(cosR), sinR];
  }
  return { sin: { sign: sin.sign ^ sign, mag: sin.mag }, cos, sinR, cosR, quadrant: red.quadrant };
}

/**
 * tan x from sinCos: sin r / cos r in even quadrants, -cos r / sin r in odd ones — each of
 * sin r and cos r first truncated to 67 bits, as the host's FPTAN evidently holds them: with
 * that, 100% of 2,000 random x in [2^-30, 2^-18] (all rounding modes) agree with the host,
 * against 92% for the exact tangent, and the host's "just below x" results for
 * 2^-68 ≤ |x| < 2^-33 follow (sin x truncates to x - 2^-66 x, cos x to 1 - 2^-67).
 */
export function tan(sign: number, sc: SinCos): Signed {
  const s = truncateBits(sc.sinR.mag, TAN_BITS);
  const c = truncateBits(sc.cosR.mag, TAN_BITS);
  if (sc.quadrant & 1) return { sign: sign ^ sc.sinR.sign ^ 1, mag: divApprox(c, s) };
  return { sign: sign ^ sc.sinR.sign, mag: divApprox(s, c) };
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

/** arctan(u)/u = Σ (-1)^k z^k / (2k+1), z = u² ≤ 2^-10 here. */
function atanOverU(z: bigint): bigint {
  let pow = ONE;
  let sum = ONE;
  for (let k = 1n; ; k++) {
    pow = mul(pow, z);
    const t = pow / (2n * k + 1n);
    if (t === 0n) return sum;
    sum += k & 1n ? -t : t;
  }
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
    const a = atanOverU(mul(uf, uf));
    const rel = mulApprox(u, fromFixed(a, a === ONE && u.rho === 0 ? -1 : 1));
    if (a === ONE && u.rho === 0) rel.rho = -1; // arctan u < u
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
    theta = ATAN_J16[Number(j)]! + mul(uf, atanOverU(mul(uf, uf)));
  }
  if (swap) theta = (pi >> 1n) - theta;
  if (xNegative) theta = pi - theta;
  return fromFixed(theta);
}

// ---- 2^x - 1 --------------------------------------------------------------------------------

/** (e^t - 1)/t = Σ t^k / (k+1)!, |t| ≤ ln2/16 here (t signed, fixed point). */
function expm1OverT(t: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let k = 2n; ; k++) {
    term = mul(term, t) / k;
    if (term === 0n) return sum;
    sum += term;
  }
}

/** Halvings of the argument before the series: 2^x - 1 = (2^(x/2) - 1)(2^(x/2) + 1). */
const HALVINGS = 4;

/** |e^(x × ln2c) - 1| for x = (-1)^sign × sig × 2^e with |x| ≤ 1, x ≠ 0, and ln2c the
 *  caller's value of ln 2 (fixed point); the sign of the result is the sign of x. */
export function exp2m1Mag(sign: number, sig: bigint, e: number, ln2c: bigint): Approx {
  const h = e - HALVINGS;
  const t = mul(toFixed(sign ? -sig : sig, h), ln2c);
  // |2^(x/16) - 1| = |x|/16 × ln2 × E(t): positive factors only.
  let m = mulApprox(mulApprox({ m: sig, e: h, rho: 0 }, fromFixed(ln2c)), fromFixed(expm1OverT(t)));
  for (let i = 0; i < HALVINGS; i++) {
    const f = toFixed(m.m, m.e);
    m = mulApprox(m, fromFixed(2n * ONE + (sign ? -f : f)));
  }
  return m;
}

// ---- natural logarithm ---------------------------------------------------------------------

/** artanh(s)/s = Σ z^k / (2k+1), z = s² ≤ (3 - 2√2)² ≈ 0.0295. */
function atanhOverS(z: bigint): bigint {
  let pow = ONE;
  let sum = ONE;
  for (let k = 1n; ; k++) {
    pow = mul(pow, z);
    const t = pow / (2n * k + 1n);
    if (t === 0n) return sum;
    sum += t;
  }
}

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
    lm = mulApprox(s, fromFixed(atanhOverS(mul(sf, sf))));
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
    // |a| < 2^-240: ln(1 + a) = a (1 - a/2 + ...): below a for a > 0, beyond it for a < 0.
    return { sign, mag: { m: sig, e, rho: sign ? 1 : -1 } };
  }
  // 1 + a exactly, as an integer over 2^lo.
  const lo = Math.min(e, 0);
  const a = sig << BigInt(e - lo);
  const one = 1n << BigInt(-lo);
  return lnOf(sign ? one - a : one + a, lo)!;
}
