import type { Cpu } from "../cpu.js";
import type { Handler, Insn } from "../decode/insn.js";
import { CS } from "../state/registers.js";
import { setReg16 } from "./operand.js";
import { C0, C1, C2, C3, EXC_MASK } from "../fpu/exceptions.js";
import { addWords, compareWords, FAST_NONE, fastOut, mulWords, roundWords } from "../fpu/fast-normal.js";
import { SW_B, SW_ES, type X87State } from "../fpu/x87-state.js";
import { fpuEscape, insnOffset } from "./fpu.js";

/**
 * Pre-decoded handlers for the x87 register forms that floating-point loops are made of
 * (FLD ST(i), FXCH, FST/FSTP ST(i), FADD/FSUB/FSUBR/FMUL between registers with and without
 * pop, FCOM/FCOMP ST(i), FCOMPP, FNSTSW AX). The decoder picks one per (escape, ModRM) once
 * ({@link selectX87}), so running the instruction again decodes nothing; each handler does the
 * common case inline — no #NM condition, no pending exception, operands in use and (for the
 * arithmetic and comparisons) normal or zero, with a normal or zero result — and otherwise
 * calls the general escape handler
 * ({@link fpuEscape}) *before changing any state*, so everything it does not do itself
 * (stack faults, specials, denormals, unmasked-exception reporting, #NM) is decided exactly as
 * before. The arithmetic is fast-normal.ts's, the same the general path runs first; the
 * decode-time choice also puts the hottest of these in the run loop's direct-dispatch switch
 * (decode/hot-handlers.ts).
 *
 * What each fast case writes is what fpu.ts writes for it: FIP/FCS/FOP (these are not control
 * instructions, SDM vol.1 §8.1.8), C1 cleared or "rounded up", PE (with ES and B when PE is
 * unmasked, §8.1.3.1), the register and its tag, TOP.
 */
const CR0_EM = 1 << 2;
const CR0_TS = 1 << 3;

/** The general handler runs unless no #NM condition and no pending exception (§8.6). */
function slow(cpu: Cpu, f: X87State): boolean {
  return (cpu.cr0 & (CR0_EM | CR0_TS)) !== 0 || (f.sw & SW_ES) !== 0;
}

/** The last-instruction pointers of a register form (no data pointer). */
function lastInsn(cpu: Cpu, f: X87State, i: Insn, esc: number): void {
  f.fip = insnOffset(cpu, i);
  f.fcs = cpu.segSel[CS]!;
  f.fop = (esc << 8) | (i.modrm & 0xff);
}

/** An arithmetic result's status bits (PE, C1) into FSW; an unmasked PE makes it pending. */
function arithStatus(f: X87State, s: number): void {
  let sw = (f.sw & ~C1) | s;
  if (s & ~f.cw & EXC_MASK) sw |= SW_ES | SW_B;
  f.sw = sw;
}

/** 1 for a normal register, 0 for a zero (either sign), -1 for any other class. */
function regClass(f: X87State, p: number): number {
  const e = f.ex[p]!;
  if (e === 0) return f.hi[p]! === 0 && f.lo[p]! === 0 ? 0 : -1;
  return e !== 0x7fff && f.hi[p]! < 0 ? 1 : -1; // J is hi's sign bit (x87-state.ts)
}

/**
 * R[x] ∘ R[y] (physical registers) by fpu.ts's ARITH numbering (0 FADD x+y, 1 FMUL, 4 FSUB
 * x-y, 5 FSUBR y-x) into fastOut, or FAST_NONE. Two normal operands: the same fast-normal
 * arithmetic arith.ts tries first. A zero with a normal or zero operand (a loop's first
 * pass starts from z = 0): what arith.ts's exact path gives for it, without exception —
 * FMUL a zero signed by the XOR of the signs (SDM vol.2 FMUL table); FADD/FSUB two zeros
 * +0, or -0 when both are -0 or when rounding down with different signs (vol.1 §4.8.3.2);
 * a zero and a normal value, the normal one rounded once to the precision control (as
 * addFinite does).
 */
