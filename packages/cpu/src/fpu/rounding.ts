/**
 * Rounding an exact value, exactly once (SDM vol.1 §4.8.4 rounding, §8.1.5.2 precision
 * control, §4.9.1.4 overflow, §4.9.1.5 underflow, and the result tables of §4.8.3.2).
 *
 * Callers hand over the exact result as (-1)^sign × m × 2^e with m > 0: anything inexact
 * below m's lowest bit must already be folded in as a sticky 1 bit there, with at least two
 * bits of m below the rounding position (so halfway and above/below halfway are told apart).
 * The value is rounded to `p` significand bits once: precision control only shortens the
 * significand, the exponent keeps the destination's range (§8.1.5.2), so a register result at
 * PC=24 can still be an extended denormal, rounded at the same bit position as a normal.
 */
import { bitLength, BIAS, EXP_MAX, F80, f80, J_BIT, zero } from "./float80.js";
import { C1, masked, OE, PE, Rc, rc, Result, UE } from "./exceptions.js";

/** A destination format: extended (a register), or double/single (a memory operand). */
export interface Format {
  /** Significand bits kept (the format's, or fewer under precision control). */
  p: number;
  /** Unbiased exponent of the smallest normal number. */
  emin: number;
  /** Unbiased exponent of the largest finite number. */
  emax: number;
  /** Exponent bias adjustment of an unmasked overflow/underflow response (§4.9.1.4). */
  adjust: number;
}

export const EXTENDED_EMIN = 1 - BIAS;
export const EXTENDED_EMAX = BIAS;
export function extended(p: number): Format {
  return { p, emin: EXTENDED_EMIN, emax: EXTENDED_EMAX, adjust: 24576 };
}
export const DOUBLE: Format = { p: 53, emin: -1022, emax: 1023, adjust: 1536 };
export const SINGLE: Format = { p: 24, emin: -126, emax: 127, adjust: 192 };

/**
 * Tininess (§4.9.1.5 lets an implementation detect it before or after rounding): the x87 of
 * the host detects it *after* rounding — a result is tiny when, rounded to p bits with an
 * unbounded exponent, it is still below the smallest normal. Measured (test/fpu edge set):
 * 0 + the largest denormal at PC=24 rounds up to 2^-16382 and raises PE without UE.
 */
export const TININESS_BEFORE_ROUNDING = false;

/** q × 2^lsb: the rounded magnitude; `up` when rounding increased it (C1). */
export interface Rounded {
  q: bigint;
  lsb: number;
  inexact: boolean;
  up: boolean;
}

/** Round m × 2^e to p bits with the lowest kept bit no lower than `floor` (emin - (p-1) for a
 *  bounded exponent, -Infinity for the unbounded rounding used by unmasked underflow). */
export function roundBits(sign: number, m: bigint, e: number, p: number, floor: number, mode: Rc): Rounded {
  const top = e + bitLength(m) - 1;
  const lsb = Math.max(top - (p - 1), floor);
  const shift = lsb - e;
  if (shift <= 0) return { q: m << BigInt(-shift), lsb, inexact: false, up: false };
  const s = BigInt(shift);
  let q = m >> s;
  const rem = m - (q << s);
  if (rem === 0n) return { q, lsb, inexact: false, up: false };
  let inc: boolean;
  switch (mode) {
    case Rc.Nearest: {
      const half = 1n << (s - 1n);
      inc = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    }
    case Rc.Down:
      inc = sign === 1;
      break;
    case Rc.Up:
      inc = sign === 0;
      break;
    default:
      inc = false;
  }
  if (inc) q += 1n;
  return { q, lsb, inexact: true, up: inc };
}

/** The masked overflow response (§4.9.1.4, table 4-10): ∞ or the largest finite number. */
function overflowToInf(sign: number, mode: Rc): boolean {
  return mode === Rc.Nearest || (mode === Rc.Up && sign === 0) || (mode === Rc.Down && sign === 1);
}

/** A rounded magnitude in a format, before packing: q × 2^lsb, or ∞ / largest-finite. */
export interface Packed {
  /** "finite" q × 2^lsb (q may be 0), or "inf", or "max" (largest finite at p bits). */
  kind: "finite" | "inf" | "max";
  q: bigint;
  lsb: number;
}

export interface RoundOutcome {
  packed: Packed | null;
  sw: number;
}

/**
 * Round the exact (-1)^sign × m × 2^e into format f. Returns the magnitude to pack and the
 * flags (OE, UE, PE, C1). `packed` is null for an unmasked OE/UE when `memory` is set: a store
 * to memory then writes nothing (§4.9.1.4/5); a register gets the bias-adjusted result.
 */
