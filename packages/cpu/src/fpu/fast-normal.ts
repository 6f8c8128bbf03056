/**
 * The x87's common case computed exactly on 32-bit words: FADD/FSUB/FMUL of two normal
 * operands (exponent 1..7FFE, J set) whose result is a normal number, rounded once by the
 * control word's precision control (SDM vol.1 §8.1.5.2) and rounding control (§4.8.4).
 *
 * Each function returns null whenever the result is not a normal extended number — an exact
 * value with its leading bit below 2^-16382 (denormal or tiny: underflow, §4.9.1.5) or a
 * rounded one above the largest finite number (overflow, §4.9.1.4) — and the caller then
 * runs the exact BigInt path (arith.ts, rounding.ts), which decides everything the fast path
 * does not. For a normal result the only flags are PE (inexact) and C1 (rounded up), as
 * there: tininess is detected after rounding (rounding.ts), and a result whose exact leading
 * bit is at or above 2^-16382 is never tiny.
 *
 * Magnitudes are 128-bit windows w3:w2:w1:w0 of unsigned 32-bit numbers, w3 bit 31 the
 * leading 1, whose lowest bit may be a sticky bit standing for anything inexact below it.
 * The rounding position is never lower than w2 bit 0 (64 bits), so a sticky bit in w0 is
 * always at least 30 bits below it.
 *
 * Call boundaries pass 32-bit words as int32 bit patterns (`x | 0`) and the callee reads them
 * back with `>>> 0` (call-boundary): V8 passes an int32 as a small integer but must allocate a
 * heap number for an unsigned value of 2^31 or more, and did so on every call (measured with
 * --cpu-prof on bench/fpubench.mjs: the calls were a third of the arithmetic's time).
 */
import { F80, EXP_MAX, BIAS } from "./float80.js";
import { C1, PE, Rc, type Result } from "./exceptions.js";

const TWO32 = 4294967296;
/** 2^-16: multiplying by it is exact, and cheaper than dividing by 65536. */
const INV_2_16 = 1 / 65536;
const J_HI = 0x80000000;

/** A normal operand: exponent 1..7FFE and J set (no denormal, zero, ∞, NaN or unsupported). */
export function normal(x: F80): boolean {
  return x.exp !== 0 && x.exp !== EXP_MAX && x.hi >= J_HI;
}

/**
 * Where the allocation-free entry points (`addWords`, `mulWords`) leave a result: sign,
 * biased exponent, significand bits 63-32 and 31-0 (as int32 bit patterns, like the register
 * arrays: read them with `>>> 0`). The x87 register-form handlers copy it
 * into the register arrays at once (x87-state.ts), so the common case allocates nothing.
 */
export const fastOut = new Int32Array(4);

function out(sign: number, exp: number, hi: number, lo: number): void {
  fastOut[0] = sign;
  fastOut[1] = exp;
  fastOut[2] = hi;
  fastOut[3] = lo;
}

/** The raw entry points' answer when the exact path must decide. */
export const FAST_NONE = -1;

/**
 * Rounds the normalised window (w3 bit 31 set), whose leading bit has biased exponent `exp`,
 * to the precision control's 24, 53 or 64 bits, into {@link fastOut}. Returns the status bits
 * (PE, C1), or FAST_NONE when the result is not normal.
 */
