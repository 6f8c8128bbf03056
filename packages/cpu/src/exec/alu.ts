import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { CC_ADD, CC_DEC, CC_INC, CC_LOGIC, CC_SUB, getCF } from "../state/lazy-flags.js";
import { getReg, loadE, readE, setReg, writeE } from "./operand.js";

/**
 * Integer arithmetic and logic (SDM vol.1 §7.3.2, §7.3.4): ADD, OR, ADC, SBB, AND, SUB, XOR,
 * CMP in their /r encoding order, plus TEST, INC, DEC, NEG, NOT. Flags are recorded lazily.
 */
export const ADD = 0;
export const OR = 1;
export const ADC = 2;
export const SBB = 3;
export const AND = 4;
export const SUB = 5;
export const XOR = 6;
export const CMP = 7;

export const ALU_MNEMONICS = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;

/**
 * Performs `op` on a and b of `size` bits, records the flags and returns the result
 * sign-extended to int32 (callers writing 8/16 bits mask it on the way out).
 */
export function alu(cpu: Cpu, op: number, a: number, b: number, size: number): number {
  const sh = 32 - size;
  a = (a << sh) >> sh;
  b = (b << sh) >> sh;
  let r: number;
  switch (op) {
    case ADD:
      r = a + b;
      cpu.ccOp = CC_ADD;
      break;
    case OR:
      r = a | b;
      cpu.ccOp = CC_LOGIC;
      break;
    case ADC:
      r = a + b + getCF(cpu);
      cpu.ccOp = CC_ADD;
      break;
    case SBB:
      r = a - b - getCF(cpu);
      cpu.ccOp = CC_SUB;
      break;
    case AND:
      r = a & b;
      cpu.ccOp = CC_LOGIC;
      break;
    case XOR:
      r = a ^ b;
      cpu.ccOp = CC_LOGIC;
      break;
    default: // SUB, CMP
      r = a - b;
      cpu.ccOp = CC_SUB;
      break;
  }
  r = (r << sh) >> sh;
  cpu.ccA = a;
  cpu.ccB = b;
  cpu.ccRes = r;
  return r;
}

/** op Eb,Gb / op Ev,Gv. */
export function aluEG(cpu: Cpu, i: Insn): void {
  const op = i.op;
  const r = alu(cpu, op, readE(cpu, i, op !== CMP), getReg(cpu, i.reg, i.opSize), i.opSize);
  if (op !== CMP) writeE(cpu, i, r);
}

/** op Ev,Gv with both operands 32-bit registers: the common case, kept short. */
export function aluRR32(cpu: Cpu, i: Insn): void {
  const regs = cpu.regs;
  const r = alu(cpu, i.op, regs[i.rm]!, regs[i.reg]!, 32);
  if (i.op !== CMP) regs[i.rm] = r;
}

/** op Gb,Eb / op Gv,Ev. */
export function aluGE(cpu: Cpu, i: Insn): void {
  const r = alu(cpu, i.op, getReg(cpu, i.reg, i.opSize), loadE(cpu, i, i.opSize), i.opSize);
  if (i.op !== CMP) setReg(cpu, i.reg, i.opSize, r);
}

/** op Eb,Ib / op Ev,Iz / op Ev,Ib (sign-extended). */
export function aluEI(cpu: Cpu, i: Insn): void {
  const op = i.op;
  const r = alu(cpu, op, readE(cpu, i, op !== CMP), i.imm, i.opSize);
  if (op !== CMP) writeE(cpu, i, r);
}

/** op r32,imm with a register destination. */
export function aluRI32(cpu: Cpu, i: Insn): void {
  const r = alu(cpu, i.op, cpu.regs[i.rm]!, i.imm, 32);
  if (i.op !== CMP) cpu.regs[i.rm] = r;
}

/** op AL,Ib / op eAX,Iz. */
export function aluAI(cpu: Cpu, i: Insn): void {
  const r = alu(cpu, i.op, getReg(cpu, 0, i.opSize), i.imm, i.opSize);
  if (i.op !== CMP) setReg(cpu, 0, i.opSize, r);
}

/** TEST Eb,Gb / Ev,Gv. */
export function testEG(cpu: Cpu, i: Insn): void {
  alu(cpu, AND, loadE(cpu, i, i.opSize), getReg(cpu, i.reg, i.opSize), i.opSize);
}

/** TEST Eb,Ib / Ev,Iz (group 3 /0 and /1). */
export function testEI(cpu: Cpu, i: Insn): void {
  alu(cpu, AND, loadE(cpu, i, i.opSize), i.imm, i.opSize);
}

/** TEST AL,Ib / eAX,Iz. */
export function testAI(cpu: Cpu, i: Insn): void {
  alu(cpu, AND, getReg(cpu, 0, i.opSize), i.imm, i.opSize);
}

