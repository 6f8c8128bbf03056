/**
 * x87 differential cases: a seeded random generator over every exponent range and encoding
 * class, and a fixed edge set (zeros, denormals, pseudo-denormals, extreme normals, infinities,
 * NaNs, unsupported encodings, halfway cases of each precision, integer and BCD boundaries),
 * under all 3 precisions × 4 rounding modes, with masked and unmasked exceptions.
 */
import { Prng } from "../diff/prng.js";
import { Case, LOADS, memForm, Op, TWO_OPERANDS } from "./model.js";

const SIG = (1n << 64n) - 1n;
const J = 1n << 63n;

export function hex80(sign: number, exp: number, sig: bigint): string {
  return ((BigInt(sign) << 79n) | (BigInt(exp) << 64n) | (sig & SIG)).toString(16).padStart(20, "0");
}

export function u64(r: Prng): bigint {
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

/** A significand with structure: random, runs of ones/zeros, few bits, halfway patterns. */
export function significand(r: Prng): bigint {
  switch (r.below(6)) {
    case 0:
    case 1:
      return u64(r);
    case 2: {
      // Runs: a block of ones somewhere (catches carries and sticky bits).
      const lo = r.below(64);
      const hi = lo + r.below(64 - lo) + 1;
      return ((1n << BigInt(hi)) - 1n) ^ ((1n << BigInt(lo)) - 1n);
    }
    case 3: {
      // A few bits.
      let s = 0n;
      for (let i = r.below(4); i >= 0; i--) s |= 1n << BigInt(r.below(64));
      return s;
    }
    case 4: {
      // Halfway and near-halfway at a precision's rounding position (24, 53, 64 bits).
      const p = r.pick([24, 53, 64, 25, 54]);
      const pos = 64 - p; // lowest kept bit
      let s = u64(r) & ~((1n << BigInt(pos)) - 1n);
      if (pos > 0) {
        s |= 1n << BigInt(pos - 1);
        if (r.chance(0.5) && pos > 1) s |= BigInt(r.below(1 << Math.min(pos - 1, 30)));
        if (r.chance(0.3) && pos > 1) s -= 1n;
      }
      return s;
    }
    default:
      return (u64(r) >> BigInt(r.below(64))) | (r.chance(0.5) ? 0n : SIG << BigInt(r.below(64)));
  }
}

/** Any 80-bit value, weighted towards interesting exponent ranges and classes. */
export function random80(r: Prng): string {
  const sign = r.below(2);
  const s = significand(r) & SIG;
  switch (r.below(16)) {
    case 0: // zero / denormal / pseudo-denormal
      return hex80(sign, 0, r.chance(0.15) ? 0n : r.chance(0.2) ? s | J : s & ~J);
    case 1: // infinities, NaNs, pseudo-NaNs
      return hex80(sign, 0x7fff, r.chance(0.3) ? J : r.chance(0.1) ? s & ~J : s | J);
    case 2: // unnormal
      return hex80(sign, 1 + r.below(0x7ffe), s & ~J);
    case 3: // near the bottom of the range
      return hex80(sign, 1 + r.below(80), s | J);
    case 4: // near the top of the range
      return hex80(sign, 0x7ffe - r.below(80), s | J);
    case 5:
    case 6: // anywhere
      return hex80(sign, 1 + r.below(0x7ffe), s | J);
    default: // around 1.0 (integers, interactions between operands)
      return hex80(sign, 0x3fff - 70 + r.below(140), s | J);
  }
}

/** A second operand, often related to the first (same exponent, near-equal, small integer). */
function second(r: Prng, a: string, op: Op): string {
  const x = BigInt("0x" + a);
  const exp = Number((x >> 64n) & 0x7fffn);
  const sig = x & SIG;
  switch (r.below(op === "scale" ? 3 : 5)) {
    case 0:
      return random80(r);
    case 1: {
      // FSCALE's scale factor, FPREM's nearby divisor: a small exponent distance.
      if (op === "scale") return hex80(r.below(2), 0x3fff + r.below(16), significand(r) | J);
      const e = Math.min(0x7ffe, Math.max(1, exp + r.range(-70, 70)));
      return hex80(r.below(2), e, significand(r) | J);
    }
    case 2: {
      if (op === "scale") return random80(r);
      // Near-cancellation: same exponent, significand differing in the low bits.
      const delta = BigInt(r.u32() >>> r.below(32));
      return hex80(r.below(2), exp, (sig ^ delta) & SIG);
    }
    case 3:
      return hex80(r.below(2), exp === 0 ? 0 : Math.max(1, Math.min(0x7ffe, exp + r.range(-2, 2))), significand(r) | (exp ? J : 0n));
    default:
      return random80(r);
  }
}

/** A value near an integer boundary (conversions, FRNDINT, FBSTP). */
function nearInteger(r: Prng): string {
  const bound = r.pick([0n, 1n, 2n, 1n << 15n, 1n << 16n, 1n << 31n, 1n << 32n, 1n << 63n, 1n << 64n, 10n ** 18n, BigInt(r.u32())]);
  // bound ± (small integer) ± (a fraction: 0, 1/2, or random).
  const frac = r.pick([0n, 1n << 62n, BigInt(r.u32()) << 31n, (1n << 63n) - 1n]);
  let v = (bound + BigInt(r.range(-3, 3))) * (1n << 64n) + (r.chance(0.5) ? frac : -frac);
  const sign = v < 0n ? 1 : r.below(2);
  if (v < 0n) v = -v;
  if (v === 0n) return hex80(sign, 0, 0n);
  const n = v.toString(2).length;
  const sig = n > 64 ? v >> BigInt(n - 64) : v << BigInt(64 - n);
  return hex80(sign, 0x3fff + n - 1 - 64, sig);
}

export function controlWord(r: Prng): number {
  const pc = r.pick([0, 2, 3]);
  const rc = r.below(4);
  const masks = r.chance(0.8) ? 0x3f : r.below(64);
  return 0x40 | masks | (pc << 8) | (rc << 10);
}

function memoryOperand(r: Prng, op: Op): string {
  switch (op) {
    case "fld32": {
      const sign = r.below(2);
      const e = r.pick([0, 0xff, 1, 0xfe, r.below(256), r.below(256)]);
      return (((sign << 31) | (e << 23) | ((r.u32() >>> r.below(32)) & 0x7fffff)) >>> 0).toString(16).padStart(8, "0");
    }
    case "fld64": {
      const sign = BigInt(r.below(2));
      const e = BigInt(r.pick([0, 0x7ff, 1, 0x7fe, r.below(2048), r.below(2048)]));
      const f = (u64(r) >> BigInt(r.below(64))) & ((1n << 52n) - 1n);
      return ((sign << 63n) | (e << 52n) | f).toString(16).padStart(16, "0");
    }
    case "fild16":
      return (r.u32() & 0xffff).toString(16);
    case "fild32":
      return r.u32().toString(16);
    case "fild64":
      return (u64(r) >> BigInt(r.below(64))).toString(16);
    default: {
      // fbld: valid digits only (invalid ones are undefined per the SDM).
      let d = 0n;
      const n = r.below(19);
      for (let i = 0; i < n; i++) d = (d << 4n) | BigInt(r.below(10));
      return ((BigInt(r.below(2)) << 79n) | d).toString(16);
    }
  }
}

const INT_OPS = new Set<Op>(["fist16", "fist32", "fist64", "fistt16", "fistt32", "fistt64", "fbstp", "rndint"]);

const MEM_SOURCE = { real32: "fld32", real64: "fld64", int16: "fild16", int32: "fild32" } as const;
function memSource(op: Op): Op | null {
  const m = memForm(op);
  return m ? MEM_SOURCE[`${m.kind}${m.width}` as keyof typeof MEM_SOURCE] : null;
}

export function randomCase(r: Prng, op: Op): Case {
  const cw = controlWord(r);
  const src = memSource(op);
  if (src) return { op, cw, a: random80(r), b: memoryOperand(r, src) };
  if (LOADS.has(op)) return { op, cw, a: memoryOperand(r, op), b: "0" };
  const a = INT_OPS.has(op) && r.chance(0.5) ? nearInteger(r) : random80(r);
  const b = TWO_OPERANDS.has(op) ? second(r, a, op) : "0";
  return { op, cw, a, b };
}

/** The edge values (80-bit images). */
export const EDGES: string[] = (() => {
  const v: string[] = [];
  for (const sign of [0, 1]) {
    v.push(
      hex80(sign, 0, 0n), // zero
      hex80(sign, 0, 1n), // smallest denormal
      hex80(sign, 0, J - 1n), // largest denormal
      hex80(sign, 0, J), // pseudo-denormal (= smallest normal's value)
      hex80(sign, 0, J | 1n),
      hex80(sign, 1, J), // smallest normal
      hex80(sign, 1, SIG),
      hex80(sign, 0x7ffe, SIG), // largest normal
      hex80(sign, 0x7ffe, J),
      hex80(sign, 0x7fff, J), // infinity
      hex80(sign, 0x7fff, J | (1n << 62n)), // QNaN (indefinite when negative)
      hex80(sign, 0x7fff, J | (1n << 62n) | 1n),
      hex80(sign, 0x7fff, J | 1n), // SNaN
      hex80(sign, 0x7fff, J | (1n << 61n)),
      hex80(sign, 0x7fff, 0n), // pseudo-infinity
      hex80(sign, 0x7fff, 1n << 62n), // pseudo-NaN
      hex80(sign, 0x3fff, 0n), // unnormal (zero significand)
      hex80(sign, 0x3fff, 1n << 62n), // unnormal
      hex80(sign, 0x3fff, J), // 1
      hex80(sign, 0x3fff, J | (1n << 62n)), // 1.5
      hex80(sign, 0x4000, J), // 2
      hex80(sign, 0x3ffe, J), // 0.5
      hex80(sign, 0x3fff, J | (1n << 39n)), // 1 + 2^-24: halfway at PC=24
      hex80(sign, 0x3fff, J | (1n << 10n)), // 1 + 2^-53: halfway at PC=53
      hex80(sign, 0x3fff, J | (3n << 39n)), // above halfway at 24 bits... 1 + 3·2^-24
      hex80(sign, 0x3fff, J | 1n), // 1 + 2^-63
      hex80(sign, 0x3fff, SIG), // 2 - 2^-63
      hex80(sign, 0x3ffe, SIG), // 1 - 2^-64
      hex80(sign, 0x400d, J | (1n << 62n)), // 0x6000 ≈ 2^14·1.5
      hex80(sign, 0x400e, J), // 2^15
      hex80(sign, 0x400e, J | (1n << 48n)), // 2^15 + 1
      hex80(sign, 0x401e, J), // 2^31
      hex80(sign, 0x401d, SIG), // just below 2^31
      hex80(sign, 0x403e, J), // 2^63
      hex80(sign, 0x403d, SIG), // 2^63 - 1/2
      hex80(sign, 0x403a, 0xde0b6b3a76400000n), // 10^18
      hex80(sign, 0x4039, 0xde0b6b3a763ffff0n << 0n), // just below 10^18
      hex80(sign, 0x3c01, J), // 2^-1022: double's smallest normal
      hex80(sign, 0x3bcd, J), // 2^-1074: double's smallest denormal
      hex80(sign, 0x3f81, J), // 2^-126
      hex80(sign, 0x3f6a, J), // 2^-149
      hex80(sign, 0x43fe, SIG), // above double's max
      hex80(sign, 0x407e, SIG), // above single's max
      hex80(sign, 0x407e, 0xffffff0000000000n), // single's max
    );
  }
  return v;
})();

const CW_EDGE: number[] = [];
for (const pc of [0, 2, 3]) for (const rc of [0, 1, 2, 3]) for (const m of [0x3f, 0x00]) CW_EDGE.push(0x40 | m | (pc << 8) | (rc << 10));

const EDGE_MEM: Record<string, string[]> = {
  fld32: ["00000000", "00000001", "007fffff", "00800000", "3f800000", "3f800001", "3fc00000", "7f7fffff", "7f800000", "7f800001", "7fc00000", "7fc00001", "7fbfffff"].flatMap((x) => [x, ((parseInt(x, 16) | 0x80000000) >>> 0).toString(16)]),
  fld64: ["0", "1", "000fffffffffffff", "0010000000000000", "3ff0000000000000", "3ff0000000000001", "7fefffffffffffff", "7ff0000000000000", "7ff0000000000001", "7ff8000000000000", "7ff8000000000001", "7ff7ffffffffffff"].flatMap((x) => [x.padStart(16, "0"), (BigInt("0x" + x) | (1n << 63n)).toString(16)]),
  fild16: ["0", "1", "ffff", "7fff", "8000", "3", "fffd"],
  fild32: ["0", "1", "ffffffff", "7fffffff", "80000000", "3", "fffffffd", "1000001", "ff000001"],
};

/** The edge set of one operation: every edge (pair) under every precision, rounding and mask. */
export function edgeCases(op: Op): Case[] {
  const out: Case[] = [];
  const src = memSource(op);
  if (src) {
    for (const cw of CW_EDGE) for (const a of EDGES) for (const b of EDGE_MEM[src]!) out.push({ op, cw, a, b });
    return out;
  }
  if (LOADS.has(op)) {
    for (const cw of CW_EDGE) for (const a of EDGE_MEM[op] ?? []) out.push({ op, cw, a, b: "0" });
    return out;
  }
  for (const cw of CW_EDGE)
    for (const a of EDGES) {
      if (TWO_OPERANDS.has(op)) for (const b of EDGES) out.push({ op, cw, a, b });
      else out.push({ op, cw, a, b: "0" });
    }
  return out;
}
