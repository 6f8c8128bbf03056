import type { Cpu } from "../cpu.js";
import { type Insn, REP_E, REP_NE, REP_NONE } from "../decode/insn.js";
import { DF } from "../state/eflags.js";
import { getZF } from "../state/lazy-flags.js";
import { ES } from "../state/registers.js";
import { alu, SUB } from "./alu.js";
import { portIn, portOut } from "./io.js";
import { getReg, readMem, setReg, writeMem } from "./operand.js";

/**
 * String instructions (SDM vol.1 §7.3.9): MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with
 * REP/REPE/REPNE. The source is DS:eSI (segment override allowed), the destination ES:eDI;
 * the address size picks SI/DI/CX or ESI/EDI/ECX; DF picks the direction.
 *
 * Each iteration of a repeated instruction counts as one retired instruction (as QEMU's
 * icount does): when the slice's budget runs out mid-string, the instruction stops with
 * eCX/eSI/eDI updated and EIP still on it, and resumes on the next `run`.
 */
export const MOVS = 0;
export const CMPS = 1;
export const STOS = 2;
export const LODS = 3;
export const SCAS = 4;
export const INS = 5;
export const OUTS = 6;

function step(cpu: Cpu, i: Insn, kind: number, size: number, delta: number, mask: number): void {
  const regs = cpu.regs;
  const si = regs[6]!;
  const di = regs[7]!;
  const n = size >> 3;
  switch (kind) {
    case MOVS: {
      const v = readMem(cpu, cpu.segAddr(i.seg, si & mask, n, false), size);
      writeMem(cpu, cpu.segAddr(ES, di & mask, n, true), size, v);
      regs[6] = (si & ~mask) | ((si + delta) & mask);
      regs[7] = (di & ~mask) | ((di + delta) & mask);
      return;
    }
    case CMPS: {
      const a = readMem(cpu, cpu.segAddr(i.seg, si & mask, n, false), size);
      const b = readMem(cpu, cpu.segAddr(ES, di & mask, n, false), size);
      alu(cpu, SUB, a, b, size);
      regs[6] = (si & ~mask) | ((si + delta) & mask);
      regs[7] = (di & ~mask) | ((di + delta) & mask);
      return;
    }
    case STOS:
      writeMem(cpu, cpu.segAddr(ES, di & mask, n, true), size, getReg(cpu, 0, size));
      regs[7] = (di & ~mask) | ((di + delta) & mask);
      return;
    case LODS:
      setReg(cpu, 0, size, readMem(cpu, cpu.segAddr(i.seg, si & mask, n, false), size));
      regs[6] = (si & ~mask) | ((si + delta) & mask);
      return;
    case SCAS: {
      const b = readMem(cpu, cpu.segAddr(ES, di & mask, n, false), size);
      alu(cpu, SUB, getReg(cpu, 0, size), b, size);
      regs[7] = (di & ~mask) | ((di + delta) & mask);
      return;
    }
    case INS: {
      // The destination is checked before the port is read (SDM vol.2 "INS").
      const lin = cpu.segAddr(ES, di & mask, n, true);
      writeMem(cpu, lin, size, portIn(cpu, regs[2]! & 0xffff, size));
      regs[7] = (di & ~mask) | ((di + delta) & mask);
      return;
    }
    default: {
      const v = readMem(cpu, cpu.segAddr(i.seg, si & mask, n, false), size);
      portOut(cpu, regs[2]! & 0xffff, size, v);
      regs[6] = (si & ~mask) | ((si + delta) & mask);
    }
  }
}

/** Executes a string instruction; `i.op` is the kind (MOVS..OUTS). */
export function stringOp(cpu: Cpu, i: Insn): void {
  const kind = i.op;
  const size = i.opSize;
  const delta = cpu.eflagsRest & DF ? -(size >> 3) : size >> 3;
  const mask = i.a16 ? 0xffff : -1;
  if (i.rep === REP_NONE) {
    step(cpu, i, kind, size, delta, mask);
    return;
  }
  const regs = cpu.regs;
  let count = regs[1]! & mask;
  if (count === 0) return;
  // Only CMPS and SCAS look at ZF; F3 on the others is plain REP.
  const cond = kind === CMPS || kind === SCAS ? i.rep : REP_NONE;
  const allowed = Math.max(1, cpu.budgetLeft());
  let done = 0;
  let stopped = false;
  try {
    while (done < allowed) {
      step(cpu, i, kind, size, delta, mask);
      done++;
      count = (count - 1) & mask;
      regs[1] = (regs[1]! & ~mask) | count;
      if (count === 0) break;
      if ((cond === REP_E && getZF(cpu) === 0) || (cond === REP_NE && getZF(cpu) === 1)) {
        stopped = true;
        break;
      }
      // An interrupt request (e.g. an OUTS to the PIC) is taken between iterations.
      if (cpu.eventPending) break;
    }
  } catch (e) {
    // A fault part-way: the iterations done are retired (each counts as an instruction);
    // the faulting one is not, and the instruction restarts with ECX/ESI/EDI as they are.
    cpu.retireExtra(done);
    throw e;
  }
  // Not finished: stay on this instruction (EIP already points past it).
  if (count !== 0 && !stopped) cpu.eip = cpu.code32 ? (cpu.eip - i.len) >>> 0 : (cpu.eip - i.len) & 0xffff;
  cpu.retireExtra(done - 1);
}
