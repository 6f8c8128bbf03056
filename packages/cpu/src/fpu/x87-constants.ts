/**
 * The x87's internal constants, as far as they show in its results (measured on the host's
 * x87 with test/fpu/host-x87.c: for each, the constant below makes the exact function round
 * to the host's result more often than the true constant or any other truncation does).
 *
 * - pi: SDM vol.1 §8.3.8 documents it — 0.f × 2^2 with f = C90FDAA2 2168C234 C, 66 bits.
 *   The trigonometric reduction uses it (trig-reduction.ts), and so do FPATAN's quadrant
 *   offsets (pi/2 - θ, pi - θ): 98.0% of random FPATAN cases agree with pi66 offsets, 97.3%
 *   with the true pi.
 * - ln 2 (F2XM1): 2^x - 1 is e^(x × ln2_66) - 1, ln 2 truncated to 66 bits like pi: 94%
 *   agreement against 90% for the true 2^x - 1; below 2^-68 the result is exactly
 *   x × ln2_66 rounded once (100% of the cases, C1 included).
 * - log2 e (FYL2XP1): log2(1 + x) is best matched by ln(1 + x) × log2e truncated to 68 bits,
 *   the product truncated to 67 bits (94% agreement, against 86.6% for the true log2; no
 *   model found matches it all). FYL2X is an exact log2 x truncated to 67 bits instead
 *   (transcendental.ts).
 *
 * Each is a BigInt scaled so that its lowest bit is 2^-lsb: value = C × 2^-lsb.
 */
export interface Constant {
  c: bigint;
  lsb: number;
}

/** pi × 2^66, truncated (68 bits, the two low ones 0: 66 significant bits). */
export const PI66: Constant = { c: 0xc90fdaa22168c234cn, lsb: 66 };
/** ln 2 × 2^68, truncated (the two low bits are 0: 66 significant bits). */
export const LN2_66: Constant = { c: 0xb17217f7d1cf79abcn, lsb: 68 };
/** log2 e × 2^67, truncated to 68 bits. */
export const LOG2E_68: Constant = { c: 0xb8aa3b295c17f0bbbn, lsb: 67 };
