import { describe, expect, it } from "vitest";
import { f80, lsbExponent, toHex, type F80 } from "../../src/fpu/float80.js";
import { C1, OE, PE, precisionBits, UE } from "../../src/fpu/exceptions.js";
import { fadd, fmul, fsub } from "../../src/fpu/arith.js";
import { addNormal, mulNormal } from "../../src/fpu/fast-normal.js";
import { roundExtended } from "../../src/fpu/rounding.js";

// The fast path (fast-normal.ts) against the exact BigInt rounding (rounding.ts) it stands
// in for, and at the boundaries where it must hand over to that path.
const cwOf = (pc: number, rc: number) => (0x037f & ~0x0f00) | (pc << 8) | (rc << 10);
const CWS = [0, 2, 3].flatMap((pc) => [0, 1, 2, 3].map((rc) => cwOf(pc, rc)));
const show = (r: { value: F80 | null; sw: number } | null) => (r === null ? null : { v: r.value && toHex(r.value), sw: r.sw });

/** The exact path's answer for a ± b (normal, non-cancelling to zero). */
function exactAdd(a: F80, b: F80, bSign: number, cw: number) {
  const ea = lsbExponent(a);
  const eb = lsbExponent(b);
  const e = Math.min(ea, eb);
  const x = (a.sign ? -1n : 1n) * (a.sig << BigInt(ea - e));
  const y = (bSign ? -1n : 1n) * (b.sig << BigInt(eb - e));
  const s = x + y;
  if (s === 0n) return null;
  return roundExtended(s < 0n ? 1 : 0, s < 0n ? -s : s, e, precisionBits(cw), cw);
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
}

describe("x87 normal-operand fast path", () => {
  it("agrees with the exact path on random normal operands in every precision and rounding mode", () => {
    const r = rng(20261203);
    const sig = () => (BigInt(r() | 0x80000000) << 32n) | BigInt(r() & (r() & 1 ? 0xffffffff : 0xfff00000));
    for (let k = 0; k < 20000; k++) {
      const ea = 1000 + (r() % 30000);
      const eb = r() & 1 ? ea - (r() % 80) + 40 : ea - (r() % 3);
      const a = f80(r() & 1, ea, sig());
      const b = f80(r() & 1, Math.max(1, Math.min(0x7ffe, eb)), r() % 4 === 0 ? a.sig : sig());
      const cw = CWS[r() % CWS.length]!;
      const sum = addNormal(a, b, b.sign, cw);
      const want = exactAdd(a, b, b.sign, cw);
      if (want !== null) expect(show(sum)).toEqual(show(want));
      const m = mulNormal(a, b, cw);
      const wm = roundExtended(a.sign ^ b.sign, a.sig * b.sig, lsbExponent(a) + lsbExponent(b), precisionBits(cw), cw);
      if (m !== null) expect(show(m)).toEqual(show(wm));
      else expect(wm.sw & (OE | UE)).not.toBe(0);
    }
  });

  it("rounds exact ties to even and sets C1 only when it rounds up (PC 24, 53, 64)", () => {
    for (const [pc, p] of [[0, 24], [2, 53], [3, 64]] as const) {
      const one = f80(0, 16383, 1n << 63n);
      const tie = f80(0, 16383 - p, 1n << 63n); // half an ulp of 1 at p bits
      expect(show(fadd(one, tie, cwOf(pc, 0)))).toEqual({ v: toHex(one), sw: PE });
      const up = fadd(one, tie, cwOf(pc, 2));
      expect(up.sw).toBe(PE | C1);
      expect(up.value!.sig).toBe((1n << 63n) + (1n << BigInt(64 - p)));
      // 1 + 1 ulp + half an ulp: the tie goes up to the even neighbour.
      const odd = f80(0, 16383, (1n << 63n) + (1n << BigInt(64 - p)));
      const r = fadd(odd, tie, cwOf(pc, 0));
      expect(r.sw).toBe(PE | C1);
      expect(r.value!.sig).toBe((1n << 63n) + (2n << BigInt(64 - p)));
      expect(fadd(odd, tie, cwOf(pc, 3)).sw).toBe(PE);
      expect(fsub(one, tie, cwOf(pc, 1)).value!.exp).toBe(16382);
    }
  });

  it("hands results that overflow or underflow to the exact path", () => {
    const max = f80(0, 0x7ffe, (1n << 64n) - 1n);
    const onePlus = f80(0, 16383, (1n << 63n) + 1n);
    expect(mulNormal(max, onePlus, 0x037f)).toBeNull();
    expect(show(fmul(max, onePlus, 0x037f))).toEqual({ v: "7fff8000000000000000", sw: OE | PE | C1 });
    // Rounding up carries into the exponent past the largest finite number.
    expect(addNormal(max, f80(0, 0x7ffe - 64, 1n << 63n), 0, 0x0b7f)).toBeNull();
    // Just below the smallest normal: a denormal result, UE with PE.
    const min = f80(0, 1, 1n << 63n);
    const half = f80(0, 16382, 1n << 63n);
    expect(mulNormal(min, half, 0x037f)).toBeNull();
    const d = fmul(min, half, 0x037f);
    expect(toHex(d.value!)).toBe("00004000000000000000");
    expect(d.sw).toBe(0); // exact: no underflow flag when masked and exact
    expect(fmul(min, f80(0, 16382, (1n << 63n) + 1n), 0x037f).sw & UE).toBe(UE);
    // A difference that cancels below the normal range.
    const a = f80(0, 1, (1n << 63n) + 1n);
    expect(addNormal(a, min, 1, 0x037f)).toBeNull();
    expect(toHex(fsub(a, min, 0x037f).value!)).toBe("00000000000000000001");
  });

  it("gives +0 for an exact cancellation, -0 when rounding down", () => {
    const x = f80(1, 16390, 0xdeadbeefcafef00dn);
    expect(toHex(fsub(x, x, 0x037f).value!)).toBe("00000000000000000000");
    expect(toHex(fsub(x, x, 0x077f).value!)).toBe("80000000000000000000");
  });
});