function incdec(cpu: Cpu, a: number, size: number, dec: boolean): number {
  const sh = 32 - size;
  cpu.ccFlags = getCF(cpu);
  a = (a << sh) >> sh;
  const r = (((dec ? a - 1 : a + 1) << sh) >> sh);
  cpu.ccOp = dec ? CC_DEC : CC_INC;
  cpu.ccA = a;
  cpu.ccB = 1;
  cpu.ccRes = r;
  return r;
}

/** INC/DEC Eb/Ev (op 0 = INC, 1 = DEC). CF is preserved (SDM vol.2 "INC"). */
export function incdecE(cpu: Cpu, i: Insn): void {
  writeE(cpu, i, incdec(cpu, readE(cpu, i, true), i.opSize, i.op === 1));
}

/** INC/DEC r16/r32 (40-4F). */
export function incdecZ(cpu: Cpu, i: Insn): void {
  setReg(cpu, i.reg, i.opSize, incdec(cpu, getReg(cpu, i.reg, i.opSize), i.opSize, i.op === 1));
}

/** INC/DEC r32: the loop-counter case. */
export function incdecZ32(cpu: Cpu, i: Insn): void {
  cpu.regs[i.reg] = incdec(cpu, cpu.regs[i.reg]!, 32, i.op === 1);
}

/** NEG: 0 - dest, CF = (dest != 0) (SDM vol.2 "NEG"). */
export function negE(cpu: Cpu, i: Insn): void {
  writeE(cpu, i, alu(cpu, SUB, 0, readE(cpu, i, true), i.opSize));
}

/** NOT: no flags. */
export function notE(cpu: Cpu, i: Insn): void {
  writeE(cpu, i, ~readE(cpu, i, true));
}

// Register-register 32-bit forms of the commonest operations, one function each so the hot
// path has no operation switch (the generic `alu` handles every other form).
export function addRR32(cpu: Cpu, i: Insn): void {
  const regs = cpu.regs;
  const a = regs[i.rm]!;
  const b = regs[i.reg]!;
  const r = (a + b) | 0;
  cpu.ccOp = CC_ADD;
  cpu.ccA = a;
  cpu.ccB = b;
  cpu.ccRes = r;
  regs[i.rm] = r;
}

export function subRR32(cpu: Cpu, i: Insn): void {
  const regs = cpu.regs;
  const a = regs[i.rm]!;
  const b = regs[i.reg]!;
  const r = (a - b) | 0;
  cpu.ccOp = CC_SUB;
  cpu.ccA = a;
  cpu.ccB = b;
  cpu.ccRes = r;
  if (i.op !== CMP) regs[i.rm] = r;
}

export function logicRR32(cpu: Cpu, i: Insn): void {
  const regs = cpu.regs;
  const a = regs[i.rm]!;
  const b = regs[i.reg]!;
  const r = i.op === XOR ? a ^ b : i.op === AND ? a & b : a | b;
  cpu.ccOp = CC_LOGIC;
  cpu.ccA = a;
  cpu.ccB = b;
  cpu.ccRes = r;
  regs[i.rm] = r;
}

/** Picks the register-register 32-bit handler for ALU op `op`. */
export function rr32Handler(op: number): (cpu: Cpu, i: Insn) => void {
  switch (op) {
    case ADD:
      return addRR32;
    case SUB:
    case CMP:
      return subRR32;
    case AND:
    case OR:
    case XOR:
      return logicRR32;
    default:
      return aluRR32;
  }
}

/** DEC/INC r32 without the generic size handling. */
export function decR32(cpu: Cpu, i: Insn): void {
  const a = cpu.regs[i.reg]!;
  const op = cpu.ccOp;
  cpu.ccFlags = op === CC_INC || op === CC_DEC ? cpu.ccFlags : getCF(cpu);
  const r = (a - 1) | 0;
  cpu.ccOp = CC_DEC;
  cpu.ccA = a;
  cpu.ccB = 1;
  cpu.ccRes = r;
  cpu.regs[i.reg] = r;
}

export function incR32(cpu: Cpu, i: Insn): void {
  const a = cpu.regs[i.reg]!;
  const op = cpu.ccOp;
  cpu.ccFlags = op === CC_INC || op === CC_DEC ? cpu.ccFlags : getCF(cpu);
  const r = (a + 1) | 0;
  cpu.ccOp = CC_INC;
  cpu.ccA = a;
  cpu.ccB = 1;
  cpu.ccRes = r;
  cpu.regs[i.reg] = r;
}

/** TEST r32,imm / TEST EAX,imm32 with a register operand. */
export function testRI32(cpu: Cpu, i: Insn): void {
  const a = cpu.regs[i.rm >= 0 ? i.rm : 0]!;
  cpu.ccOp = CC_LOGIC;
  cpu.ccA = a;
  cpu.ccB = i.imm;
  cpu.ccRes = a & i.imm;
}

/** TEST r32,r32. */
export function testRR32(cpu: Cpu, i: Insn): void {
  const a = cpu.regs[i.rm]!;
  const b = cpu.regs[i.reg]!;
  cpu.ccOp = CC_LOGIC;
  cpu.ccA = a;
  cpu.ccB = b;
  cpu.ccRes = a & b;
}
