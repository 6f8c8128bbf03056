/**
 * Power series in fixed point (fixed-point.ts), evaluated by Horner's rule with precomputed
 * coefficients: one multiply per term and no division (BigInt division is what made a
 * term-by-term evaluation cost ~0.5 us a term). The number of terms is chosen from the size
 * of the argument, so that the first omitted term is below 2^-(FRAC+2): tiny arguments
 * take a term or two, the largest (the kernels bound them) about twenty.
 */
import { bitLength, FRAC, mul, ONE } from "./fixed-point.js";

export interface Series {
  /** c_k × 2^FRAC, k = 0..MAX_TERMS. */
  coeffs: bigint[];
  /** log2 |c_k|, for the choice of the number of terms. */
  log2: number[];
}

const MAX_TERMS = 48;

/** A series Σ c_k z^k from the magnitude of c_k as a rational 1/d_k and its sign. */
function series(term: (k: number) => { d: bigint; negative: boolean }): Series {
  const coeffs: bigint[] = [];
  const log2: number[] = [];
  for (let k = 0; k <= MAX_TERMS; k++) {
    const { d, negative } = term(k);
    const c = ONE / d;
    coeffs.push(negative ? -c : c);
    log2.push(-Math.log2(Number(d)));
  }
  return { coeffs, log2 };
}

function factorial(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}

/** sin(r)/r in z = r²: Σ (-1)^k z^k / (2k+1)!. */
export const SIN_OVER_R = series((k) => ({ d: factorial(2 * k + 1), negative: (k & 1) === 1 }));
/** cos r in z = r²: Σ (-1)^k z^k / (2k)!. */
export const COS = series((k) => ({ d: factorial(2 * k), negative: (k & 1) === 1 }));
/** arctan(u)/u in z = u²: Σ (-1)^k z^k / (2k+1). */
export const ATAN_OVER_U = series((k) => ({ d: BigInt(2 * k + 1), negative: (k & 1) === 1 }));
/** artanh(s)/s in z = s²: Σ z^k / (2k+1). */
export const ATANH_OVER_S = series((k) => ({ d: BigInt(2 * k + 1), negative: false }));
/** (e^t - 1)/t in t: Σ t^k / (k+1)!. */
export const EXPM1_OVER_T = series((k) => ({ d: factorial(k + 1), negative: false }));

/** Σ c_k z^k for a fixed-point z with |z| < 1, to within a few units of 2^-FRAC. */
export function evaluate(s: Series, z: bigint): bigint {
  const mag = z < 0n ? -z : z;
  if (mag === 0n) return s.coeffs[0]!;
  const lz = bitLength(mag) - FRAC; // |z| < 2^lz
  let n = 1;
  while (n < MAX_TERMS && s.log2[n + 1]! + (n + 1) * lz >= -(FRAC + 2)) n++;
  let acc = s.coeffs[n]!;
  for (let k = n - 1; k >= 0; k--) acc = s.coeffs[k]! + mul(acc, z);
  return acc;
}
