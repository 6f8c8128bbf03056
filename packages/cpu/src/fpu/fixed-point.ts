/**
 * Fixed-point arithmetic for the transcendental kernels: a BigInt `v` stands for v × 2^-FRAC.
 *
 * Why 128 fraction bits: an x87 result has 64 significand bits (67 for the intermediates
 * the host truncates); the kernels keep every intermediate to within a few units of 2^-128
 * (relative, for the values near 1 they work with), so the approximation is ~60 bits finer
 * than the last place that matters. A wrong rounding then needs the true value to lie within
 * 2^-60 ulp of a rounding boundary — never seen in a million random cases and as likely
 * as 160 bits gave the same table — while the exact cases (representable results) are
 * handled exactly by the callers. 128 rather than 160 bits halves the cost (two 64-bit limbs
 * and fewer series terms): FSIN 20 → 9 us on the dev host.
 *
 * The constants (ln 2, 1/ln 2, arctan(j/16)) are computed once at load from integer
 * series, with 32 guard bits, rather than copied as long hex strings.
 */
import { bitLength as bitLengthAny } from "./float80.js";

export const FRAC = 128;

const POW2 = Array.from({ length: 1025 }, (_, k) => 1n << BigInt(k));

/** Number of bits of a non-negative BigInt: a binary search over powers of two, 3× faster
 *  than float80's bitLength (a hex conversion) on the 100-400-bit values of the kernels. */
export function bitLength(n: bigint): number {
  if (n < 0x100000000n) return 32 - Math.clz32(Number(n));
  if (n >= POW2[1024]!) return bitLengthAny(n);
  let lo = 32;
  let hi = 1024; // POW2[lo] <= n < POW2[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (n >= POW2[mid]!) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}
const F = BigInt(FRAC);
export const ONE = 1n << F;

/** a × b in fixed point (truncated). */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) >> F;
}

/** m × 2^e as a fixed-point value (truncated towards zero; exact when e ≥ -FRAC). */
export function toFixed(m: bigint, e: number): bigint {
  const s = e + FRAC;
  if (s >= 0) return m << BigInt(s);
  if (s <= -bitLength(m < 0n ? -m : m)) return 0n;
  return m < 0n ? -(-m >> BigInt(-s)) : m >> BigInt(-s);
}

/**
 * An approximate magnitude for rounding: m × 2^e, "nudged" by rho when the true value is
 * known to lie strictly above (rho = +1) or below (rho = -1) m × 2^e by less than its lowest
 * bit, or rho = 0 when m × 2^e is exact. Kernels that cannot tell the direction (their error
 * is ~2^-150 either way) report +1: it only says "inexact", since such an m is never a
 * rounding boundary in practice.
 */
export interface Approx {
  m: bigint;
  e: number;
  rho: -1 | 0 | 1;
}

/** Keep at most `bits` significant bits of m (truncating): bounds the BigInt sizes. */
export function trim(a: Approx, bits = FRAC + 16): Approx {
  const n = bitLength(a.m);
  if (n <= bits) return a;
  const s = n - bits;
  return { m: a.m >> BigInt(s), e: a.e + s, rho: a.rho === 0 ? 1 : a.rho };
}

/**
 * The value truncated (towards zero) to n significant bits, as an exact Approx: how the
 * x87's internal registers of about 67 bits hold intermediates (FPTAN's sine and cosine).
 * A value known to lie just below m × 2^e (rho = -1) truncates one unit lower.
 */
export function truncateBits(a: Approx, n: number): Approx {
  const len = bitLength(a.m);
  const s = len - n;
  let q = s > 0 ? a.m >> BigInt(s) : a.m << BigInt(-s);
  const droppedZero = s <= 0 || q << BigInt(s) === a.m;
  if (a.rho === -1 && droppedZero) {
    q -= 1n;
    // Just below a power of two: the truncation is n ones in the binade below.
    if (bitLength(q) < n) return { m: (q << 1n) | 1n, e: a.e + s - 1, rho: 0 };
  }
  return { m: q, e: a.e + s, rho: 0 };
}

/**
 * m × 2^e + rho as at most `bits` + 2 bits for the final rounding: the bits below are
 * folded into a sticky bit, or, when they are all zero, the rho nudge takes their place.
 * Keeps rounding.ts's work on small BigInts.
 */
export function forRounding(a: Approx, bits = 70): { m: bigint; e: number } {
  const s = bitLength(a.m) - bits;
  if (s <= 0) return { m: (a.m << 2n) + BigInt(a.rho), e: a.e - 2 };
  const q = a.m >> BigInt(s);
  const sticky = q << BigInt(s) !== a.m;
  return { m: (q << 2n) + (sticky ? 1n : BigInt(a.rho)), e: a.e + s - 2 };
}

/** The product of two approximations (magnitudes). */
export function mulApprox(a: Approx, b: Approx): Approx {
  return trim({ m: a.m * b.m, e: a.e + b.e, rho: a.rho === 0 && b.rho === 0 ? 0 : 1 });
}

/** The quotient a / b of two magnitudes, to FRAC + 16 significant bits. */
export function divApprox(a: Approx, b: Approx): Approx {
  const sh = FRAC + 16 + bitLength(b.m) - bitLength(a.m);
  const num = sh >= 0 ? a.m << BigInt(sh) : a.m >> BigInt(-sh);
  const q = num / b.m;
  const exact = a.rho === 0 && b.rho === 0 && sh >= 0 && q * b.m === num;
  return { m: q, e: a.e - b.e - sh, rho: exact ? 0 : 1 };
}

/** A fixed-point value (non-negative) as an approximation. */
export function fromFixed(v: bigint, rho: -1 | 0 | 1 = 1): Approx {
  return { m: v, e: -FRAC, rho };
}

// ---- constants, computed once -------------------------------------------------------------

const GUARD = 32n;
const WIDE = F + GUARD;

/** arctan(p/q) × 2^(FRAC+GUARD), p ≤ q, by Euler's series
 *  arctan x = Σ 2^2n (n!)² / (2n+1)! · x^(2n+1) / (1+x²)^(n+1), whose ratio is ≤ 1/2. */
function atanRational(p: bigint, q: bigint): bigint {
  const d = p * p + q * q;
  let term = ((p * q) << WIDE) / d;
  let sum = term;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * 2n * n * p * p) / ((2n * n + 1n) * d);
    sum += term;
  }
  return sum;
}

/** ln 2 = 2 artanh(1/3) × 2^(FRAC+GUARD). */
function ln2Wide(): bigint {
  let pow = (1n << WIDE) / 3n;
  let sum = 0n;
  for (let k = 0n; pow !== 0n; k++) {
    sum += pow / (2n * k + 1n);
    pow /= 9n;
  }
  return 2n * sum;
}

const LN2_W = ln2Wide();

/** ln 2 and 1/ln 2 in fixed point (pi is the x87's own: x87-constants.ts). */
export const LN2 = LN2_W >> GUARD;
export const INV_LN2 = (1n << (2n * WIDE)) / LN2_W >> GUARD;
/** arctan(j/16) for j = 0..16 (the FPATAN table of breakpoints). */
export const ATAN_J16: readonly bigint[] = Array.from({ length: 17 }, (_, j) => atanRational(BigInt(j), 16n) >> GUARD);
