import { describe, expect, it } from "vitest";
import { decode } from "../../src/decode/decoder.js";
import { Insn } from "../../src/decode/insn.js";
import { undefinedOpcode } from "../../src/exec/system.js";
import { fpuEscape } from "../../src/exec/fpu.js";
import { F80 } from "../../src/fpu/float80.js";
import * as arith from "../../src/fpu/arith.js";
import * as ieee from "../../src/fpu/convert.js";
import { CODE, machine, rd32, runToHalt } from "../harness.js";

/**
 * The pre-decoded x87 register-form handlers (exec/x87-register-forms.ts) against the general
 * escape handler they stand in for (exec/fpu.ts's fpuEscape): every form that gets one, on
 * seeded random register files of every operand class (normals near the overflow and
 * underflow thresholds among them, so the fast arithmetic hands over), random tags, TOP,
 * control words (every PC and RC, PE unmasked), pending exceptions and CR0.TS/EM/NE. The two
 * must leave the same x87 state, AX and fault — this is what "falls back before changing
 * anything" claims.
 */

/** A tiny seeded generator (xorshift32), so a failure names its case. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function value(r: () => number): F80 {
  const sign = r() & 1;
  const hi = r() >>> 0;
  const lo = r() >>> 0;
  switch (r() % 12) {
    case 0:
      return new F80(sign, 0, 0, 0); // zero
    case 1:
      return new F80(sign, 0, hi & 0x7fffffff, lo); // denormal
    case 2:
      return new F80(sign, 0x7fff, 0x80000000, 0); // infinity
    case 3:
      return new F80(sign, 0x7fff, (hi | 0x80000000) >>> 0, lo); // NaN (quiet or signalling)
    case 4:
      return new F80(sign, 1 + (r() % 0x7ffe), hi & 0x7fffffff, lo); // unnormal
    case 5:
      return new F80(sign, 1 + (r() % 3), (hi | 0x80000000) >>> 0, lo); // near underflow
    case 6:
      return new F80(sign, 0x7ffe - (r() % 3), (hi | 0x80000000) >>> 0, lo); // near overflow
    case 7:
      return new F80(sign, 0x3fff, 0x80000000, r() & 1 ? 0 : lo & 0xfff); // short significands
    default:
      return new F80(sign, 0x3fff + ((r() % 140) - 70), (hi | 0x80000000) >>> 0, r() & 1 ? lo : (lo & 0xfffff800) >>> 0);
  }
}

/** The register forms that get a pre-decoded handler, as (escape byte, ModRM) pairs. */
function fastForms(): [number, number][] {
  const forms: [number, number][] = [];
  const add = (op: number, from: number, to: number) => {
    for (let m = from; m <= to; m++) forms.push([op, m]);
  };
  add(0xd8, 0xc0, 0xef); // FADD FMUL FCOM FCOMP FSUB FSUBR ST(0), ST(i)
  add(0xd9, 0xc0, 0xcf); // FLD, FXCH
  add(0xdc, 0xc0, 0xcf); // FADD FMUL ST(i), ST(0)
  add(0xdc, 0xe0, 0xef); // FSUBR FSUB ST(i), ST(0)
  add(0xde, 0xc0, 0xcf); // FADDP FMULP
  add(0xde, 0xe0, 0xef); // FSUBRP FSUBP
  add(0xdd, 0xd0, 0xdf); // FST FSTP ST(i)
  add(0xde, 0xd9, 0xd9); // FCOMPP
  add(0xdf, 0xe0, 0xe0); // FNSTSW AX
  return forms;
}

interface Outcome {
  fpu: unknown;
  ax: number;
  fault: number | null;
}

