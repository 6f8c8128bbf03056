/**
 * Conversions between the 80-bit register format and the x87 memory formats (SDM vol.1
 * §4.2.1-§4.2.2 and §4.7 data types, §4.8.3.7 QNaN floating-point indefinite, §4.8.3.8
 * integer indefinite, §4.7 packed BCD; vol.2 FLD/FST/FILD/FIST/FISTTP/FBLD/FBSTP).
 *
 * Loads into a register are exact. Stores to memory round once into the memory format (its
 * own precision and exponent range: PC does not apply, §8.1.5.2) and write nothing on an
 * unmasked exception (`bits` null).
 */
import { bitLength, BIAS, EXP_MAX, F80, f80, INDEFINITE, isInf, isNaN80, isSNaN, isUnsupported, isZero, J_BIT, QUIET_BIT, zero } from "./float80.js";
import { C1, DE, IE, masked, PE, rc, Result } from "./exceptions.js";
import { fromInteger, roundInteger } from "./arith.js";
import { exact } from "./operand.js";
import { DOUBLE, Format, packIeee, roundTo, SINGLE } from "./rounding.js";

/** A memory result: the bit image to store (null: memory unchanged) and the status flags. */
export interface Stored {
  bits: bigint | null;
  sw: number;
}

function ieeeFormat(width: 32 | 64): Format {
  return width === 32 ? SINGLE : DOUBLE;
}

/** FST m32/m64 real. */
export function toIeee(x: F80, width: 32 | 64, cw: number): Stored {
  const f = ieeeFormat(width);
  const fracBits = BigInt(f.p - 1);
  const expAll = width === 32 ? 0xffn : 0x7ffn;
  const s = BigInt(x.sign) << BigInt(width - 1);
  const indefinite = (1n << BigInt(width - 1)) | (expAll << fracBits) | (1n << (fracBits - 1n));
  if (isUnsupported(x)) return { bits: masked(cw, IE) ? indefinite : null, sw: IE };
  if (isNaN80(x)) {
    // The NaN's top fraction bits are kept; an SNaN is quietened (IE).
    const snan = isSNaN(x);
    if (snan && !masked(cw, IE)) return { bits: null, sw: IE };
    const frac = ((x.sig | QUIET_BIT) >> BigInt(64 - f.p)) & ((1n << fracBits) - 1n);
    return { bits: s | (expAll << fracBits) | frac, sw: snan ? IE : 0 };
  }
  if (isInf(x)) return { bits: s | (expAll << fracBits), sw: 0 };
  if (isZero(x)) return { bits: s, sw: 0 };
  // No DE for a denormal source: stores signal only IE, OE, UE and PE (as measured on the
  // host, and as FST's exception list in the SDM says).
  const { m, e } = exact(x);
  const o = roundTo(x.sign, m, e, f, cw, true);
  return { bits: o.packed ? packIeee(x.sign, o.packed, f) : null, sw: o.sw };
}

/**
 * A single/double memory operand widened exactly to 80 bits, as the arithmetic sees it
 * (FADD m32, FCOM m64, ...): an SNaN stays signalling (the arithmetic's NaN rules quieten it
 * and pick between it and ST(0) as between two registers — measured), a denormal becomes the
 * equal normal 80-bit value and `denormal` says DE is due.
 */
export function widenIeee(bits: bigint, width: 32 | 64): { value: F80; denormal: boolean } {
  const f = ieeeFormat(width);
  const fracBits = BigInt(f.p - 1);
  const expAll = width === 32 ? 0xff : 0x7ff;
  const sign = Number((bits >> BigInt(width - 1)) & 1n);
  const be = Number((bits >> fracBits) & BigInt(expAll));
  const frac = bits & ((1n << fracBits) - 1n);
  const fracAt64 = frac << BigInt(64 - f.p);
  if (be === expAll) return { value: f80(sign, EXP_MAX, J_BIT | fracAt64), denormal: false };
  if (be === 0) {
    if (frac === 0n) return { value: zero(sign), denormal: false };
    // Normalise the denormal: value = frac × 2^(emin - (p-1)).
    const n = bitLength(frac);
    const top = f.emin - (f.p - 1) + n - 1;
    return { value: f80(sign, top + BIAS, frac << BigInt(64 - n)), denormal: true };
  }
  return { value: f80(sign, be - f.emax + BIAS, J_BIT | fracAt64), denormal: false };
}

