import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { MF, NM, UD } from "../exceptions/vectors.js";
import { CS } from "../state/registers.js";
import { getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { effOffset, setReg16 } from "./operand.js";
import { abs, f80, fromBits, INDEFINITE, negate, POS_ZERO, toBits, type F80 } from "../fpu/float80.js";
import { C0, C1, C2, C3, EXC_MASK, IE, type Result } from "../fpu/exceptions.js";
import { fadd, fdiv, fmul, fprem, fprem1, frndint, fscale, fsqrt, fsub, fxtract } from "../fpu/arith.js";
import { fromBcd, fromIeee, fromInt, toBcd, toIeee, toInt, widenIeee } from "../fpu/convert.js";
import { comiFlags, compare, conditionCodes, fxam } from "../fpu/compare.js";
import { f2xm1, fcos, fpatan, fptan, fsin, fsincos, fyl2x, fyl2xp1 } from "../fpu/transcendental.js";
import { SW_B, SW_ES, SW_SF, type X87State } from "../fpu/x87-state.js";
import { loadState, readBytes, storeState, writeBytes } from "./x87-memory.js";

/**
 * The x87 instructions, D8-DF (SDM vol.2; vol.1 ch.8). One handler decodes the escape byte,
 * ModRM.reg and mod (the x87 map, SDM vol.2 appendix A.4) and runs the operation on the
 * arithmetic core (src/fpu), which is bit-exact against the host's x87; this file does what
 * the core leaves to the CPU: the register stack and its faults, the status word, pending
 * exceptions, the last-instruction pointers and memory operands.
 *
 * Before any x87 instruction (SDM vol.3 §2.5, table 2-2): CR0.EM = 1 or CR0.TS = 1 → #NM.
 * Then a waiting instruction (all but FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE,
 * FLDENV, FRSTOR and the 8087/287 no-ops) with an unmasked exception pending (FSW.ES) reports it first
 * (vol.1 §8.6): #MF when CR0.NE = 1; with NE = 0 the PC way, FERR# (the CPU's
 * {@link Cpu.ferrHook}, which the machine wires to IRQ 13), and the instruction proceeds, as
 * Bochs does (vol.1 appendix D: a real part freezes until the interrupt).
 */
const CR0_MP = 1 << 1;
const CR0_EM = 1 << 2;
const CR0_TS = 1 << 3;
const CR0_NE = 1 << 5;

/** A stack fault (SDM vol.1 §8.5.1.1): IE and SF, C1 = 1 for overflow, 0 for underflow. */
function stackFault(f: X87State, overflow: boolean): boolean {
  f.sw = (f.sw & ~C1) | IE | SW_SF | (overflow ? C1 : 0);
  if (f.cw & IE) return true;
  f.sw |= SW_ES | SW_B;
  return false;
}

/** ORs an operation's exception flags into FSW (ES, B for unmasked ones). */
function flags(f: X87State, sw: number): void {
  const e = sw & EXC_MASK;
  f.sw |= e;
  if (e & ~f.cw) f.sw |= SW_ES | SW_B;
}

/** Writes an arithmetic result to ST(dst) with C1 = "rounded up"; pops after if asked. */
function result(f: X87State, r: Result, dst: number, pop: boolean): void {
  f.sw = (f.sw & ~C1) | (r.sw & C1);
  flags(f, r.sw);
  if (r.value === null) return; // unmasked IE/DE/ZE: destination and TOP unchanged
  f.set(dst, r.value);
  if (pop) f.pop();
}

/** Operands ST(a), ST(b) are both in use; else a stack underflow writing ST(dst). */
function need2(f: X87State, a: number, b: number, dst: number, pop: boolean): boolean {
  if (!f.isEmpty(a) && !f.isEmpty(b)) return true;
  if (stackFault(f, false)) {
    f.set(dst, INDEFINITE);
    if (pop) f.pop();
  }
  return false;
}

/** Pushes a load's result; an occupied ST(7) is a stack overflow. */
function pushResult(f: X87State, r: Result): void {
  if (!f.isEmpty(7)) {
    if (stackFault(f, true)) f.push(INDEFINITE);
    return;
  }
  f.sw &= ~C1;
  flags(f, r.sw);
  if (r.value !== null) f.push(r.value);
}

const ARITH = [
  (a: F80, b: F80, cw: number, de: boolean) => fadd(a, b, cw, de),
  (a: F80, b: F80, cw: number, de: boolean) => fmul(a, b, cw, de),
  null,
  null,
  (a: F80, b: F80, cw: number, de: boolean) => fsub(a, b, cw, de),
  (a: F80, b: F80, cw: number, de: boolean) => fsub(b, a, cw, de),
  (a: F80, b: F80, cw: number, de: boolean) => fdiv(a, b, cw, de),
  (a: F80, b: F80, cw: number, de: boolean) => fdiv(b, a, cw, de),
] as const;

/** FCOM-class condition codes C3 C2 C0 (C1 = 0) from a comparison of ST(0) with `b`. */
function comparison(f: X87State, b: F80 | null, quiet: boolean, srcDE: boolean, pops: number, bEmpty = false): void {
  if (f.isEmpty(0) || bEmpty || b === null) {
    stackFault(f, false);
    f.sw = (f.sw & ~(C0 | C2 | C3)) | C0 | C2 | C3;
  } else {
    const c = compare(f.st(0), b, quiet, srcDE);
    f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | conditionCodes(c.relation);
    flags(f, c.sw);
  }
  // Pops happen even when the exception is unmasked (the comparison writes no register).
  for (let k = 0; k < pops; k++) f.pop();
}

/** FCOMI/FUCOMI (P6): ZF PF CF from the comparison, OF SF AF cleared. */
function comi(cpu: Cpu, f: X87State, i: number, quiet: boolean, pop: boolean): void {
  let bits: number;
  if (f.isEmpty(0) || f.isEmpty(i)) {
    stackFault(f, false);
    bits = 0x45;
  } else {
    const c = compare(f.st(0), f.st(i), quiet);
    f.sw &= ~C1;
    flags(f, c.sw);
    bits = comiFlags(c.relation);
  }
  setStatusFlags(cpu, bits);
  if (pop) f.pop();
}

/** The memory operand of D8/DA/DC/DE arithmetic as an 80-bit value. */
function arithSource(cpu: Cpu, i: Insn, esc: number): { v: F80; de: boolean } {
  switch (esc) {
    case 0: {
      const w = widenIeee(readBytes(cpu, i, 4), 32);
      return { v: w.value, de: w.denormal };
    }
    case 4: {
      const w = widenIeee(readBytes(cpu, i, 8), 64);
      return { v: w.value, de: w.denormal };
    }
    case 2:
      return { v: fromInt(readBytes(cpu, i, 4), 32), de: false };
    default:
      return { v: fromInt(readBytes(cpu, i, 2), 16), de: false };
  }
}

/** A store of ST(0) in a memory format; an empty ST(0) stores that format's indefinite. */
function storeTop(cpu: Cpu, i: Insn, f: X87State, len: number, convert: (x: F80) => { bits: bigint | null; sw: number }, pop: boolean): void {
  const empty = f.isEmpty(0);
  const s = convert(empty ? INDEFINITE : f.st(0));
  if (empty) {
    const masked = stackFault(f, false);
    if (!masked) return;
    writeBytes(cpu, i, len, s.bits!);
  } else {
    if (s.bits !== null) writeBytes(cpu, i, len, s.bits);
    f.sw = (f.sw & ~C1) | (s.sw & C1);
    flags(f, s.sw);
    if (s.bits === null) return;
  }
  if (pop) f.pop();
}

/** The constants of D9 E8-EE, their 64-bit significands rounded to nearest, and which way. */
const CONSTANTS: readonly (readonly [number, bigint, -1 | 0 | 1] | null)[] = [
  [0x3fff, 0x8000000000000000n, 0], // FLD1
  [0x4000, 0xd49a784bcd1b8afen, -1], // FLDL2T (nearest is below the true value)
  [0x3fff, 0xb8aa3b295c17f0bcn, 1], // FLDL2E (nearest is above)
  [0x4000, 0xc90fdaa22168c235n, 1], // FLDPI
  [0x3ffd, 0x9a209a84fbcff799n, 1], // FLDLG2
  [0x3ffe, 0xb17217f7d1cf79acn, 1], // FLDLN2
  [0, 0n, 0], // FLDZ
  null,
];

/**
 * SDM vol.1 §8.3.8: the constants are stored to 66 bits and rounded to 64 by RC: down and
 * toward zero take the lower neighbour of a constant whose nearest value is above it, up
 * the upper neighbour of one whose nearest value is below. No exception, C1 = 0.
 */
function constant(f: X87State, k: number): F80 {
  const [exp, sig, nearestWay] = CONSTANTS[k]!;
  const mode = (f.cw >> 10) & 3;
  let s = sig;
  if (nearestWay === 1 && (mode === 1 || mode === 3)) s -= 1n;
  if (nearestWay === -1 && mode === 2) s += 1n;
  return exp === 0 ? POS_ZERO : f80(0, exp, s);
}

/** Is this (escape, reg, register form, rm) one of the non-waiting control instructions? */
function nonWaiting(esc: number, reg: number, mem: boolean, rm: number): boolean {
  // FLDENV and FRSTOR do not report a pending exception either: one their image leaves
  // pending is reported by the next waiting instruction (SDM vol.2 FLDENV; Bochs agrees).
  if (mem) return (esc === 1 && reg >= 4 && reg !== 5) || (esc === 5 && (reg === 4 || reg >= 6));
  return (esc === 3 && reg === 4 && rm <= 4) || (esc === 7 && reg === 4 && rm === 0);
}

/** Control instructions do not change FIP/FCS/FOP/FDP (SDM vol.1 §8.1.8). */
function isControl(esc: number, reg: number, mem: boolean, rm: number): boolean {
  if (mem) return (esc === 1 && reg >= 4) || (esc === 5 && (reg === 4 || reg >= 6));
  return (esc === 3 && reg === 4 && rm <= 4) || (esc === 7 && reg === 4 && rm === 0);
}

/** Encodings the x87 map leaves undefined: #UD. FISTTP (SSE3) is not a Pentium II's. */
function undefinedForm(esc: number, reg: number, mem: boolean, rm: number): boolean {
  if (mem) return (esc === 1 && reg === 1) || (esc === 3 && (reg === 1 || reg === 4 || reg === 6)) || (esc === 5 && (reg === 1 || reg === 5)) || (esc === 7 && reg === 1);
  switch (esc) {
    case 1:
      return (reg === 2 && rm !== 0) || (reg === 4 && (rm === 2 || rm === 3 || rm >= 6)) || (reg === 5 && rm === 7);
    case 2:
      return reg >= 4 && !(reg === 5 && rm === 1);
    case 3:
      return (reg === 4 && rm >= 5) || reg === 7;
    case 5:
      return reg >= 6;
    case 6:
      return reg === 3 && rm !== 1;
    case 7:
      return (reg === 4 && rm !== 0) || reg === 7;
    default:
      return false;
  }
}

/** Reports the pending unmasked exception before a waiting instruction. */
function reportPending(cpu: Cpu): void {
  if (cpu.cr0 & CR0_NE) fault(MF);
  cpu.ferrHook?.();
}

const FORM_UNDEFINED = 1;
const FORM_NON_WAITING = 2;
const FORM_CONTROL = 4;
/** The three predicates above per form, computed once: index (esc, reg, rm) for a register
 *  form, 512 + (esc, reg) for a memory form (the dispatch is on every x87 instruction). */
const FORMS = new Uint8Array(512 + 64);
for (let k = 0; k < FORMS.length; k++) {
  const mem = k >= 512;
  const esc = mem ? (k - 512) >> 3 : k >> 6;
  const reg = mem ? (k - 512) & 7 : (k >> 3) & 7;
  const rm = mem ? 0 : k & 7;
  FORMS[k] =
    (undefinedForm(esc, reg, mem, rm) ? FORM_UNDEFINED : 0) |
    (nonWaiting(esc, reg, mem, rm) ? FORM_NON_WAITING : 0) |
    (isControl(esc, reg, mem, rm) ? FORM_CONTROL : 0);
}

export function fpuEscape(cpu: Cpu, i: Insn): void {
  const esc = i.opcode - 0xd8;
  const reg = i.reg;
  const mem = i.rm < 0;
  const rm = i.modrm & 7;
  const form = FORMS[mem ? 512 + ((esc << 3) | reg) : (esc << 6) | (reg << 3) | rm]!;
  if (form & FORM_UNDEFINED) fault(UD);
  if (cpu.cr0 & (CR0_EM | CR0_TS)) fault(NM);
  const f = cpu.fpu;
  if (f.pending && !(form & FORM_NON_WAITING)) reportPending(cpu);
  if (!(form & FORM_CONTROL)) {
    // The instruction's own offset: EIP already points past it. (Cpu.insnEip is published
    // only on a fault or a decode, so a cached instruction would leave an older one here.)
    f.fip = cpu.code32 ? (cpu.eip - i.len) >>> 0 : (cpu.eip - i.len) & 0xffff;
    f.fcs = cpu.segSel[CS]!;
    f.fop = (esc << 8) | (i.modrm & 0xff);
    if (mem) {
      f.fdp = effOffset(cpu, i) >>> 0;
      f.fds = cpu.segSel[i.seg]!;
    }
  }
  if (mem) memoryForm(cpu, i, f, esc, reg);
  else registerForm(cpu, f, esc, reg, rm);
}

/** WAIT/FWAIT: #NM when CR0.MP = TS = 1; then any pending exception is reported. */
export function fwait(cpu: Cpu, _i: Insn): void {
  if ((cpu.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) fault(NM);
  if (cpu.fpu.pending) reportPending(cpu);
}

function memoryForm(cpu: Cpu, i: Insn, f: X87State, esc: number, reg: number): void {
  const cw = f.cw;
  if (!(esc & 1)) {
    // D8 m32real, DA m32int, DC m64real, DE m16int: ST(0) op memory.
    const src = arithSource(cpu, i, esc);
    if (reg === 2 || reg === 3) return comparison(f, src.v, false, src.de, reg - 2);
    if (f.isEmpty(0)) {
      if (stackFault(f, false)) f.set(0, INDEFINITE);
      return;
    }
    return result(f, ARITH[reg]!(f.st(0), src.v, cw, src.de), 0, false);
  }
  switch ((esc << 3) | reg) {
    case 0o10: // FLD m32real
      return pushResult(f, fromIeee(readBytes(cpu, i, 4), 32, cw));
    case 0o12:
    case 0o13: // FST/FSTP m32real
      return storeTop(cpu, i, f, 4, (x) => toIeee(x, 32, cw), reg === 3);
    case 0o14: // FLDENV
      return loadState(cpu, i, f, false);
    case 0o15: // FLDCW
      f.cw = Number(readBytes(cpu, i, 2));
      return f.updatePending();
    case 0o16: // FNSTENV: then every exception is masked (SDM vol.2 FSTENV)
      storeState(cpu, i, f, false);
      f.cw |= EXC_MASK;
      return;
    case 0o17: // FNSTCW
      return writeBytes(cpu, i, 2, BigInt(f.cw));
    case 0o30: // FILD m32int
      return pushResult(f, { value: fromInt(readBytes(cpu, i, 4), 32), sw: 0 });
    case 0o32:
    case 0o33: // FIST/FISTP m32int
      return storeTop(cpu, i, f, 4, (x) => toInt(x, 32, cw), reg === 3);
    case 0o35: // FLD m80real
      return pushResult(f, { value: fromBits(readBytes(cpu, i, 10)), sw: 0 });
    case 0o37: // FSTP m80real
      return storeTop(cpu, i, f, 10, (x) => ({ bits: toBits(x), sw: 0 }), true);
    case 0o50: // FLD m64real
      return pushResult(f, fromIeee(readBytes(cpu, i, 8), 64, cw));
    case 0o52:
    case 0o53: // FST/FSTP m64real
      return storeTop(cpu, i, f, 8, (x) => toIeee(x, 64, cw), reg === 3);
    case 0o54: // FRSTOR
      return loadState(cpu, i, f, true);
    case 0o56: // FNSAVE, then FNINIT
      storeState(cpu, i, f, true);
      return f.init();
    case 0o57: // FNSTSW m16
      return writeBytes(cpu, i, 2, BigInt(f.status()));
    case 0o70: // FILD m16int
      return pushResult(f, { value: fromInt(readBytes(cpu, i, 2), 16), sw: 0 });
    case 0o72:
    case 0o73: // FIST/FISTP m16int
      return storeTop(cpu, i, f, 2, (x) => toInt(x, 16, cw), reg === 3);
    case 0o74: // FBLD
      return pushResult(f, { value: fromBcd(readBytes(cpu, i, 10)), sw: 0 });
    case 0o75: // FILD m64int
      return pushResult(f, { value: fromInt(readBytes(cpu, i, 8), 64), sw: 0 });
    case 0o76: // FBSTP
      return storeTop(cpu, i, f, 10, (x) => toBcd(x, cw), true);
    case 0o77: // FISTP m64int
      return storeTop(cpu, i, f, 8, (x) => toInt(x, 64, cw), true);
  }
}

/** FCMOVcc's conditions: B (CF), E (ZF), BE (CF or ZF), U (PF); bit 3 negates. */
function fcmovTaken(cpu: Cpu, cc: number): boolean {
  const fl = getStatusFlags(cpu);
  const t = [fl & 0x01, fl & 0x40, fl & 0x41, fl & 0x04][cc & 3] !== 0;
  return cc & 4 ? !t : t;
}

function registerForm(cpu: Cpu, f: X87State, esc: number, reg: number, i: number): void {
  const cw = f.cw;
  switch (esc) {
    case 0: // D8: ST(0) = ST(0) op ST(i); FCOM/FCOMP ST(i)
      if (reg === 2 || reg === 3) return comparison(f, f.st(i), false, false, reg - 2, f.isEmpty(i));
      if (need2(f, 0, i, 0, false)) result(f, ARITH[reg]!(f.st(0), f.st(i), cw, false), 0, false);
      return;
    case 4: // DC: ST(i) = ST(i) op ST(0) (SUB/SUBR and DIV/DIVR swap roles: SDM map A-10)
    case 6: // DE: the same, popping
      if (reg === 2 || reg === 3) {
        // DC D0/D8 (FCOM2/FCOMP3) and DE D0 (FCOMP5): undocumented aliases; DE D9 FCOMPP.
        if (esc === 6 && reg === 3) return comparison(f, f.st(1), false, false, 2, f.isEmpty(1));
        return comparison(f, f.st(i), false, false, esc === 6 ? 1 : reg - 2, f.isEmpty(i));
      }
      if (need2(f, 0, i, i, esc === 6)) {
        const op = ARITH[reg ^ (reg >= 4 ? 1 : 0)]!;
        result(f, op(f.st(i), f.st(0), cw, false), i, esc === 6);
      }
      return;
    case 2: // DA: FCMOVB/E/BE/U, FUCOMPP
      if (reg === 5) return comparison(f, f.st(1), true, false, 2, f.isEmpty(1));
      return fcmov(cpu, f, reg, i);
    case 3: // DB: FCMOVNB/NE/NBE/NU, FNCLEX, FNINIT, FUCOMI, FCOMI
      if (reg < 4) return fcmov(cpu, f, reg | 4, i);
      if (reg === 4) {
        if (i === 2) f.sw &= ~(EXC_MASK | SW_SF | SW_ES | SW_B);
        else if (i === 3) f.init();
        // 0, 1, 4: FENI, FDISI, FSETPM (8087/287 only): no operation on a 387 and later.
        return;
      }
      return comi(cpu, f, i, reg === 5, false);
    case 7: // DF: FFREEP, FXCH7, FSTP8/9, FNSTSW AX, FUCOMIP, FCOMIP
      switch (reg) {
        case 0:
          f.free(i);
          return f.pop();
        case 1:
          return fxch(f, i);
        case 2:
        case 3:
          return fst(f, i, true);
        case 4:
          return setReg16(cpu, 0, f.status());
        default:
          return comi(cpu, f, i, reg === 5, true);
      }
    case 5: // DD: FFREE, FXCH4, FST, FSTP, FUCOM, FUCOMP
      switch (reg) {
        case 0:
          return f.free(i);
        case 1:
          return fxch(f, i);
        case 2:
        case 3:
          return fst(f, i, reg === 3);
        default:
          return comparison(f, f.st(i), true, false, reg - 4, f.isEmpty(i));
      }
  }
  // D9
  switch (reg) {
    case 0: // FLD ST(i)
      if (f.isEmpty(i)) {
        if (!f.isEmpty(7)) {
          if (stackFault(f, true)) f.push(INDEFINITE);
        } else if (stackFault(f, false)) f.push(INDEFINITE);
        return;
      }
      return pushResult(f, { value: f.st(i), sw: 0 });
    case 1:
      return fxch(f, i);
    case 2: // FNOP
      return;
    case 3: // FSTP1 (undocumented alias of FSTP ST(i))
      return fst(f, i, true);
    case 4:
      return d9Misc(f, i);
    case 5:
      return pushResult(f, { value: constant(f, i), sw: 0 });
    case 6:
    case 7:
      return d9Arith(f, reg, i);
  }
}

function fcmov(cpu: Cpu, f: X87State, cc: number, i: number): void {
  if (f.isEmpty(0) || f.isEmpty(i)) {
    if (stackFault(f, false)) f.set(0, INDEFINITE);
    return;
  }
  f.sw &= ~C1;
  if (fcmovTaken(cpu, cc)) f.set(0, f.st(i));
}

function fxch(f: X87State, i: number): void {
  if (f.isEmpty(0) || f.isEmpty(i)) {
    if (!stackFault(f, false)) return;
    if (f.isEmpty(0)) f.set(0, INDEFINITE);
    if (f.isEmpty(i)) f.set(i, INDEFINITE);
  } else f.sw &= ~C1;
  const t = f.st(0);
  f.set(0, f.st(i));
  f.set(i, t);
}

function fst(f: X87State, i: number, pop: boolean): void {
  if (f.isEmpty(0)) {
    if (!stackFault(f, false)) return;
    f.set(i, INDEFINITE);
  } else {
    f.sw &= ~C1;
    f.set(i, f.st(0));
  }
  if (pop) f.pop();
}

/** D9 E0-E7: FCHS, FABS, FTST, FXAM. */
function d9Misc(f: X87State, i: number): void {
  if (i === 5) {
    // FXAM: an empty register still shows its stale sign in C1 (measured on the host).
    const x = f.st(0);
    const cc = f.isEmpty(0) ? fxam(null) | (x.sign ? C1 : 0) : fxam(x);
    f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | cc;
    return;
  }
  if (i === 4) return comparison(f, POS_ZERO, false, false, 0);
  if (f.isEmpty(0)) {
    if (stackFault(f, false)) f.set(0, INDEFINITE);
    return;
  }
  f.sw &= ~C1;
  f.set(0, i === 0 ? negate(f.st(0)) : abs(f.st(0)));
}

/** D9 F0-FF: the arithmetic without operands. */
function d9Arith(f: X87State, reg: number, i: number): void {
  const cw = f.cw;
  const k = ((reg - 6) << 3) | i;
  switch (k) {
    case 6: // FDECSTP
      f.sw &= ~C1;
      f.top = (f.top - 1) & 7;
      return;
    case 7: // FINCSTP
      f.sw &= ~C1;
      f.top = (f.top + 1) & 7;
      return;
  }
  // One-operand (F0 F2XM1, F4 FXTRACT, FA FSQRT, FB FSINCOS, FC FRNDINT, FE FSIN, FF FCOS,
  // F2 FPTAN) and two-operand ones (F1 FYL2X, F3 FPATAN, F5 FPREM1, F8 FPREM, F9 FYL2XP1, FD FSCALE).
  const two = k === 1 || k === 3 || k === 5 || k === 8 || k === 9 || k === 13;
  if (two ? !need2(f, 0, 1, two && (k === 1 || k === 3 || k === 9) ? 1 : 0, k === 1 || k === 3 || k === 9) : f.isEmpty(0)) {
    if (!two && stackFault(f, false)) {
      f.set(0, INDEFINITE);
      if (k === 2 || k === 4 || k === 11) pushResult(f, { value: INDEFINITE, sw: 0 });
    }
    return;
  }
  const a = f.st(0);
  switch (k) {
    case 0:
      return result(f, f2xm1(a, cw), 0, false);
    case 1:
      return result(f, fyl2x(a, f.st(1), cw), 1, true);
    case 3:
      return result(f, fpatan(a, f.st(1), cw), 1, true);
    case 9:
      return result(f, fyl2xp1(a, f.st(1), cw), 1, true);
    case 5:
    case 8: {
      const r = k === 5 ? fprem1(a, f.st(1), cw) : fprem(a, f.st(1), cw);
      f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | (r.sw & (C0 | C1 | C2 | C3));
      flags(f, r.sw);
      if (r.value !== null) f.set(0, r.value);
      return;
    }
    case 13:
      return result(f, fscale(a, f.st(1), cw), 0, false);
    case 10:
      return result(f, fsqrt(a, cw), 0, false);
    case 12:
      return result(f, frndint(a, cw), 0, false);
    case 4: {
      const r = fxtract(a, cw);
      f.sw &= ~C1;
      if (!f.isEmpty(7)) {
        if (stackFault(f, true)) {
          f.set(0, INDEFINITE);
          f.push(INDEFINITE);
        }
        return;
      }
      flags(f, r.sw);
      if (r.exp === null || r.sig === null) return;
      f.set(0, r.exp);
      f.push(r.sig);
      return;
    }
    case 14:
    case 15: {
      const r = k === 14 ? fsin(a, cw) : fcos(a, cw);
      f.sw &= ~C2;
      if (r.outOfRange) {
        f.sw |= C2;
        return;
      }
      return result(f, r, 0, false);
    }
    case 2:
    case 11: {
      const p = k === 2 ? fptan(a, cw) : fsincos(a, cw);
      f.sw &= ~(C1 | C2);
      if (p.outOfRange) {
        f.sw |= C2;
        return;
      }
      if (!f.isEmpty(7)) {
        if (stackFault(f, true)) {
          f.set(0, INDEFINITE);
          f.push(INDEFINITE);
        }
        return;
      }
      f.sw |= p.sw & C1; // rounded up (the value pushed last, as the host reports it)
      flags(f, p.sw);
      if (p.first === null || p.second === null) return;
      f.set(0, p.first);
      f.push(p.second);
      return;
    }
  }
}