function roundNormal(sign: number, exp: number, w3: number, w2: number, w1: number, w0: number, cw: number): number {
  // The words arrive as int32 bit patterns (see `call-boundary` below) and are used unsigned.
  w3 >>>= 0;
  w2 >>>= 0;
  w1 >>>= 0;
  w0 >>>= 0;
  // Rounding never lowers the exponent: below 1 the exact value is tiny, and above 7FFE it
  // is already an overflow; both are the exact path's.
  if (exp < 1 || exp > EXP_MAX - 1) return FAST_NONE;
  const pc = (cw >> 8) & 3;
  let hi = w3;
  let lo = w2;
  // The bits below the rounding position: `low` (the first word's part) against `half`,
  // then `rest` (any of the lower words non-zero).
  let low: number;
  let half: number;
  let rest: boolean;
  let odd: number;
  if (pc === 0) {
    low = w3 & 0xff;
    half = 0x80;
    rest = (w2 | w1 | w0) !== 0;
    hi = w3 - low;
    lo = 0;
    odd = (w3 >>> 8) & 1;
  } else if (pc === 2) {
    low = w2 & 0x7ff;
    half = 0x400;
    rest = (w1 | w0) !== 0;
    lo = w2 - low;
    odd = (w2 >>> 11) & 1;
  } else {
    // PC = 11, and the reserved 01 that the host rounds the same way (exceptions.ts).
    low = w1;
    half = 0x80000000;
    rest = w0 !== 0;
    odd = w2 & 1;
  }
  if (low === 0 && !rest) {
    out(sign, exp, hi, lo);
    return 0;
  }
  let up: boolean;
  switch ((cw >> 10) & 3) {
    case Rc.Nearest:
      up = low > half || (low === half && (rest || odd === 1));
      break;
    case Rc.Down:
      up = sign === 1;
      break;
    case Rc.Up:
      up = sign === 0;
      break;
    default:
      up = false;
  }
  if (!up) {
    out(sign, exp, hi, lo);
    return PE;
  }
  if (pc === 0) hi += 0x100;
  else {
    lo += pc === 2 ? 0x800 : 1;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
  }
  if (hi >= TWO32) {
    // Carried out of the top: the significand is 1.000…, one binade up.
    hi = J_HI;
    exp += 1;
    if (exp > EXP_MAX - 1) return FAST_NONE;
  }
  out(sign, exp, hi, lo);
  return PE | C1;
}

/**
 * A normal value (sign, biased exponent, significand halves as int32 patterns) rounded to the
 * precision control, into {@link fastOut}: what FADD/FSUB of it and a zero gives (arith.ts's
 * addFinite rounds the non-zero operand once). Status bits, or FAST_NONE (a round-up past the
 * largest finite value).
 */
export function roundWords(sign: number, exp: number, hi: number, lo: number, cw: number): number {
  return roundNormal(sign, exp, hi | 0, lo | 0, 0, 0, cw);
}

/**
 * {@link roundNormal} for the control word FNINIT leaves (PC = 64 bits, RC = nearest): small
 * enough for V8 to inline into the arithmetic, which the general one is not. Words as int32
 * patterns, as there.
 */
function roundNearest64(sign: number, exp: number, w3: number, w2: number, w1: number, w0: number): number {
  if (exp < 1 || exp > EXP_MAX - 1) return FAST_NONE;
  const r = w1 >>> 0;
  if (r === 0 && w0 === 0) {
    out(sign, exp, w3, w2);
    return 0;
  }
  // Round bit and sticky below w2 bit 0: up above half, or at half when odd (ties to even).
  if (r < 0x80000000 || (r === 0x80000000 && w0 === 0 && (w2 & 1) === 0)) {
    out(sign, exp, w3, w2);
    return PE;
  }
  let lo = (w2 >>> 0) + 1;
  let hi = w3 >>> 0;
  if (lo >= TWO32) {
    lo = 0;
    hi += 1;
    if (hi >= TWO32) {
      hi = J_HI;
      exp += 1;
      if (exp > EXP_MAX - 1) return FAST_NONE;
    }
  }
  out(sign, exp, hi, lo);
  return PE | C1;
}

/** The Result of a raw entry point's answer (null: the exact path decides). */
function asResult(sw: number): Result | null {
  return sw === FAST_NONE ? null : { value: new F80(fastOut[0]!, fastOut[1]!, fastOut[2]! >>> 0, fastOut[3]! >>> 0), sw };
}

/**
 * a + (-1)^bSign × |b| for normal a and b (FADD; FSUB passes b's sign flipped). Null when
 * the exact path must decide.
 */
export function addNormal(a: F80, b: F80, bSign: number, cw: number): Result | null {
  return asResult(addWords(a.sign, a.exp, a.hi | 0, a.lo | 0, bSign, b.exp, b.hi | 0, b.lo | 0, cw));
}

