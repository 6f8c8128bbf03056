/**
 * Operand screening shared by the x87 operations, in the priority order of SDM vol.1
 * §4.9.2 / §8.7 ("floating-point exception priority"): (1) IE for an SNaN or an unsupported
 * format, (2) a QNaN operand (no exception, but it takes precedence over what follows),
 * (3) the other invalid operations and divide-by-zero, (4) the denormal-operand exception,
 * (5) overflow/underflow, (6) inexact.
 */
import { bitLength, F80, isDenormal, isNaN80, isUnsupported, lsbExponent } from "./float80.js";
import { DE, invalid, masked, propagateNaN1, propagateNaN2, Result } from "./exceptions.js";

/** Steps (1)-(2) for two operands: a result when a NaN or unsupported operand decides it. */
export function screen2(a: F80, b: F80, cw: number): Result | null {
  if (isUnsupported(a) || isUnsupported(b)) return invalid(cw);
  const an = isNaN80(a);
  const bn = isNaN80(b);
  if (an || bn) return propagateNaN2(a, b, an, bn, cw);
  return null;
}

export function screen1(a: F80, cw: number): Result | null {
  if (isUnsupported(a)) return invalid(cw);
  if (isNaN80(a)) return propagateNaN1(a, cw);
  return null;
}

/** Step (4): DE when an operand is denormal; `stop` when DE is unmasked (no result). */
export function denormalFlags(cw: number, ...xs: F80[]): { sw: number; stop: boolean } {
  return denormalFlagsOr(cw, false, ...xs);
}

/** The same, with `source` true when a memory operand was a single/double denormal (it is
 *  normal once widened to 80 bits, but still a denormal operand: DE). */
export function denormalFlagsOr(cw: number, source: boolean, ...xs: F80[]): { sw: number; stop: boolean } {
  if (source) return { sw: DE, stop: !masked(cw, DE) };
  for (const x of xs) if (isDenormal(x)) return { sw: DE, stop: !masked(cw, DE) };
  return { sw: 0, stop: false };
}

/** The exact magnitude of a finite non-zero operand: sig × 2^e. */
export interface Exact {
  m: bigint;
  e: number;
}
export function exact(x: F80): Exact {
  return { m: x.sig, e: lsbExponent(x) };
}
/** Unbiased exponent of the leading 1 of a finite non-zero operand. */
export function topExponent(x: F80): number {
  return lsbExponent(x) + bitLength(x.sig) - 1;
}
