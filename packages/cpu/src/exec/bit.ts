import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { CF } from "../state/eflags.js";
import { CC_LOGIC, getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { getReg, loadE, readMem, setReg, sext, writeMem } from "./operand.js";

/**
 * Bit test and scan (SDM vol.1 §7.3.7): BT, BTS, BTR, BTC (op 0..3) and BSF/BSR.
 * BT*: CF = the selected bit; the SDM leaves OF/SF/AF/PF undefined and ZF unchanged; here
 * all of them keep their values (QEMU derives some from its previous lazy state instead).
 * BSF/BSR: ZF = (source == 0), the destination is unchanged for a zero source; CF/OF/AF are
 * cleared and SF/PF follow the source, as QEMU/Unicorn do.
 */
export const BT = 0;
export const BTS = 1;
export const BTR = 2;
export const BTC = 3;

function apply(cpu: Cpu, op: number, v: number, bit: number): number {
  const m = 1 << bit;
  setStatusFlags(cpu, (getStatusFlags(cpu) & ~CF) | ((v >>> bit) & 1));
  switch (op) {
    case BTS:
      return v | m;
    case BTR:
      return v & ~m;
    case BTC:
      return v ^ m;
    default:
      return v;
  }
}

function bitOp(cpu: Cpu, i: Insn, offset: number, fromReg: boolean): void {
  const size = i.opSize;
  const op = i.op;
  if (i.rm >= 0) {
    const bit = offset & (size - 1);
    const r = apply(cpu, op, getReg(cpu, i.rm, size), bit);
    if (op !== BT) setReg(cpu, i.rm, size, r);
    return;
  }
  // A register bit offset is a signed index that may address outside the operand
  // (SDM vol.2 "BT", bit-base addressing): move by whole operands first.
  let disp = 0;
  let bit = offset & (size - 1);
  if (fromReg) {
    const o = sext(offset, size);
    disp = (o >> (size === 32 ? 5 : 4)) * (size >> 3);
    bit = o & (size - 1);
  }
  const base = cpu.addr(i, size >> 3, op !== BT);
  const lin = (base + disp) | 0;
  const v = readMem(cpu, lin, size);
  const r = apply(cpu, op, v, bit);
  if (op !== BT) writeMem(cpu, lin, size, r);
}

/** BT/BTS/BTR/BTC Ev,Gv. */
export function btEG(cpu: Cpu, i: Insn): void {
  bitOp(cpu, i, getReg(cpu, i.reg, i.opSize), true);
}

/** BT/BTS/BTR/BTC Ev,Ib (group 8). */
export function btEI(cpu: Cpu, i: Insn): void {
  bitOp(cpu, i, i.imm, false);
}

function scanFlags(cpu: Cpu, src: number, size: number): void {
  cpu.ccOp = CC_LOGIC;
  cpu.ccA = 0;
  cpu.ccB = 0;
  cpu.ccRes = sext(src, size);
}

/** BSF Gv,Ev. */
export function bsf(cpu: Cpu, i: Insn): void {
  const src = loadE(cpu, i, i.opSize);
  scanFlags(cpu, src, i.opSize);
  if (src === 0) return;
  setReg(cpu, i.reg, i.opSize, 31 - Math.clz32(src & -src));
}

/** BSR Gv,Ev. */
export function bsr(cpu: Cpu, i: Insn): void {
  const src = loadE(cpu, i, i.opSize);
  scanFlags(cpu, src, i.opSize);
  if (src === 0) return;
  setReg(cpu, i.reg, i.opSize, 31 - Math.clz32(src));
}