function fastOp(f: X87State, op: number, x: number, y: number): number {
  const cx = regClass(f, x);
  const cy = regClass(f, y);
  if (cx < 0 || cy < 0) return FAST_NONE;
  const { sgn, ex, hi, lo } = f;
  if (cx === 1 && cy === 1) {
    switch (op) {
      case 0:
        return addWords(sgn[x]!, ex[x]!, hi[x]!, lo[x]!, sgn[y]!, ex[y]!, hi[y]!, lo[y]!, f.cw);
      case 1:
        return mulWords(sgn[x]!, ex[x]!, hi[x]!, lo[x]!, sgn[y]!, ex[y]!, hi[y]!, lo[y]!, f.cw);
      case 4:
        return addWords(sgn[x]!, ex[x]!, hi[x]!, lo[x]!, sgn[y]! ^ 1, ex[y]!, hi[y]!, lo[y]!, f.cw);
      default:
        return addWords(sgn[y]!, ex[y]!, hi[y]!, lo[y]!, sgn[x]! ^ 1, ex[x]!, hi[x]!, lo[x]!, f.cw);
    }
  }
  if (op === 1) return zeroOut(sgn[x]! ^ sgn[y]!);
  // A + (-1)^sb × |B|.
  const a = op === 5 ? y : x;
  const b = op === 5 ? x : y;
  const sa = sgn[a]!;
  const sb = op === 0 ? sgn[b]! : sgn[b]! ^ 1;
  if ((op === 5 ? cy : cx) === 0) {
    if ((op === 5 ? cx : cy) === 0) return zeroOut(sa === sb ? sa : ((f.cw >> 10) & 3) === 1 ? 1 : 0);
    return roundWords(sb, ex[b]!, hi[b]!, lo[b]!, f.cw);
  }
  return roundWords(sa, ex[a]!, hi[a]!, lo[a]!, f.cw);
}

/** A zero of sign s into fastOut; no status bits. */
function zeroOut(s: number): number {
  fastOut[0] = s;
  fastOut[1] = 0;
  fastOut[2] = 0;
  fastOut[3] = 0;
  return 0;
}

/**
 * The order of R[p] and R[q] when each is normal or zero (-1, 0, 1: FCOM's relation, which
 * raises nothing for these classes, compare.ts), or 2 when the general path must decide.
 */
function compareRegs(f: X87State, p: number, q: number): number {
  const cp = regClass(f, p);
  const cq = regClass(f, q);
  if (cp < 0 || cq < 0) return 2;
  const { sgn, ex, hi, lo } = f;
  if (cp === 1 && cq === 1) return compareWords(sgn[p]!, ex[p]!, hi[p]!, lo[p]!, sgn[q]!, ex[q]!, hi[q]!, lo[q]!);
  // A zero: compare the values' signs (zero counts as 0 whatever its sign).
  const vp = cp === 0 ? 0 : sgn[p]! ? -1 : 1;
  const vq = cq === 0 ? 0 : sgn[q]! ? -1 : 1;
  return vp === vq ? 0 : vp < vq ? -1 : 1;
}

/** Physical register p = fastOut (its tag is already "in use"). */
function writeOut(f: X87State, p: number): void {
  f.sgn[p] = fastOut[0]!;
  f.ex[p] = fastOut[1]!;
  f.hi[p] = fastOut[2]!;
  f.lo[p] = fastOut[3]!;
}

/** Physical register d = physical register s. */
function copyReg(f: X87State, d: number, s: number): void {
  f.sgn[d] = f.sgn[s]!;
  f.ex[d] = f.ex[s]!;
  f.hi[d] = f.hi[s]!;
  f.lo[d] = f.lo[s]!;
}

/** D8 C0-CF, E0-EF: ST(0) = ST(0) op ST(i) (FADD, FMUL, FSUB, FSUBR). */
export function arithSt0(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    const pi = (p0 + i.modrm) & 7;
    if (((f.empty >> p0) & 1) === 0 && ((f.empty >> pi) & 1) === 0) {
      const s = fastOp(f, i.reg, p0, pi);
      if (s !== FAST_NONE) {
        lastInsn(cpu, f, i, 0);
        arithStatus(f, s);
        writeOut(f, p0);
        return;
      }
    }
  }
  fpuEscape(cpu, i);
}

/**
 * DC/DE C0-CF, E0-EF: ST(i) = ST(i) op ST(0), popping for DE (SUB/SUBR swap roles in this
 * half of the map: SDM vol.2 table A-10, as fpu.ts's `reg ^ 1`).
 */
export function arithSti(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    const pi = (p0 + i.modrm) & 7;
    if (((f.empty >> p0) & 1) === 0 && ((f.empty >> pi) & 1) === 0) {
      const reg = i.reg;
      const s = fastOp(f, reg >= 4 ? reg ^ 1 : reg, pi, p0);
      if (s !== FAST_NONE) {
        const pop = i.opcode === 0xde;
        lastInsn(cpu, f, i, pop ? 6 : 4);
        arithStatus(f, s);
        writeOut(f, pi);
        if (pop) {
          f.empty |= 1 << p0;
          f.top = (p0 + 1) & 7;
        }
        return;
      }
    }
  }
  fpuEscape(cpu, i);
}

