/**
 * Differential cases for the transcendental instructions: random operands aimed at each
 * instruction's domain (FSIN's reduction range and its near-multiples of pi/2, F2XM1's
 * [-1, 1], FYL2XP1's |x| < 1 - √2/2, FYL2X's x near 1), a share of any-class operands, and an
 * edge set of the SDM special cases (zeros, denormals, infinities, NaNs, unsupported
 * encodings, the range and domain boundaries) crossed with rounding modes and masks.
 */
import { Prng } from "../diff/prng.js";
import { controlWord, hex80, random80, significand } from "./cases.js";
import { Case, TransOp } from "./model.js";

const J = 1n << 63n;
const SIG = (1n << 64n) - 1n;

/** A normal number with an unbiased exponent in [lo, hi] and a structured significand. */
function normal(r: Prng, lo: number, hi: number, sign = r.below(2)): string {
  return hex80(sign, 0x3fff + r.range(lo, hi), significand(r) | J);
}

/** Close to n × pi/2 for a random n: the reduced argument loses many leading bits. */
function nearMultipleOfHalfPi(r: Prng): string {
  const n = BigInt(1 + r.below(1 << r.range(1, 30)));
  // pi/2 × 2^126 to 128 bits, times n, back to 64 bits (truncated), then nudged.
  const halfPi = 0x6487ed5110b4611a62633145c06e0e68n; // pi × 2^125 → pi/2 × 2^126
  const v = n * halfPi;
  const bits = v.toString(2).length;
  const sig = (v >> BigInt(bits - 64)) + BigInt(r.range(-3, 3));
  return hex80(r.below(2), 0x3fff + bits - 1 - 126, sig | J);
}

function operandFor(r: Prng, op: TransOp): string {
  if (r.chance(0.06)) return random80(r);
  if (r.chance(0.04)) return normal(r, -16382, -64); // tiny (underflow paths)
  switch (op) {
    case "sin":
    case "cos":
    case "sincos":
    case "ptan":
      if (r.chance(0.15)) return nearMultipleOfHalfPi(r);
      return normal(r, -66, 64); // 63 and 64: out of range
    case "f2xm1":
      if (r.chance(0.05)) return normal(r, 0, 3); // outside the domain (undefined)
      return r.chance(0.02) ? hex80(r.below(2), 0x3fff, J) : normal(r, -70, -1);
    case "yl2xp1":
      // |x| < 1 - √2/2 ≈ 0.2929 (0x3ffd 95f6...).
      return r.chance(0.3) ? hex80(r.below(2), 0x3ffd, (significand(r) | J) % 0x95f619980c4336f7n | J) : normal(r, -70, -3);
    case "yl2x":
      if (r.chance(0.2)) return hex80(0, r.pick([0x3fff, 0x3ffe]), r.pick([J, SIG]) ^ BigInt(r.u32() >>> r.below(32)));
      return normal(r, -200, 200, 0);
    default: // patan
      return normal(r, -80, 80);
  }
}

function secondFor(r: Prng, op: TransOp, a: string): string {
  if (op === "patan") {
    if (r.chance(0.3)) {
      // Near the diagonals and axes: |y| close to |x|, or far apart.
      const ea = Number((BigInt("0x" + a) >> 64n) & 0x7fffn);
      const e = r.chance(0.5) ? ea + r.range(-1, 1) : ea + r.range(-100, 100);
      if (e > 0 && e < 0x7fff) return hex80(r.below(2), e, significand(r) | J);
    }
    return r.chance(0.06) ? random80(r) : normal(r, -80, 80);
  }
  return r.chance(0.06) ? random80(r) : normal(r, -40, 40);
}

const TWO = new Set<TransOp>(["patan", "yl2x", "yl2xp1"]);

export function randomTransCase(r: Prng, op: TransOp): Case {
  const cw = controlWord(r);
  const a = operandFor(r, op);
  return { op, cw, a, b: TWO.has(op) ? secondFor(r, op, a) : "0" };
}

/** The special operands of the SDM tables and the range and domain boundaries. */
export const TRANS_EDGES: string[] = [0, 1].flatMap((s) => [
  hex80(s, 0, 0n), // zero
  hex80(s, 0, 1n), // smallest denormal
  hex80(s, 0, J - 1n), // largest denormal
  hex80(s, 0, J), // pseudo-denormal
  hex80(s, 1, J), // smallest normal
  hex80(s, 0x3fff - 100, J | 12345n), // tiny
  hex80(s, 0x3fbf, SIG), // just below 2^-63
  hex80(s, 0x3ffe, J), // 0.5
  hex80(s, 0x3ffd, 0x95f619980c4336f6n), // just below 1 - √2/2 (FYL2XP1's bound)
  hex80(s, 0x3fff, J), // 1
  hex80(s, 0x3fff, J | 1n), // 1 + 2^-63
  hex80(s, 0x3ffe, SIG), // 1 - 2^-64
  hex80(s, 0x4000, J), // 2
  hex80(s, 0x4000, 0xc90fdaa22168c235n), // pi (FLDPI, rounded up)
  hex80(s, 0x3fff, 0xc90fdaa22168c234n), // pi/2 (truncated)
  hex80(s, 0x403d, SIG), // 2^63 - 2^-1: the largest reduced argument
  hex80(s, 0x403e, J), // 2^63: out of range
  hex80(s, 0x403f, J), // 2^64
  hex80(s, 0x7ffe, SIG), // largest normal
  hex80(s, 0x7fff, J), // infinity
  hex80(s, 0x7fff, J | (1n << 62n)), // QNaN
  hex80(s, 0x7fff, J | 1n), // SNaN
  hex80(s, 0x7fff, 0n), // pseudo-infinity
  hex80(s, 0x3fff, 1n << 62n), // unnormal
]);

const CW_TRANS_EDGE = [0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x0340, 0x007f];

/** The edge set of one instruction: every edge (pair) under each control word. */
export function transEdgeCases(op: TransOp): Case[] {
  const out: Case[] = [];
  for (const cw of CW_TRANS_EDGE)
    for (const a of TRANS_EDGES) {
      if (TWO.has(op)) for (const b of TRANS_EDGES) out.push({ op, cw, a, b });
      else out.push({ op, cw, a, b: "0" });
    }
  return out;
}
