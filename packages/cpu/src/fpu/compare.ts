/**
 * x87 comparisons (SDM vol.2 FCOM/FUCOM/FCOMI/FUCOMI/FTST/FXAM; vol.1 §8.1.3.3 condition
 * codes, table 8-6 and 8-7, §4.8.3.6 unordered comparisons).
 *
 * FCOM/FCOMI are "signalling": any NaN operand is invalid (IE). FUCOM/FUCOMI are "quiet":
 * only an SNaN (or an unsupported format) is. Either way a NaN compares unordered:
 * C3 C2 C0 = 111 (FCOM) or ZF PF CF = 111 (FCOMI).
 */
import { F80, isDenormal, isInf, isNaN80, isSNaN, isUnsupported, isZero, kind, Kind, POS_ZERO } from "./float80.js";
import { C0, C1, C2, C3, DE, IE } from "./exceptions.js";
import { exact } from "./operand.js";
import { compareNormal, normal } from "./fast-normal.js";

export const enum Relation {
  Greater,
  Less,
  Equal,
  Unordered,
}

/** The numeric relation of a and b (NaNs and unsupported formats: unordered). */
export function relation(a: F80, b: F80): Relation {
  if (normal(a) && normal(b)) {
    const c = compareNormal(a, b);
    return c === 0 ? Relation.Equal : c < 0 ? Relation.Less : Relation.Greater;
  }
  if (isNaN80(a) || isNaN80(b) || isUnsupported(a) || isUnsupported(b)) return Relation.Unordered;
  const az = isZero(a);
  const bz = isZero(b);
  if (az && bz) return Relation.Equal;
  if (a.sign !== b.sign && !(az || bz)) return a.sign ? Relation.Less : Relation.Greater;
  const c = compareMagnitudeSigned(a, b);
  return c === 0 ? Relation.Equal : c < 0 ? Relation.Less : Relation.Greater;
}

function valueSign(x: F80): number {
  return isZero(x) ? 0 : x.sign ? -1 : 1;
}

/** Sign of a - b for ordered finite/infinite a, b. */
function compareMagnitudeSigned(a: F80, b: F80): number {
  const sa = valueSign(a);
  const sb = valueSign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const ia = isInf(a);
  const ib = isInf(b);
  let mag: number;
  if (ia || ib) mag = ia && ib ? 0 : ia ? 1 : -1;
  else {
    const x = exact(a);
    const y = exact(b);
    const e = Math.min(x.e, y.e);
    const mx = x.m << BigInt(x.e - e);
    const my = y.m << BigInt(y.e - e);
    mag = mx === my ? 0 : mx > my ? 1 : -1;
  }
  return sa > 0 ? mag : -mag;
}

export interface Compared {
  relation: Relation;
  /** IE/DE raised. The condition codes (EFLAGS for FCOMI) are written even when the
   *  exception is unmasked: measured on the host, unlike the SDM's "not set" wording. */
  sw: number;
}

/** `srcDE`: b came from a single/double denormal memory operand (FCOM m32/m64). */
export function compare(a: F80, b: F80, quiet: boolean, srcDE = false): Compared {
  const rel = relation(a, b);
  if (rel === Relation.Unordered) {
    const inv = isUnsupported(a) || isUnsupported(b) || !quiet || isSNaN(a) || isSNaN(b);
    return { relation: rel, sw: inv ? IE : 0 };
  }
  return { relation: rel, sw: srcDE || isDenormal(a) || isDenormal(b) ? DE : 0 };
}

/** Condition codes of FCOM/FUCOM/FTST: C3 C2 C0 (C1 = 0). */
export function conditionCodes(r: Relation): number {
  switch (r) {
    case Relation.Greater:
      return 0;
    case Relation.Less:
      return C0;
    case Relation.Equal:
      return C3;
    default:
      return C3 | C2 | C0;
  }
}

/** EFLAGS of FCOMI/FUCOMI: ZF (bit 6), PF (bit 2), CF (bit 0). */
export function comiFlags(r: Relation): number {
  switch (r) {
    case Relation.Greater:
      return 0;
    case Relation.Less:
      return 0x01;
    case Relation.Equal:
      return 0x40;
    default:
      return 0x45;
  }
}

/** FCOM/FUCOM ST(0), src: the status word fragment (flags and condition codes). */
export function fcom(a: F80, b: F80, quiet = false, srcDE = false): number {
  const c = compare(a, b, quiet, srcDE);
  return c.sw | conditionCodes(c.relation);
}

/** FTST: compare with +0.0 (signalling, like FCOM). */
export function ftst(a: F80): number {
  return fcom(a, POS_ZERO, false);
}

/**
 * FXAM: class in C3 C2 C0 (unsupported 000, NaN 001, normal 010, infinity 011, zero 100,
 * empty 101, denormal 110) and the sign in C1. Raises nothing.
 */
export function fxam(a: F80 | null): number {
  if (a === null) return C3 | C0 | 0; // empty (C1 is then undefined; we report the stale 0)
  const sign = a.sign ? C1 : 0;
  switch (kind(a)) {
    case Kind.Unnormal:
    case Kind.PseudoNaN:
      return sign;
    case Kind.QNaN:
    case Kind.SNaN:
      return sign | C0;
    case Kind.Normal:
      return sign | C2;
    case Kind.Infinity:
      return sign | C2 | C0;
    case Kind.Zero:
      return sign | C3;
    default:
      return sign | C3 | C2;
  }
}