/**
 * {@link addNormal} on the operands' words (sign, biased exponent, significand halves), into
 * {@link fastOut}: the status bits, or FAST_NONE.
 */
export function addWords(sa: number, ea: number, ah: number, al: number, sb: number, eb: number, bh: number, bl: number, cw: number): number {
  ah >>>= 0;
  al >>>= 0;
  bh >>>= 0;
  bl >>>= 0;
  // Keep a the larger magnitude.
  if (eb > ea || (eb === ea && (bh > ah || (bh === ah && bl > al)))) {
    let t = sa;
    sa = sb;
    sb = t;
    t = ea;
    ea = eb;
    eb = t;
    t = ah;
    ah = bh;
    bh = t;
    t = al;
    al = bl;
    bl = t;
  }
  // b aligned to a in the window: a is ah:al:0:0.
  let d = ea - eb;
  let x3 = bh;
  let x2 = bl;
  let x1 = 0;
  let x0 = 0;
  if (d >= 66) {
    // b lies wholly below a's bit 62 of the low half: only a sticky bit. Its value below
    // the round bit (w1 bit 31, or bit 30 once a 1-bit cancellation is normalised away)
    // cannot change the rounding, only make it inexact.
    x3 = x2 = 0;
    x0 = 1;
  } else {
    if (d >= 64) {
      x1 = x3;
      x0 = x2;
      x3 = x2 = 0;
      d -= 64;
    } else if (d >= 32) {
      x1 = x2;
      x2 = x3;
      x3 = 0;
      d -= 32;
    }
    if (d !== 0) {
      const l = 32 - d;
      const sticky = x0 << l !== 0 ? 1 : 0;
      x0 = (((x1 << l) | (x0 >>> d)) | sticky) >>> 0;
      x1 = ((x2 << l) | (x1 >>> d)) >>> 0;
      x2 = ((x3 << l) | (x2 >>> d)) >>> 0;
      x3 = x3 >>> d;
    }
  }
  let w3: number;
  let w2: number;
  let w1: number;
  let w0: number;
  let exp = ea;
  if (sa === sb) {
    w0 = x0;
    w1 = x1;
    w2 = al + x2;
    let c = 0;
    if (w2 >= TWO32) {
      w2 -= TWO32;
      c = 1;
    }
    w3 = ah + x3 + c;
    if (w3 >= TWO32) {
      // Carry out: shift the window right by one, the bit leaving w0 kept sticky.
      const low3 = w3 - TWO32;
      w0 = ((w0 >>> 1) | (w1 << 31) | (w0 & 1)) >>> 0;
      w1 = ((w1 >>> 1) | (w2 << 31)) >>> 0;
      w2 = ((w2 >>> 1) | (low3 << 31)) >>> 0;
      w3 = (J_HI | (low3 >>> 1)) >>> 0;
      exp += 1;
    }
  } else {
    let t = -x0;
    let br = 0;
    if (t < 0) {
      t += TWO32;
      br = 1;
    }
    w0 = t;
    t = -x1 - br;
    br = 0;
    if (t < 0) {
      t += TWO32;
      br = 1;
    }
    w1 = t;
    t = al - x2 - br;
    br = 0;
    if (t < 0) {
      t += TWO32;
      br = 1;
    }
    w2 = t;
    w3 = ah - x3 - br;
    if (w3 === 0 && w2 === 0 && w1 === 0 && w0 === 0) {
      // An exact zero difference: +0, or -0 when rounding down (SDM vol.1 §4.8.3.2).
      out(((cw >> 10) & 3) === Rc.Down ? 1 : 0, 0, 0, 0);
      return 0;
    }
    // Normalise: whole words, then bits (a cancellation of more than one bit only happens
    // for d ≤ 1, where the window is exact).
    while (w3 === 0) {
      w3 = w2;
      w2 = w1;
      w1 = w0;
      w0 = 0;
      exp -= 32;
    }
    const z = Math.clz32(w3);
    if (z !== 0) {
      const r = 32 - z;
      w3 = ((w3 << z) | (w2 >>> r)) >>> 0;
      w2 = ((w2 << z) | (w1 >>> r)) >>> 0;
      w1 = ((w1 << z) | (w0 >>> r)) >>> 0;
      w0 = (w0 << z) >>> 0;
      exp -= z;
    }
  }
  if ((cw & 0x0f00) === 0x0300) return roundNearest64(sa, exp, w3 | 0, w2 | 0, w1 | 0, w0 | 0);
  return roundNormal(sa, exp, w3 | 0, w2 | 0, w1 | 0, w0 | 0, cw);
}

