/**
 * The common memory operands widened to 80 bits on 32-bit words, without BigInt: a normal
 * m32/m64 real (biased exponent 1..FE / 1..7FE, SDM vol.1 §4.2.2) and a non-zero m16/m32
 * integer. Each writes sign, biased exponent and significand halves into fastOut (as
 * fast-normal.ts's arithmetic does) and returns true; anything else (zero, denormal, ∞, NaN)
 * returns false and the exact path (convert.ts's widenIeee, fromInt) decides. A normal single
 * or double is exactly representable in the extended format, so widening is a re-biasing of
 * the exponent and a shift of the fraction under the explicit J bit.
 */
import { BIAS } from "./float80.js";
import { fastOut } from "./fast-normal.js";

/** An m64 real from its low and high dwords (as read from memory, any signedness). */
export function widenDoubleWords(lo: number, hi: number): boolean {
  const be = (hi >>> 20) & 0x7ff;
  if (be === 0 || be === 0x7ff) return false;
  fastOut[0] = hi >>> 31;
  fastOut[1] = be - 1023 + BIAS;
  fastOut[2] = 0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21);
  fastOut[3] = lo << 11;
  return true;
}

/** An m32 real from its dword. */
export function widenSingleWord(v: number): boolean {
  const be = (v >>> 23) & 0xff;
  if (be === 0 || be === 0xff) return false;
  fastOut[0] = v >>> 31;
  fastOut[1] = be - 127 + BIAS;
  fastOut[2] = 0x80000000 | ((v & 0x7fffff) << 8);
  fastOut[3] = 0;
  return true;
}

/** A signed integer (an m16int sign-extended, or an m32int): exact, normalised. */
export function widenIntWord(v: number): boolean {
  v |= 0;
  if (v === 0) return false;
  const a = v < 0 ? -v >>> 0 : v;
  const z = Math.clz32(a);
  fastOut[0] = v < 0 ? 1 : 0;
  fastOut[1] = BIAS + 31 - z;
  fastOut[2] = a << z;
  fastOut[3] = 0;
  return true;
}
