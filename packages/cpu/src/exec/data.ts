import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { UD } from "../exceptions/vectors.js";
import { testCondition } from "../state/lazy-flags.js";
import { CS, SS } from "../state/registers.js";
import { effOffset, getReg, getReg8, loadE, readE, readMem, setReg, setReg8, storeE, writeE } from "./operand.js";

/** Data movement (SDM vol.1 §7.3.1): MOV, MOVZX/MOVSX, XCHG, XLAT, LEA, BSWAP, CMOVcc, SETcc. */

/** MOV Eb,Gb / Ev,Gv. */
export function movEG(cpu: Cpu, i: Insn): void {
  storeE(cpu, i, i.opSize, getReg(cpu, i.reg, i.opSize));
}

export function movRR32(cpu: Cpu, i: Insn): void {
  cpu.regs[i.rm] = cpu.regs[i.reg]!;
}

export function movMR32(cpu: Cpu, i: Insn): void {
  cpu.wr32(cpu.addr(i, 4, true), cpu.regs[i.reg]!);
}

/** MOV Gb,Eb / Gv,Ev. */
export function movGE(cpu: Cpu, i: Insn): void {
  setReg(cpu, i.reg, i.opSize, loadE(cpu, i, i.opSize));
}

export function movRM32(cpu: Cpu, i: Insn): void {
  cpu.regs[i.reg] = cpu.rd32(cpu.addr(i, 4, false));
}

/** MOV Eb,Ib / Ev,Iz (C6/C7 /0). */
export function movEI(cpu: Cpu, i: Insn): void {
  storeE(cpu, i, i.opSize, i.imm);
}

/** MOV Zb,Ib / Zv,Iv (B0-BF). */
export function movZI(cpu: Cpu, i: Insn): void {
  setReg(cpu, i.reg, i.opSize, i.imm);
}

export function movZI32(cpu: Cpu, i: Insn): void {
  cpu.regs[i.reg] = i.imm;
}

/** MOV AL/eAX,moffs (A0/A1): the moffs is a memory operand with no base or index. */
export function movAO(cpu: Cpu, i: Insn): void {
  setReg(cpu, 0, i.opSize, readMem(cpu, cpu.addr(i, i.opSize >> 3, false), i.opSize));
}

/** MOV moffs,AL/eAX (A2/A3). */
export function movOA(cpu: Cpu, i: Insn): void {
  storeE(cpu, i, i.opSize, getReg(cpu, 0, i.opSize));
}

/**
 * MOV Ev,Sw (8C): a register destination with 32-bit operand size gets the selector
 * zero-extended (P6 and later, SDM vol.2 "MOV"); a memory destination is always 16 bits.
 */
export function movESw(cpu: Cpu, i: Insn): void {
  if (i.reg > 5) fault(UD);
  const sel = cpu.segSel[i.reg]!;
  if (i.rm >= 0) setReg(cpu, i.rm, i.opSize, sel);
  else storeE(cpu, i, 16, sel);
}

/** MOV Sw,Ew (8E): CS is not a valid destination (#UD); loading SS inhibits interrupts for one instruction. */
export function movSwE(cpu: Cpu, i: Insn): void {
  if (i.reg === CS || i.reg > 5) fault(UD);
  cpu.loadSegment(i.reg, loadE(cpu, i, 16));
  if (i.reg === SS) cpu.inhibitInterrupts();
}

/** MOVZX Gv,Eb / Gv,Ew (op = source size). */
export function movzx(cpu: Cpu, i: Insn): void {
  setReg(cpu, i.reg, i.opSize, loadE(cpu, i, i.op));
}

/** MOVSX Gv,Eb / Gv,Ew. */
export function movsx(cpu: Cpu, i: Insn): void {
  const sh = 32 - i.op;
  setReg(cpu, i.reg, i.opSize, (loadE(cpu, i, i.op) << sh) >> sh);
}