/** FLD m32/m64 real: exact; an SNaN is quietened (IE), a denormal source raises DE. */
export function fromIeee(bits: bigint, width: 32 | 64, cw: number): Result {
  const { value, denormal } = widenIeee(bits, width);
  if (isSNaN(value)) return masked(cw, IE) ? { value: f80(value.sign, value.exp, value.sig | QUIET_BIT), sw: IE } : { value: null, sw: IE };
  if (denormal) return masked(cw, DE) ? { value, sw: DE } : { value: null, sw: DE };
  return { value, sw: 0 };
}

/** FILD m16/m32/m64 int: always exact. `bits` is the two's-complement memory image. */
export function fromInt(bits: bigint, width: 16 | 32 | 64): F80 {
  return fromInteger(BigInt.asIntN(width, bits));
}

/**
 * FIST/FISTP m16/m32/m64 int (rounded by RC) and FISTTP (truncated, SSE3). A NaN, ∞, an
 * unsupported format or a value out of range is invalid: masked → the integer indefinite
 * (only the sign bit set, §4.8.3.8), unmasked → nothing stored.
 */
export function toInt(x: F80, width: 16 | 32 | 64, cw: number, truncate = false): Stored {
  const indefinite = 1n << BigInt(width - 1);
  const inv = (): Stored => ({ bits: masked(cw, IE) ? indefinite : null, sw: IE });
  if (isUnsupported(x) || isNaN80(x) || isInf(x)) return inv();
  if (isZero(x)) return { bits: 0n, sw: 0 };
  // A denormal source raises no DE (FIST's exception list; measured).
  const r = roundInteger(x, truncate ? 3 : rc(cw));
  const v = x.sign ? -r.q : r.q;
  if (v < -(1n << BigInt(width - 1)) || v >= 1n << BigInt(width - 1)) return inv();
  return { bits: BigInt.asUintN(width, v), sw: (r.inexact ? PE : 0) | (r.up ? C1 : 0) };
}

/** The packed BCD indefinite stored by a masked invalid FBSTP (SDM vol.1 table 4-4). */
export const BCD_INDEFINITE = 0xffffc000000000000000n;

/** FBSTP: round by RC to an integer of at most 18 decimal digits, sign in bit 79. */
export function toBcd(x: F80, cw: number): Stored {
  const inv = (): Stored => ({ bits: masked(cw, IE) ? BCD_INDEFINITE : null, sw: IE });
  if (isUnsupported(x) || isNaN80(x) || isInf(x)) return inv();
  const sign = BigInt(x.sign) << 79n;
  if (isZero(x)) return { bits: sign, sw: 0 };
  const r = roundInteger(x, rc(cw));
  if (r.q >= 10n ** 18n) return inv();
  let digits = 0n;
  let v = r.q;
  for (let i = 0n; v > 0n; i += 4n) {
    digits |= (v % 10n) << i;
    v /= 10n;
  }
  return { bits: sign | digits, sw: (r.inexact ? PE : 0) | (r.up ? C1 : 0) };
}

/** FBLD: 18 BCD digits and the sign bit (bits 72-78 ignored); exact. Digits above 9 give
 *  undefined results on the hardware (SDM FBLD) and are read as their binary weight here. */
export function fromBcd(bits: bigint): F80 {
  let v = 0n;
  for (let i = 17n; i >= 0n; i--) v = v * 10n + ((bits >> (4n * i)) & 0xfn);
  const sign = Number((bits >> 79n) & 1n);
  const r = fromInteger(v);
  return v === 0n ? zero(sign) : f80(sign, r.exp, r.sig);
}


