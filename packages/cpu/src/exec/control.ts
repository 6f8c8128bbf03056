import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { BP, BR, GP, OF_VEC, UD } from "../exceptions/vectors.js";
import { CC_NONE, getOF, getZF, testCondition } from "../state/lazy-flags.js";
import { ZF } from "../state/eflags.js";
import { CS, SS } from "../state/registers.js";
import { loadE, readMem, sext } from "./operand.js";
import { adjustSp, peek, push } from "./stack.js";
import { farCall, farJump, farReturn } from "./far-transfer.js";
import { interruptReturn } from "../exceptions/delivery.js";
import { checkV86IntN } from "./v86.js";

/**
 * Control transfer (SDM vol.1 §6.3, §7.3.8): Jcc, JMP, CALL, RET, LOOPcc, JeCXZ, INT n,
 * INT3, INTO, IRET, BOUND, far JMP/CALL/RET at the same privilege level.
 * When a handler runs, `cpu.eip` already holds the next instruction's offset.
 */

/** Sets EIP to `target` (masked to 16 bits for a 16-bit operand size), checking the CS limit. */
export function jumpTo(cpu: Cpu, target: number, opSize: number): void {
  target = opSize === 16 ? target & 0xffff : target >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  cpu.eip = target;
}

/** Jcc Jb/Jz. */
export function jcc(cpu: Cpu, i: Insn): void {
  if (testCondition(cpu, i.op)) jumpTo(cpu, cpu.eip + i.imm, i.opSize);
}

/** JMP Jb/Jz. */
export function jmpRel(cpu: Cpu, i: Insn): void {
  jumpTo(cpu, cpu.eip + i.imm, i.opSize);
}

/** JMP Ev (FF /4). */
export function jmpE(cpu: Cpu, i: Insn): void {
  jumpTo(cpu, loadE(cpu, i, i.opSize), i.opSize);
}

/** CALL Jz: the target is checked before the return address is pushed. */
export function callRel(cpu: Cpu, i: Insn): void {
  const ret = cpu.eip;
  const target = i.opSize === 16 ? (ret + i.imm) & 0xffff : (ret + i.imm) >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  push(cpu, i.opSize, ret);
  cpu.eip = target;
}

/** CALL Ev (FF /2). */
export function callE(cpu: Cpu, i: Insn): void {
  const ret = cpu.eip;
  const v = loadE(cpu, i, i.opSize);
  const target = i.opSize === 16 ? v & 0xffff : v >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  push(cpu, i.opSize, ret);
  cpu.eip = target;
}

/** RET / RET Iw (C3 / C2). */
export function ret(cpu: Cpu, i: Insn): void {
  const v = peek(cpu, i.opSize, 0);
  const target = i.opSize === 16 ? v & 0xffff : v >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  adjustSp(cpu, (i.opSize >> 3) + i.imm);
  cpu.eip = target;
}

/**
 * LOOP (op 2), LOOPE (op 1), LOOPNE (op 0): the count register is CX or ECX by address
 * size; no flags change (SDM vol.2 "LOOP/LOOPcc").
 */
export function loop(cpu: Cpu, i: Insn): void {
  const regs = cpu.regs;
  let count: number;
  if (i.a16) {
    count = (regs[1]! - 1) & 0xffff;
    regs[1] = (regs[1]! & ~0xffff) | count;
  } else {
    count = (regs[1]! - 1) | 0;
    regs[1] = count;
  }
  let take = count !== 0;
  if (take && i.op !== 2) take = getZF(cpu) === i.op;
  if (take) jumpTo(cpu, cpu.eip + i.imm, i.opSize);
}

/** JCXZ / JECXZ (by address size). */
export function jcxz(cpu: Cpu, i: Insn): void {
  const c = i.a16 ? cpu.regs[1]! & 0xffff : cpu.regs[1]!;
  if (c === 0) jumpTo(cpu, cpu.eip + i.imm, i.opSize);
}

/** INT Ib. */
export function intN(cpu: Cpu, i: Insn): void {
  checkV86IntN(cpu);
  cpu.softwareInterrupt(i.imm & 0xff);
}

/** INT3: a software interrupt for vector 3 (the gate's DPL is checked). */
export function int3(cpu: Cpu, _i: Insn): void {
  cpu.softwareInterrupt(BP);
}

/** INTO: #OF when OF=1. */
export function into(cpu: Cpu, _i: Insn): void {
  if (getOF(cpu)) cpu.softwareInterrupt(OF_VEC);
}