/** LEA Gv,M: the offset, truncated or zero-extended to the operand size. */
export function lea(cpu: Cpu, i: Insn): void {
  setReg(cpu, i.reg, i.opSize, effOffset(cpu, i));
}

/** XCHG Eb,Gb / Ev,Gv (always locked on memory; no visible difference on one CPU). */
export function xchgEG(cpu: Cpu, i: Insn): void {
  const a = readE(cpu, i, true);
  writeE(cpu, i, getReg(cpu, i.reg, i.opSize));
  setReg(cpu, i.reg, i.opSize, a);
}

/** XCHG eAX,Zv (91-97). */
export function xchgAZ(cpu: Cpu, i: Insn): void {
  const a = getReg(cpu, 0, i.opSize);
  setReg(cpu, 0, i.opSize, getReg(cpu, i.reg, i.opSize));
  setReg(cpu, i.reg, i.opSize, a);
}

/** NOP (90), PAUSE (F3 90): nothing. */
export function nop(_cpu: Cpu, _i: Insn): void {}

/** XLAT: AL = [seg:eBX + AL] (SDM vol.2 "XLAT"). */
export function xlat(cpu: Cpu, i: Insn): void {
  let off = (cpu.regs[3]! + getReg8(cpu, 0)) | 0;
  if (i.a16) off &= 0xffff;
  setReg8(cpu, 0, cpu.rd8(cpu.segAddr(i.seg, off, 1, false)));
}

/**
 * BSWAP r32. With a 16-bit operand the result is undefined (SDM); like QEMU/Unicorn this
 * swaps the whole 32-bit register.
 */
export function bswap(cpu: Cpu, i: Insn): void {
  const v = cpu.regs[i.reg]!;
  cpu.regs[i.reg] = ((v >>> 24) | ((v >> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

/** CMOVcc Gv,Ev: the source is read (and may fault) even when the condition is false. */
export function cmov(cpu: Cpu, i: Insn): void {
  const v = loadE(cpu, i, i.opSize);
  if (testCondition(cpu, i.op)) setReg(cpu, i.reg, i.opSize, v);
}

/** SETcc Eb. */
export function setcc(cpu: Cpu, i: Insn): void {
  storeE(cpu, i, 8, testCondition(cpu, i.op) ? 1 : 0);
}

/** CBW / CWDE (98). */
export function cbw(cpu: Cpu, i: Insn): void {
  const r = cpu.regs;
  if (i.opSize === 32) r[0] = (r[0]! << 16) >> 16;
  else r[0] = (r[0]! & ~0xffff) | (((r[0]! << 24) >> 24) & 0xffff);
}

/** CWD / CDQ (99). */
export function cwd(cpu: Cpu, i: Insn): void {
  const r = cpu.regs;
  if (i.opSize === 32) r[2] = r[0]! >> 31;
  else r[2] = (r[2]! & ~0xffff) | (((r[0]! << 16) >> 31) & 0xffff);
}

/** LES/LDS/LSS/LFS/LGS Gv,Mp (op = segment): offset to Gv, selector to the segment. */
export function loadFarPointer(cpu: Cpu, i: Insn): void {
  if (i.rm >= 0) fault(UD);
  const n = i.opSize >> 3;
  const lin = cpu.addr(i, n + 2, false);
  const off = readMem(cpu, lin, i.opSize);
  const sel = cpu.rd16((lin + n) | 0);
  cpu.loadSegment(i.op, sel);
  setReg(cpu, i.reg, i.opSize, off);
  if (i.op === SS) cpu.inhibitInterrupts();
}

/** SALC (D6, undocumented but present on every IA-32 CPU and in QEMU): AL = CF ? 0xFF : 0. */
export function salc(cpu: Cpu, _i: Insn): void {
  setReg8(cpu, 0, testCondition(cpu, 2) ? 0xff : 0);
}

/** MOV Gv,Ev with a register source (8B /r, mod 3). */
export function movRR32Rev(cpu: Cpu, i: Insn): void {
  cpu.regs[i.reg] = cpu.regs[i.rm]!;
}