/** D9 C0-C7: FLD ST(i) — any class (a register load raises nothing); ST(7) must be empty. */
export function fldSti(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p = (f.top - 1) & 7; // ST(7), the new ST(0)
    if (((f.empty >> ((f.top + i.modrm) & 7)) & 1) === 0 && ((f.empty >> p) & 1) !== 0) {
      lastInsn(cpu, f, i, 1);
      f.sw &= ~C1;
      copyReg(f, p, (f.top + i.modrm) & 7);
      f.empty &= ~(1 << p);
      f.top = p;
      return;
    }
  }
  fpuEscape(cpu, i);
}

/** D9 C8-CF: FXCH ST(i) with both in use. */
export function fxchSti(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    const pi = (p0 + i.modrm) & 7;
    if (((f.empty >> p0) & 1) === 0 && ((f.empty >> pi) & 1) === 0) {
      lastInsn(cpu, f, i, 1);
      f.sw &= ~C1;
      const { sgn, ex, hi, lo } = f;
      const s = sgn[p0]!;
      const e = ex[p0]!;
      const h = hi[p0]!;
      const l = lo[p0]!;
      copyReg(f, p0, pi);
      sgn[pi] = s;
      ex[pi] = e;
      hi[pi] = h;
      lo[pi] = l;
      return;
    }
  }
  fpuEscape(cpu, i);
}

/** DD D0-DF: FST/FSTP ST(i) with ST(0) in use. */
function fstSti(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    if (((f.empty >> p0) & 1) === 0) {
      const pi = (p0 + i.modrm) & 7;
      lastInsn(cpu, f, i, 5);
      f.sw &= ~C1;
      copyReg(f, pi, p0);
      f.empty &= ~(1 << pi);
      if (i.reg === 3) {
        f.empty |= 1 << p0;
        f.top = (p0 + 1) & 7;
      }
      return;
    }
  }
  fpuEscape(cpu, i);
}

/** D8 D0-DF: FCOM/FCOMP ST(i) of normal or zero operands (no exception possible: compare.ts). */
export function fcomSti(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    const pi = (p0 + i.modrm) & 7;
    if (((f.empty >> p0) & 1) === 0 && ((f.empty >> pi) & 1) === 0) {
      const c = compareRegs(f, p0, pi);
      if (c !== 2) {
        lastInsn(cpu, f, i, 0);
        // conditionCodes(): greater 0, less C0, equal C3 (compare.ts).
        f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | (c === 0 ? C3 : c < 0 ? C0 : 0);
        if (i.reg === 3) {
          f.empty |= 1 << p0;
          f.top = (p0 + 1) & 7;
        }
        return;
      }
    }
  }
  fpuEscape(cpu, i);
}

/** DE D9: FCOMPP of normal or zero operands, then two pops. */
function fcompp(cpu: Cpu, i: Insn): void {
  const f = cpu.fpu;
  if (!slow(cpu, f)) {
    const p0 = f.top;
    const p1 = (p0 + 1) & 7;
    const c = ((f.empty >> p0) & 1) === 0 && ((f.empty >> p1) & 1) === 0 ? compareRegs(f, p0, p1) : 2;
    if (c !== 2) {
      lastInsn(cpu, f, i, 6);
      f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | (c === 0 ? C3 : c < 0 ? C0 : 0);
      f.empty |= (1 << p0) | (1 << p1);
      f.top = (p0 + 2) & 7;
      return;
    }
  }
  fpuEscape(cpu, i);
}

/** DF E0: FNSTSW AX — a non-waiting control instruction: only #NM stops it. */
function fnstswAx(cpu: Cpu, i: Insn): void {
  if ((cpu.cr0 & (CR0_EM | CR0_TS)) !== 0) return fpuEscape(cpu, i);
  setReg16(cpu, 0, cpu.fpu.status());
}

/**
 * The handler for a decoded D8-DF instruction: a pre-decoded one for the register forms
 * above, the general escape handler for everything else (memory forms included).
 */
export function selectX87(i: Insn): Handler {
  if (i.rm < 0) return fpuEscape;
  const reg = i.reg;
  switch (i.opcode) {
    case 0xd8:
      return reg === 2 || reg === 3 ? fcomSti : reg === 0 || reg === 1 || reg === 4 || reg === 5 ? arithSt0 : fpuEscape;
    case 0xd9:
      return reg === 0 ? fldSti : reg === 1 ? fxchSti : fpuEscape;
    case 0xdc:
      return reg === 0 || reg === 1 || reg === 4 || reg === 5 ? arithSti : fpuEscape;
    case 0xde:
      if (reg === 3 && (i.modrm & 7) === 1) return fcompp;
      return reg === 0 || reg === 1 || reg === 4 || reg === 5 ? arithSti : fpuEscape;
    case 0xdd:
      return reg === 2 || reg === 3 ? fstSti : fpuEscape;
    case 0xdf:
      return reg === 4 && (i.modrm & 7) === 0 ? fnstswAx : fpuEscape;
    default:
      return fpuEscape;
  }
}