/** IRET / IRETD. */
export function iret(cpu: Cpu, i: Insn): void {
  interruptReturn(cpu, i.opSize);
}

/** BOUND Gv,Ma: #BR (a fault) when the signed index lies outside [lower, upper]. */
export function bound(cpu: Cpu, i: Insn): void {
  if (i.rm >= 0) fault(UD);
  const size = i.opSize;
  const n = size >> 3;
  const lin = cpu.addr(i, 2 * n, false);
  const lower = sext(readMem(cpu, lin, size), size);
  const upper = sext(readMem(cpu, (lin + n) | 0, size), size);
  const idx = sext(cpu.regs[i.reg]!, size);
  if (idx < lower || idx > upper) fault(BR);
}

/** JMP ptr16:16/32 (EA). */
export function jmpFarA(cpu: Cpu, i: Insn): void {
  farJump(cpu, i.imm2, i.opSize === 16 ? i.imm & 0xffff : i.imm >>> 0, i.opSize);
}

/** CALL ptr16:16/32 (9A). */
export function callFarA(cpu: Cpu, i: Insn): void {
  farCall(cpu, i.imm2, i.opSize === 16 ? i.imm & 0xffff : i.imm >>> 0, i.opSize);
}

function readFarPointer(cpu: Cpu, i: Insn): [number, number] {
  if (i.rm >= 0) fault(UD);
  const n = i.opSize >> 3;
  const lin = cpu.addr(i, n + 2, false);
  const off = readMem(cpu, lin, i.opSize);
  const sel = cpu.rd16((lin + n) | 0);
  return [sel, i.opSize === 16 ? off & 0xffff : off >>> 0];
}

/** JMP m16:16/32 (FF /5). */
export function jmpFarM(cpu: Cpu, i: Insn): void {
  const [sel, off] = readFarPointer(cpu, i);
  farJump(cpu, sel, off, i.opSize);
}

/** CALL m16:16/32 (FF /3). */
export function callFarM(cpu: Cpu, i: Insn): void {
  const [sel, off] = readFarPointer(cpu, i);
  farCall(cpu, sel, off, i.opSize);
}

/** RETF / RETF Iw (CB / CA). */
export function retFar(cpu: Cpu, i: Insn): void {
  farReturn(cpu, i.opSize, i.imm);
}

/** ICEBP / INT1 (F1, undocumented): a #DB trap delivered like a hardware exception (no DPL check). */
export function icebp(cpu: Cpu, _i: Insn): void {
  cpu.trapException(1);
}

/** JE/JZ with a 32-bit operand size: the loop-closing branch, kept short. */
export function jz32(cpu: Cpu, i: Insn): void {
  if (cpu.ccOp !== CC_NONE ? cpu.ccRes === 0 : (cpu.ccFlags & ZF) !== 0) jump32(cpu, i);
}

/** JNE/JNZ with a 32-bit operand size. */
export function jnz32(cpu: Cpu, i: Insn): void {
  if (cpu.ccOp !== CC_NONE ? cpu.ccRes !== 0 : (cpu.ccFlags & ZF) === 0) jump32(cpu, i);
}

/** Jcc with a 32-bit operand size. */
export function jcc32(cpu: Cpu, i: Insn): void {
  if (testCondition(cpu, i.op)) jump32(cpu, i);
}

function jump32(cpu: Cpu, i: Insn): void {
  const t = (cpu.eip + i.imm) >>> 0;
  if (t > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  cpu.eip = t;
}

/** JMP rel with a 32-bit operand size. */
export function jmp32(cpu: Cpu, i: Insn): void {
  jump32(cpu, i);
}

/** CALL rel32 with a 32-bit stack. */
export function callRel32(cpu: Cpu, i: Insn): void {
  if (cpu.stackMask !== 0xffffffff) return callRel(cpu, i);
  const ret = cpu.eip;
  const target = (ret + i.imm) >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  const esp = (cpu.regs[4]! - 4) | 0;
  cpu.wr32(cpu.segAddr(SS, esp, 4, true), ret);
  cpu.regs[4] = esp;
  cpu.eip = target;
}

/** RET (no immediate) with 32-bit operand size and stack. */
export function ret32(cpu: Cpu, i: Insn): void {
  if (cpu.stackMask !== 0xffffffff) return ret(cpu, i);
  const esp = cpu.regs[4]!;
  const target = cpu.rd32(cpu.segAddr(SS, esp, 4, false)) >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  cpu.regs[4] = (esp + 4 + i.imm) | 0;
  cpu.eip = target;
}
