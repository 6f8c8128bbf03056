/**
 * The x87 double extended-precision format (SDM vol.1 §4.2.2, §8.2.2 and table 8-3):
 * 1 sign bit, a 15-bit biased exponent (bias 16383) and a 64-bit significand whose top bit
 * is the explicit integer bit J. Every register of the x87 stack holds one of these.
 *
 * Representation (measured on the dev host, Node 20): the significand is kept as two 32-bit
 * unsigned halves (`hi`, `lo`) in plain numbers, and as a BigInt (`sig`) only when asked for.
 * The common case — normal operands and results of FADD/FSUB/FMUL and comparisons — is
 * computed exactly on the halves (fast-normal.ts); everything else (specials, denormals,
 * overflow, underflow, FDIV, FSQRT, the transcendentals, FPREM, conversions) uses the exact BigInt path
 * through `sig`, which is built once per value and cached. A BigInt 64x64 multiply plus
 * normalisation costs ~210 ns against ~10-30 ns on halves, and BigInt allocation was a large
 * share of the x87's garbage-collection time.
 */

/**
 * One 80-bit value, unpacked: sign 0|1, biased exponent 0..0x7FFF, significand 0..2^64-1
 * as its halves `hi` (bits 63-32) and `lo` (bits 31-0), unsigned. Immutable.
 */
export class F80 {
  /**
   * The significand as a BigInt, built on first use: a private field, so two equal values
   * compare equal (deep equality) whether or not one of them has built it.
   */
  #big: bigint | undefined;
  constructor(
    readonly sign: number,
    readonly exp: number,
    readonly hi: number,
    readonly lo: number,
    big?: bigint,
  ) {
    this.#big = big;
  }
  /** The 64-bit significand (J is bit 63). */
  get sig(): bigint {
    let b = this.#big;
    if (b === undefined) this.#big = b = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    return b;
  }
}

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;
export const J_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
export const SIG_MASK = (1n << 64n) - 1n;

const LO_MASK = 0xffffffffn;
export function f80(sign: number, exp: number, sig: bigint): F80 {
  return new F80(sign, exp, Number((sig >> 32n) & LO_MASK), Number(sig & LO_MASK), sig & SIG_MASK);
}
/** A value from its significand halves (unsigned 32-bit numbers). */
export function f80h(sign: number, exp: number, hi: number, lo: number): F80 {
  return new F80(sign, exp, hi, lo);
}
const J_HI = 0x80000000;
const QUIET_HI = 0x40000000;

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
  const j = x.hi >= J_HI;
  if (x.exp === 0) {
    if (x.hi === 0 && x.lo === 0) return Kind.Zero;
    return j ? Kind.PseudoDenormal : Kind.Denormal;
  }
  if (x.exp === EXP_MAX) {
    if (!j) return Kind.PseudoNaN;
    if (x.hi === J_HI && x.lo === 0) return Kind.Infinity;
    return x.hi & QUIET_HI ? Kind.QNaN : Kind.SNaN;
  }
  return j ? Kind.Normal : Kind.Unnormal;
}

export function isNaN80(x: F80): boolean {
  return x.exp === EXP_MAX && x.hi >= J_HI && (x.hi !== J_HI || x.lo !== 0);
}
export function isSNaN(x: F80): boolean {
  return isNaN80(x) && !(x.hi & QUIET_HI);
}
/** Unsupported formats (§8.2.2): the 387 and later raise IE for them as operands. */
export function isUnsupported(x: F80): boolean {
  return x.exp !== 0 && x.hi < J_HI;
}
/** A denormal operand (DE): true denormals and pseudo-denormals. */
export function isDenormal(x: F80): boolean {
  return x.exp === 0 && (x.hi !== 0 || x.lo !== 0);
}
export function isZero(x: F80): boolean {
  return x.exp === 0 && x.hi === 0 && x.lo === 0;
}
export function isInf(x: F80): boolean {
  return x.exp === EXP_MAX && x.hi === J_HI && x.lo === 0;
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
  return x.exp === 0 && x.hi >= J_HI ? new F80(x.sign, 1, x.hi, x.lo) : x;
}
export function negate(x: F80): F80 {
  return new F80(x.sign ^ 1, x.exp, x.hi, x.lo);
}
export function abs(x: F80): F80 {
  return x.sign ? new F80(0, x.exp, x.hi, x.lo) : x;
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