/** a × b for normal a and b (FMUL): the exact 128-bit product from 16-bit pieces. */
export function mulNormal(a: F80, b: F80, cw: number): Result | null {
  return asResult(mulWords(a.sign, a.exp, a.hi | 0, a.lo | 0, b.sign, b.exp, b.hi | 0, b.lo | 0, cw));
}

/** {@link mulNormal} on the operands' words, into {@link fastOut}: the status bits, or FAST_NONE. */
export function mulWords(sa: number, ea: number, ah: number, al: number, sb: number, eb: number, bh: number, bl: number, cw: number): number {
  ah >>>= 0;
  al >>>= 0;
  bh >>>= 0;
  bl >>>= 0;
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const b2 = bh & 0xffff;
  const b3 = bh >>> 16;
  // Column sums are below 2^35 and every carry below 2^19: exact in a double.
  let t = a0 * b0;
  let c = Math.floor(t * INV_2_16);
  const l0 = t - c * 65536;
  t = c + a0 * b1 + a1 * b0;
  c = Math.floor(t * INV_2_16);
  const l1 = t - c * 65536;
  t = c + a0 * b2 + a1 * b1 + a2 * b0;
  c = Math.floor(t * INV_2_16);
  const l2 = t - c * 65536;
  t = c + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  c = Math.floor(t * INV_2_16);
  const l3 = t - c * 65536;
  t = c + a1 * b3 + a2 * b2 + a3 * b1;
  c = Math.floor(t * INV_2_16);
  const l4 = t - c * 65536;
  t = c + a2 * b3 + a3 * b2;
  c = Math.floor(t * INV_2_16);
  const l5 = t - c * 65536;
  t = c + a3 * b3;
  c = Math.floor(t * INV_2_16);
  const l6 = t - c * 65536;
  let w3 = c * 65536 + l6;
  let w2 = l5 * 65536 + l4;
  let w1 = l3 * 65536 + l2;
  let w0 = l1 * 65536 + l0;
  // Both significands are in [2^63, 2^64): the product's leading bit is bit 127 or 126.
  let exp = ea + eb - BIAS;
  if (w3 >= J_HI) exp += 1;
  else {
    w3 = ((w3 << 1) | (w2 >>> 31)) >>> 0;
    w2 = ((w2 << 1) | (w1 >>> 31)) >>> 0;
    w1 = ((w1 << 1) | (w0 >>> 31)) >>> 0;
    w0 = (w0 << 1) >>> 0;
  }
  if ((cw & 0x0f00) === 0x0300) return roundNearest64(sa ^ sb, exp, w3 | 0, w2 | 0, w1 | 0, w0 | 0);
  return roundNormal(sa ^ sb, exp, w3 | 0, w2 | 0, w1 | 0, w0 | 0, cw);
}

/** The order of normal a and b: -1, 0 or 1 (FCOM/FUCOM/FCOMI on two normal operands). */
export function compareNormal(a: F80, b: F80): number {
  return compareWords(a.sign, a.exp, a.hi | 0, a.lo | 0, b.sign, b.exp, b.hi | 0, b.lo | 0);
}

/** {@link compareNormal} on the operands' words. */
export function compareWords(sa: number, ea: number, ah: number, al: number, sb: number, eb: number, bh: number, bl: number): number {
  ah >>>= 0;
  al >>>= 0;
  bh >>>= 0;
  bl >>>= 0;
  if (sa !== sb) return sa ? -1 : 1;
  let m: number;
  if (ea !== eb) m = ea > eb ? 1 : -1;
  else if (ah !== bh) m = ah > bh ? 1 : -1;
  else if (al !== bl) m = al > bl ? 1 : -1;
  else return 0;
  return sa ? -m : m;
}