describe("x87 pre-decoded register forms", () => {
  it("each listed form is decoded to its own handler", () => {
    for (const [op, modrm] of fastForms()) {
      const insn = decode((k) => [op, modrm][k] ?? 0x90, true, new Insn(undefinedOpcode));
      expect(insn.handler, `${op.toString(16)} ${modrm.toString(16)}`).not.toBe(fpuEscape);
    }
  });

  it("leave the same state, AX and fault as the general escape handler on random states", () => {
    const m = machine([0xf4]);
    const cpu = m.cpu;
    const f = cpu.fpu;
    const r = rng(20261207);
    const forms = fastForms();
    let fast = 0;
    const CASES = 40_000;
    for (let n = 0; n < CASES; n++) {
      const [op, modrm] = forms[r() % forms.length]!;
      const insn = decode((k) => [op, modrm][k] ?? 0x90, true, new Insn(undefinedOpcode));
      // The state: registers, tags (mostly in use), TOP, CW (every PC/RC; sometimes PE or
      // others unmasked), a pending exception now and then, CR0.TS/EM/NE.
      f.init();
      for (let p = 0; p < 8; p++) f.setReg(p, value(r));
      f.empty = r() % 4 === 0 ? r() & 0xff : 0;
      f.top = r() & 7;
      f.cw = r() % 3 === 0 ? (0x1040 | (r() & 0x0f3f)) : 0x037f | (r() & 0x0f00);
      f.sw = r() % 8 === 0 ? r() & 0x47ff : 0;
      f.updatePending();
      cpu.cr0 = (0x60000011 | (r() % 10 === 0 ? 0x8 : 0) | (r() % 20 === 0 ? 0x4 : 0) | (r() & 1 ? 0x20 : 0)) >>> 0;
      cpu.setReg32(0, r());
      const start = f.save();
      const ax0 = cpu.getReg32(0);
      const run = (h: (c: typeof cpu, i: Insn) => void): Outcome => {
        f.restore(start);
        cpu.setReg32(0, ax0);
        cpu.eip = CODE + insn.len;
        let fault: number | null = null;
        try {
          h(cpu, insn);
        } catch (e) {
          fault = (e as { vector: number }).vector;
        }
        return { fpu: f.save(), ax: cpu.getReg32(0), fault };
      };
      const general = run(fpuEscape);
      const predecoded = run(insn.handler);
      expect(predecoded, `case ${n}: ${op.toString(16)} ${modrm.toString(16)} from ${JSON.stringify(start)}`).toEqual(general);
      if (general.fault === null) fast++;
    }
    // Most cases ran to completion (not a suite of faults).
    expect(fast).toBeGreaterThan(CASES / 2);
  });

  it("FIP is the instruction's own offset when it runs again from the decode cache", () => {
    // fninit; fld1; mov ecx, 2; L: fadd st0, st0; dec ecx; jnz L; fnstenv [0x3000]; hlt
    const code = [0xdb, 0xe3, 0xd9, 0xe8, 0xb9, 2, 0, 0, 0, 0xd8, 0xc0, 0x49, 0x75, 0xfb, 0xd9, 0x35, 0x00, 0x30, 0, 0, 0xf4];
    const m = machine(code);
    runToHalt(m.cpu);
    expect(rd32(m, 0x3000 + 12)).toBe(CODE + 9); // FIP: the FADD
    expect(rd32(m, 0x3000 + 16) >>> 16).toBe(0x0c0); // FOP: D8 C0 (bits 10-8 the escape's low 3)
  });
});

