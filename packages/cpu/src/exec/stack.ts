import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { SS } from "../state/registers.js";
import { getReg, loadE, readMem, setReg, storeE, writeMem } from "./operand.js";

/**
 * The stack (SDM vol.1 §6.2): PUSH/POP in all forms, PUSHA/POPA, ENTER/LEAVE. SS.B picks
 * ESP or SP (`cpu.stackMask`); the operand size picks 2 or 4 bytes.
 */

export function push(cpu: Cpu, size: number, v: number): void {
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  const n = size >> 3;
  const sp = (esp - n) & mask;
  writeMem(cpu, cpu.segAddr(SS, sp, n, true), size, v);
  cpu.regs[4] = (esp & ~mask) | sp;
}

export function pop(cpu: Cpu, size: number): number {
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  const n = size >> 3;
  const v = readMem(cpu, cpu.segAddr(SS, esp & mask, n, false), size);
  cpu.regs[4] = (esp & ~mask) | ((esp + n) & mask);
  return v;
}

/** Reads the stack `offset` bytes above the top without popping (RET/IRET check first). */
export function peek(cpu: Cpu, size: number, offset: number): number {
  const mask = cpu.stackMask;
  return readMem(cpu, cpu.segAddr(SS, (cpu.regs[4]! + offset) & mask, size >> 3, false), size);
}

/** Adds `n` to the stack pointer at the stack's width. */
export function adjustSp(cpu: Cpu, n: number): void {
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  cpu.regs[4] = (esp & ~mask) | ((esp + n) & mask);
}

export function push32(cpu: Cpu, v: number): void {
  if (cpu.stackMask === 0xffff) return push(cpu, 32, v);
  const esp = (cpu.regs[4]! - 4) | 0;
  cpu.wr32(cpu.segAddr(SS, esp, 4, true), v);
  cpu.regs[4] = esp;
}

/** PUSH Zv (50-57): PUSH ESP pushes the value before the push. */
export function pushZ(cpu: Cpu, i: Insn): void {
  push(cpu, i.opSize, getReg(cpu, i.reg, i.opSize));
}

export function pushZ32(cpu: Cpu, i: Insn): void {
  push32(cpu, cpu.regs[i.reg]!);
}

/** POP Zv (58-5F): POP ESP leaves the popped value in ESP. */
export function popZ(cpu: Cpu, i: Insn): void {
  const v = pop(cpu, i.opSize);
  setReg(cpu, i.reg, i.opSize, v);
}

/** PUSH Iz / PUSH Ib (sign-extended). */
export function pushI(cpu: Cpu, i: Insn): void {
  push(cpu, i.opSize, i.imm);
}

/** PUSH Ev (FF /6). */
export function pushE(cpu: Cpu, i: Insn): void {
  push(cpu, i.opSize, loadE(cpu, i, i.opSize));
}

/**
 * POP Ev (8F /0). The destination address is computed after ESP is incremented (SDM vol.2
 * "POP"); if the store faults, ESP is restored so the instruction can restart.
 */
export function popE(cpu: Cpu, i: Insn): void {
  const old = cpu.regs[4]!;
  const v = pop(cpu, i.opSize);
  try {
    storeE(cpu, i, i.opSize, v);
  } catch (e) {
    cpu.regs[4] = old;
    throw e;
  }
}

/**
 * PUSH Sreg: with a 32-bit operand the selector is zero-extended to 32 bits (older CPUs and
 * QEMU/Unicorn; recent Intel cores write 16 bits and leave the rest, SDM vol.2 "PUSH").
 */
export function pushS(cpu: Cpu, i: Insn): void {
  push(cpu, i.opSize, cpu.segSel[i.op]!);
}

/** POP Sreg: loads through the segment checks; POP SS inhibits interrupts for one instruction. */
export function popS(cpu: Cpu, i: Insn): void {
  const old = cpu.regs[4]!;
  const v = pop(cpu, i.opSize) & 0xffff;
  try {
    cpu.loadSegment(i.op, v);
  } catch (e) {
    cpu.regs[4] = old;
    throw e;
  }
  if (i.op === SS) cpu.inhibitInterrupts();
}

/** PUSHA/PUSHAD: EAX, ECX, EDX, EBX, original ESP, EBP, ESI, EDI. */
export function pusha(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const old = cpu.regs[4]!;
  try {
    for (let r = 0; r < 8; r++) push(cpu, size, r === 4 ? old : cpu.regs[r]!);
  } catch (e) {
    cpu.regs[4] = old;
    throw e;
  }
}

/** POPA/POPAD: the ESP slot is skipped. */
export function popa(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const n = size >> 3;
  const vals = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let k = 0; k < 8; k++) vals[7 - k] = peek(cpu, size, k * n);
  for (let r = 0; r < 8; r++) if (r !== 4) setReg(cpu, r, size, vals[r]!);
  adjustSp(cpu, 8 * n);
}

/** ENTER Iw,Ib (SDM vol.2 "ENTER"): nesting level taken modulo 32. */
export function enter(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const n = size >> 3;
  const level = i.imm2 & 31;
  const mask = cpu.stackMask;
  const oldEsp = cpu.regs[4]!;
  const oldEbp = cpu.regs[5]!;
  try {
    push(cpu, size, oldEbp);
    // A 32-bit ENTER on a 16-bit stack still saves all of ESP as the frame pointer (as Bochs;
    // test386 stage 1A, checked on a real 386).
    const frame = size === 32 ? cpu.regs[4]! : cpu.regs[4]! & mask;
    if (level > 0) {
      let ebp = oldEbp;
      for (let k = 1; k < level; k++) {
        ebp = (ebp & ~mask) | ((ebp - n) & mask);
        push(cpu, size, readMem(cpu, cpu.segAddr(SS, ebp & mask, n, false), size));
      }
      push(cpu, size, frame);
    }
    const esp = cpu.regs[4]!;
    const newSp = (esp - i.imm) & mask;
    // The final stack pointer must be writable (the processor checks the frame's end, for
    // the segment and for paging: test386 stage 1A expects the #PF).
    cpu.probeWrite(cpu.segAddr(SS, newSp, 1, true));
    cpu.regs[4] = (esp & ~mask) | newSp;
    // BP or EBP by the stack size, not the operand size (SDM vol.2 "ENTER"; test386 stage 1A).
    setReg(cpu, 5, mask === 0xffff ? 16 : 32, frame);
  } catch (e) {
    cpu.regs[4] = oldEsp;
    cpu.regs[5] = oldEbp;
    throw e;
  }
}

/** LEAVE: eSP = eBP, then pop eBP. */
export function leave(cpu: Cpu, i: Insn): void {
  const mask = cpu.stackMask;
  const old = cpu.regs[4]!;
  cpu.regs[4] = (old & ~mask) | (cpu.regs[5]! & mask);
  try {
    setReg(cpu, 5, i.opSize, pop(cpu, i.opSize));
  } catch (e) {
    cpu.regs[4] = old;
    throw e;
  }
}

/** POP r32 with a 32-bit stack: the common case without the generic size handling. */
export function popZ32(cpu: Cpu, i: Insn): void {
  if (cpu.stackMask !== 0xffffffff) return popZ(cpu, i);
  const esp = cpu.regs[4]!;
  const v = cpu.rd32(cpu.segAddr(SS, esp, 4, false));
  cpu.regs[4] = (esp + 4) | 0;
  cpu.regs[i.reg] = v;
}
