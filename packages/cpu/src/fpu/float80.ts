/**
 * The x87 double extended-precision format (SDM vol.1 §4.2.2, §8.2.2 and table 8-3):
 * 1 sign bit, a 15-bit biased exponent (bias 16383) and a 64-bit significand whose top bit
 * is the explicit integer bit J. Every register of the x87 stack holds one of these.
 *
 * Representation choice (measured on the dev host, Node 20): the significand is a BigInt.
 * A 64x64 multiply plus normalisation costs ~210 ns with BigInt and ~10-30 ns with two
 * 32-bit halves, so an arithmetic op here costs 1-3.5 us (FADD 1.8, FMUL 1.0, FDIV 1.4, FSQRT
 * 3.5, FST m64 1.3, FCOM 0.2) instead of a few hundred ns. BigInt
 * was chosen anyway for this slice because the exact intermediates the x87 needs (128-bit
 * products, 130+ guard bits for division and square root, arbitrary partial remainders)
 * are then trivially right, and the native oracle (test/fpu) checks them bit for bit; x87
 * code is rare in the guests ringlab targets. A halves fast path for normal operands can be
 * added later behind the same functions and checked by the same oracle.
 */

/** One 80-bit value, unpacked: sign 0|1, biased exponent 0..0x7FFF, significand 0..2^64-1. */
export interface F80 {
  readonly sign: number;
  readonly exp: number;
  readonly sig: bigint;
}

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;
export const J_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
export const SIG_MASK = (1n << 64n) - 1n;

export function f80(sign: number, exp: number, sig: bigint): F80 {
  return { sign, exp, sig };
}

/** The QNaN floating-point indefinite: the masked response to most invalid operations. */
export const INDEFINITE: F80 = f80(1, EXP_MAX, 0xc000000000000000n);
export const POS_ZERO: F80 = f80(0, 0, 0n);
export const NEG_ZERO: F80 = f80(1, 0, 0n);
export const ONE: F80 = f80(0, BIAS, J_BIT);

export function zero(sign: number): F80 {
  return sign ? NEG_ZERO : POS_ZERO;
}
export function infinity(sign: number): F80 {
  return f80(sign, EXP_MAX, J_BIT);
}

/** The classes of table 8-3 (supported encodings) and §8.2.2 (unsupported ones). */
export const enum Kind {
  Zero,
  /** exponent 0, J = 0, significand non-zero. */
  Denormal,
  /** exponent 0, J = 1: accepted as an operand (DE), never produced (§8.2.2). */
  PseudoDenormal,
  Normal,
  Infinity,
  QNaN,
  SNaN,
  /** exponent 1..7FFE with J = 0: unsupported (IE). */
  Unnormal,
  /** exponent 7FFF with J = 0 (pseudo-infinity and pseudo-NaN): unsupported (IE). */
  PseudoNaN,
}

export function kind(x: F80): Kind {
  if (x.exp === 0) {
    if (x.sig === 0n) return Kind.Zero;
    return x.sig & J_BIT ? Kind.PseudoDenormal : Kind.Denormal;
  }
  if (x.exp === EXP_MAX) {
    if (!(x.sig & J_BIT)) return Kind.PseudoNaN;
    if (x.sig === J_BIT) return Kind.Infinity;
    return x.sig & QUIET_BIT ? Kind.QNaN : Kind.SNaN;
  }
  return x.sig & J_BIT ? Kind.Normal : Kind.Unnormal;
}

export function isNaN80(x: F80): boolean {
  return x.exp === EXP_MAX && (x.sig & J_BIT) !== 0n && x.sig !== J_BIT;
}
export function isSNaN(x: F80): boolean {
  return isNaN80(x) && !(x.sig & QUIET_BIT);
}
/** Unsupported formats (§8.2.2): the 387 and later raise IE for them as operands. */
export function isUnsupported(x: F80): boolean {
  if (x.exp === 0) return false;
  return !(x.sig & J_BIT);
}
/** A denormal operand (DE): true denormals and pseudo-denormals. */
export function isDenormal(x: F80): boolean {
  return x.exp === 0 && x.sig !== 0n;
}
export function isZero(x: F80): boolean {
  return x.exp === 0 && x.sig === 0n;
}
export function isInf(x: F80): boolean {
  return x.exp === EXP_MAX && x.sig === J_BIT;
}

/**
 * The exact value of a finite operand as sign × sig × 2^e (e the weight of the significand's
 * lowest bit). Denormals and pseudo-denormals have the weight of exponent 1 (§8.2.2: a
 * pseudo-denormal is read as if its exponent were 1).
 */
export function lsbExponent(x: F80): number {
  return (x.exp === 0 ? 1 : x.exp) - BIAS - 63;
}

/** From/to the 80-bit image as a BigInt (bits 79..0) — the memory and FSAVE layout. */
export function fromBits(bits: bigint): F80 {
  return f80(Number((bits >> 79n) & 1n), Number((bits >> 64n) & 0x7fffn), bits & SIG_MASK);
}
export function toBits(x: F80): bigint {
  return (BigInt(x.sign) << 79n) | (BigInt(x.exp) << 64n) | x.sig;
}
export function fromHex(hex: string): F80 {
  return fromBits(BigInt("0x" + hex));
}
export function toHex(x: F80): string {
  return toBits(x).toString(16).padStart(20, "0");
}
/** A pseudo-denormal rewritten with exponent 1 (same value), as the FPU passes one through. */
export function canonical(x: F80): F80 {
  return x.exp === 0 && x.sig & J_BIT ? f80(x.sign, 1, x.sig) : x;
}
export function negate(x: F80): F80 {
  return f80(x.sign ^ 1, x.exp, x.sig);
}
export function abs(x: F80): F80 {
  return x.sign ? f80(0, x.exp, x.sig) : x;
}

/** 2^i for the widths the arithmetic reaches (products and quotients of up to ~300 bits). */
const POW2: bigint[] = Array.from({ length: 1100 }, (_, i) => 1n << BigInt(i));

/** Number of bits of a non-negative BigInt. */
export function bitLength(n: bigint): number {
  if (n < 0x100000000n) return 32 - Math.clz32(Number(n));
  // The double nearest n gives the length, or one more when n rounded up to a power of two;
  // one comparison settles it. No string conversion (which made this the x87's hottest function).
  const d = Number(n);
  if (d === Infinity) return n.toString(2).length;
  const bits = Math.floor(Math.log2(d)) + 1;
  return POW2[bits - 1]! > n ? bits - 1 : bits;
}