describe("x87 memory operands read on words", () => {
  /** A random m32/m64 real's bits of every class, or a random integer. */
  function operandBits(r: () => number, width: 16 | 32 | 64): bigint {
    const word = () => BigInt(r() >>> 0);
    if (width === 16) return BigInt(r() & 0xffff);
    const bits = width === 64 ? (word() << 32n) | word() : word();
    switch (r() % 6) {
      case 0: // exponent all zeros (zero or denormal)
        return width === 64 ? bits & ~(0x7ffn << 52n) : bits & ~(0xffn << 23n);
      case 1: // exponent all ones (infinity or NaN)
        return width === 64 ? bits | (0x7ffn << 52n) : bits | (0xffn << 23n);
      default:
        return bits;
    }
  }

  it("D8/DA/DC/DE arithmetic (FDIV/FDIVR too) and FLD/FILD give what the exact functions give for the same operand", () => {
    const r = rng(87087);
    const m = machine([0xf4]);
    const cpu = m.cpu;
    const f = cpu.fpu;
    const ADDR = 0x3000;
    // escape byte, operand width, and how the exact path widens the operand.
    const sources = [
      { esc: 0xd8, width: 32, widen: (b: bigint) => ieee.widenIeee(b, 32) },
      { esc: 0xdc, width: 64, widen: (b: bigint) => ieee.widenIeee(b, 64) },
      { esc: 0xda, width: 32, widen: (b: bigint) => ({ value: ieee.fromInt(b, 32), denormal: false }) },
      { esc: 0xde, width: 16, widen: (b: bigint) => ({ value: ieee.fromInt(b, 16), denormal: false }) },
    ] as const;
    const OPS = [
      (a: F80, b: F80, cw: number, de: boolean) => arith.fadd(a, b, cw, de),
      (a: F80, b: F80, cw: number, de: boolean) => arith.fmul(a, b, cw, de),
      null,
      null,
      (a: F80, b: F80, cw: number, de: boolean) => arith.fsub(a, b, cw, de),
      (a: F80, b: F80, cw: number, de: boolean) => arith.fsub(b, a, cw, de),
      (a: F80, b: F80, cw: number, de: boolean) => arith.fdiv(a, b, cw, de),
      (a: F80, b: F80, cw: number, de: boolean) => arith.fdiv(b, a, cw, de),
    ];
    for (let n = 0; n < 20_000; n++) {
      const src = sources[r() % sources.length]!;
      const reg = [0, 1, 4, 5, 6, 7][r() % 6]!;
      const bits = operandBits(r, src.width);
      for (let k = 0; k < src.width / 8; k++) m.ram[ADDR + k] = Number((bits >> BigInt(8 * k)) & 0xffn);
      const insn = decode((k) => [src.esc, (reg << 3) | 5, 0x00, 0x30, 0, 0][k] ?? 0x90, true, new Insn(undefinedOpcode));
      f.init();
      const a = value(r);
      f.cw = 0x037f | (r() & 0x0f00) | (r() % 4 === 0 ? 0x20 : 0) ^ (r() % 4 === 0 ? 0x20 : 0);
      f.push(a);
      cpu.cr0 = 0x60000031;
      cpu.eip = CODE + insn.len;
      insn.handler(cpu, insn);
      const w = src.widen(bits);
      const want = OPS[reg]!(a, w.value, f.cw, w.denormal);
      const what = `case ${n}: ${src.esc.toString(16)} /${reg} ${bits.toString(16)} on ${JSON.stringify(a)} cw ${f.cw.toString(16)}`;
      expect(f.st(0), what).toEqual(want.value ?? a);
      expect(f.status() & 0x023f, what).toBe(want.sw & 0x023f);
    }
  });

  it("FLD m32/m64 and FILD m32 give what fromIeee/fromInt give", () => {
    const r = rng(4242);
    const m = machine([0xf4]);
    const cpu = m.cpu;
    const f = cpu.fpu;
    const forms = [
      { op: 0xd9, width: 32 as const, load: (b: bigint, cw: number) => ieee.fromIeee(b, 32, cw) },
      { op: 0xdd, width: 64 as const, load: (b: bigint, cw: number) => ieee.fromIeee(b, 64, cw) },
      { op: 0xdb, width: 32 as const, load: (b: bigint) => ({ value: ieee.fromInt(b, 32), sw: 0 }) },
    ];
    for (let n = 0; n < 10_000; n++) {
      const form = forms[r() % forms.length]!;
      const bits = operandBits(r, form.width);
      for (let k = 0; k < form.width / 8; k++) m.ram[0x3000 + k] = Number((bits >> BigInt(8 * k)) & 0xffn);
      const insn = decode((k) => [form.op, 0x05, 0x00, 0x30, 0, 0][k] ?? 0x90, true, new Insn(undefinedOpcode));
      f.init();
      const overflow = r() % 8 === 0;
      if (overflow) f.empty = 0x7f; // ST(7) in use: a stack overflow
      cpu.cr0 = 0x60000031;
      cpu.eip = CODE + insn.len;
      insn.handler(cpu, insn);
      const want = form.load(bits, f.cw);
      const what = `case ${n}: ${form.op.toString(16)} /0 ${bits.toString(16)}`;
      if (overflow) {
        expect(f.status() & 0x0241, what).toBe(0x0241); // IE, SF, C1 = 1: overflow; nothing pushed
        continue;
      }
      expect(f.st(0), what).toEqual(want.value);
      expect(f.status() & 0x023f, what).toBe(want.sw & 0x023f);
    }
  });
});
