import { hex, imm, mask, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { CF, EAX, EDX, OF } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import { pickSize, type Family, type Template } from "../template.js";
import { undefinedFlags } from "../undefined-flags.js";
import { rmOperand } from "./alu.js";
import { aamZero } from "./bcd.js";

const mulFx = (name: "mul" | "imul", regs: number[]) => ({ mnemonic: name, writes: CF | OF, undef: undefinedFlags(name), regs });

const mulOneOp: Template = {
  name: "mul/imul r/m (one operand)",
  gen(b) {
    const size = pickSize(b);
    const signed = b.rng.chance(0.5);
    const rm = rmOperand(b, size, false);
    const field = signed ? 5 : 4;
    const bytes = [...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0xf6 : 0xf7, ...(rm.mem ? rm.mem.encode(field) : [modrm(3, field, rm.reg!)])];
    const name = signed ? "imul" : "mul";
    b.insn(bytes, `${name} ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}`, mulFx(name, size === 8 ? [EAX] : [EAX, EDX]));
  },
};

const imulMulti: Template = {
  name: "imul r, r/m [, imm]",
  gen(b) {
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const dst = b.dstReg(size);
    const rm = rmOperand(b, size, false);
    const form = b.rng.below(3); // 0: 0F AF, 1: 69 imm16/32, 2: 6B imm8
    const pre = [...osPrefix(size), ...(rm.mem?.prefix ?? [])];
    const enc = rm.mem ? rm.mem.encode(dst) : [modrm(3, dst, rm.reg!)];
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    if (form === 0) {
      b.insn([...pre, 0x0f, 0xaf, ...enc], `imul ${regName(dst, size)}, ${rmText}`, mulFx("imul", [dst]));
    } else if (form === 1) {
      const v = b.rng.edge(size);
      b.insn([...pre, 0x69, ...enc, ...imm(v, size)], `imul ${regName(dst, size)}, ${rmText}, ${hex(v)}`, mulFx("imul", [dst]));
    } else {
      const v = b.rng.edge(8);
      b.insn([...pre, 0x6b, ...enc, v], `imul ${regName(dst, size)}, ${rmText}, ${hex(((v << 24) >> 24) & mask(size))}`, mulFx("imul", [dst]));
    }
  },
};

function bigEdge(b: SequenceBuilder, bits: number): bigint {
  const v = BigInt(b.rng.edge(32)) | (bits > 32 ? BigInt(b.rng.edge(32)) << 32n : 0n);
  return v & ((1n << BigInt(bits)) - 1n);
}

/**
 * Picks dividend and divisor for DIV/IDIV. With `fault` false the quotient fits (no #DE);
 * with `fault` true the divisor is 0 or the quotient overflows, which must raise #DE
 * (SDM vol.2 DIV/IDIV: "#DE If the source operand (divisor) is 0. If the quotient is too large").
 */
function pickDivision(b: SequenceBuilder, size: OpSize, signed: boolean, fault: boolean): { dividend: bigint; divisor: bigint } {
  const n = BigInt(size);
  const full = 1n << n;
  const wide = 1n << (2n * n);
  const toSigned = (v: bigint, m: bigint) => (v >= m / 2n ? v - m : v);
  for (;;) {
    let divisor = bigEdge(b, size);
    if (fault && b.rng.chance(0.4)) divisor = 0n;
    if (fault && signed && b.rng.chance(0.03)) {
      // The most negative dividend by -1: the quotient overflows by one (and Unicorn 2.0.1
      // crashes on the 32-bit form; see unicorn-known-issues.ts).
      return { dividend: 1n << (2n * n - 1n), divisor: full - 1n };
    }
    let dividend: bigint;
    if (fault || divisor === 0n) {
      dividend = bigEdge(b, size * 2);
    } else {
      // dividend = q*d + r with q drawn from the quotient range, so most draws do not fault.
      const q = signed ? toSigned(bigEdge(b, size), full) : bigEdge(b, size);
      const d = signed ? toSigned(divisor, full) : divisor;
      const ad = d < 0n ? -d : d;
      let r = bigEdge(b, size) % ad;
      if (signed && b.rng.chance(0.5)) r = -r;
      dividend = (((q * d + r) % wide) + wide) % wide;
    }
    // Does it fault? Exactly the SDM's rule: divisor 0, or the quotient does not fit.
    let faults: boolean;
    if (divisor === 0n) faults = true;
    else if (!signed) faults = dividend / divisor >= full;
    else {
      const q = toSigned(dividend, wide) / toSigned(divisor, full); // BigInt division truncates, like IDIV
      faults = q < -(full / 2n) || q > full / 2n - 1n;
    }
    if (faults === fault) return { dividend, divisor };
  }
}

function divTemplate(fault: boolean): Template {
  return {
    name: fault ? "div/idiv raising #DE" : "div/idiv r/m",
    gen(b) {
      const size = pickSize(b);
      const signed = b.rng.chance(0.5);
      const { dividend, divisor } = pickDivision(b, size, signed, fault);
      const avoid = [EAX, EDX];
      const useMem = b.rng.chance(0.4);
      let rmEnc: (f: number) => number[];
      let rmText: string;
      let pre: number[] = [];
      if (useMem) {
        const m = b.mem({ size: size / 8, avoid, readOnly: true });
        b.fillValue(m.ea, Number(divisor), size / 8);
        rmEnc = (f) => m.encode(f);
        rmText = m.text(size);
        pre = m.prefix;
      } else {
        // 8-bit divisors may not be AL/AH (the dividend is AX); DL is fine for 8-bit.
        const r = size === 8 ? b.rng.pick([1, 2, 3, 5, 6, 7]) : b.rng.pick([1, 3, 5, 6, 7]);
        if (size === 8) b.pin8(r, Number(divisor));
        else if (size === 16) b.pin16(r, Number(divisor));
        else b.pin32(r, Number(divisor));
        rmEnc = (f) => [modrm(3, f, r)];
        rmText = regName(r, size);
      }
      if (size === 8) b.pin16(EAX, Number(dividend));
      else if (size === 16) {
        b.pin16(EAX, Number(dividend & 0xffffn));
        b.pin16(EDX, Number(dividend >> 16n));
      } else {
        b.pin32(EAX, Number(dividend & 0xffffffffn));
        b.pin32(EDX, Number(dividend >> 32n));
      }
      const name = signed ? "idiv" : "div";
      b.insn([...osPrefix(size), ...pre, size === 8 ? 0xf6 : 0xf7, ...rmEnc(signed ? 7 : 6)], `${name} ${rmText}`, {
        mnemonic: name,
        undef: fault ? 0 : undefinedFlags(name),
        regs: size === 8 ? [EAX] : [EAX, EDX],
      });
      if (fault) {
        b.expectVector = 0;
        b.ended = true;
      }
    },
  };
}

/** MUL/IMUL (1, 2 and 3 operands) and DIV/IDIV without #DE. */
export const muldivFamily: Family = { name: "muldiv", description: "MUL, IMUL (all forms), DIV/IDIV (no #DE)", templates: [mulOneOp, imulMulti, divTemplate(false), divTemplate(false)] };

/** DIV/IDIV and AAM 0 that must raise #DE (vector 0, EIP at the faulting instruction). */
export const divideErrorFamily: Family = {
  name: "divide-error",
  description: "DIV/IDIV with a zero divisor or an overflowing quotient, AAM 0: #DE",
  templates: [divTemplate(true), divTemplate(true), divTemplate(true), aamZero],
  maxLength: 2,
};