export function roundTo(sign: number, m: bigint, e: number, f: Format, cw: number, memory: boolean): RoundOutcome {
  const mode = rc(cw);
  const floor = f.emin - (f.p - 1);
  const top = e + bitLength(m) - 1;
  let tiny: boolean;
  let r: Rounded;
  if (top < f.emin) {
    if (TININESS_BEFORE_ROUNDING) tiny = true;
    else {
      const u = roundBits(sign, m, e, f.p, -Infinity, mode);
      tiny = u.lsb + bitLength(u.q) - 1 < f.emin;
    }
  } else tiny = false;

  if (tiny && !masked(cw, UE)) {
    // Unmasked underflow: the result is rounded as if the exponent were unbounded, then its
    // exponent is raised by the adjustment (register destinations only).
    if (memory) return { packed: null, sw: UE };
    const u = roundBits(sign, m, e, f.p, -Infinity, mode);
    if (u.lsb + f.adjust + bitLength(u.q) - 1 < f.emin) {
      // Still tiny after the adjustment (only FSCALE gets this far): a signed zero.
      return { packed: { kind: "finite", q: 0n, lsb: 0 }, sw: UE | PE };
    }
    return {
      packed: { kind: "finite", q: u.q, lsb: u.lsb + f.adjust },
      sw: UE | (u.inexact ? PE : 0) | (u.up ? C1 : 0),
    };
  }
  r = roundBits(sign, m, e, f.p, floor, mode);
  const topR = r.lsb + bitLength(r.q) - 1;
  if (r.q !== 0n && topR > f.emax) {
    if (!masked(cw, OE)) {
      if (memory) return { packed: null, sw: OE };
      // Still too large after the adjustment (only FSCALE gets this far): ∞ (measured).
      if (topR - f.adjust > f.emax) return { packed: { kind: "inf", q: 0n, lsb: 0 }, sw: OE | PE | C1 };
      return {
        packed: { kind: "finite", q: r.q, lsb: r.lsb - f.adjust },
        sw: OE | (r.inexact ? PE : 0) | (r.up ? C1 : 0),
      };
    }
    const inf = overflowToInf(sign, mode);
    return { packed: { kind: inf ? "inf" : "max", q: 0n, lsb: 0 }, sw: OE | PE | (inf ? C1 : 0) };
  }
  let sw = (r.inexact ? PE : 0) | (r.up ? C1 : 0);
  if (tiny && r.inexact) sw |= UE;
  return { packed: { kind: "finite", q: r.q, lsb: r.lsb }, sw };
}

/** Pack a rounded magnitude as an 80-bit register value. */
export function packExtended(sign: number, pk: Packed, p: number): F80 {
  if (pk.kind === "inf") return f80(sign, EXP_MAX, J_BIT);
  if (pk.kind === "max") return f80(sign, EXP_MAX - 1, ((1n << BigInt(p)) - 1n) << BigInt(64 - p));
  if (pk.q === 0n) return zero(sign);
  const n = bitLength(pk.q);
  const top = pk.lsb + n - 1;
  if (top >= EXTENDED_EMIN) return f80(sign, top + BIAS, pk.q << BigInt(64 - n));
  // Extended denormal: significand weight 2^(EXTENDED_EMIN - 63).
  return f80(sign, 0, pk.q << BigInt(pk.lsb - (EXTENDED_EMIN - 63)));
}

/** Round the exact value into a register at precision p (PC, or 64 where PC does not apply). */
export function roundExtended(sign: number, m: bigint, e: number, p: number, cw: number): Result {
  const o = roundTo(sign, m, e, extended(p), cw, false);
  return { value: o.packed ? packExtended(sign, o.packed, p) : null, sw: o.sw };
}

/** Pack into the IEEE single/double bit image (as a BigInt). */
export function packIeee(sign: number, pk: Packed, f: Format): bigint {
  const fracBits = BigInt(f.p - 1);
  const expBits = f.p === 24 ? 8n : 11n;
  const bias = f.emax;
  const expAll = (1n << expBits) - 1n;
  const s = BigInt(sign) << (fracBits + expBits);
  if (pk.kind === "inf") return s | (expAll << fracBits);
  if (pk.kind === "max") return s | ((expAll - 1n) << fracBits) | ((1n << fracBits) - 1n);
  if (pk.q === 0n) return s;
  const n = bitLength(pk.q);
  const top = pk.lsb + n - 1;
  if (top >= f.emin) {
    const frac = (pk.q << BigInt(f.p - n)) & ((1n << fracBits) - 1n);
    return s | (BigInt(top + bias) << fracBits) | frac;
  }
  return s | (pk.q << BigInt(pk.lsb - (f.emin - (f.p - 1))));
}
