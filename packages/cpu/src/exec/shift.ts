import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { CF, OF } from "../state/eflags.js";
import { CC_SHL, CC_SHR, getCF, getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { getReg, readE, writeE } from "./operand.js";

/**
 * Shifts and rotates (SDM vol.1 §7.3.6-7.3.7): group 2 (ROL ROR RCL RCR SHL SHR SAL SAR in
 * /r order) and SHLD/SHRD. The count is masked to 5 bits; a masked count of 0 changes
 * nothing. Where Intel leaves a flag undefined (OF for counts > 1, AF) the values match
 * QEMU/Unicorn: OF follows the count-1 formula for any count, AF = 0.
 */
export const ROL = 0;
export const ROR = 1;
export const RCL = 2;
export const RCR = 3;
export const SHL = 4;
export const SHR = 5;
export const SAL = 6;
export const SAR = 7;
export const SHIFT_MNEMONICS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"] as const;

function setCfOf(cpu: Cpu, cf: number, of: number): void {
  setStatusFlags(cpu, (getStatusFlags(cpu) & ~(CF | OF)) | cf | (of << 11));
}

/** Shifts `v` (the operand, `size` bits) by the masked, non-zero count `c`; returns the result. */
function shiftValue(cpu: Cpu, kind: number, v: number, c: number, size: number): number {
  const sh = 32 - size;
  const mask = size === 32 ? -1 : (1 << size) - 1;
  v &= mask;
  switch (kind) {
    case ROL:
    case ROR: {
      const n = c & (size - 1);
      let r = v;
      if (n !== 0) r = kind === ROL ? ((v << n) | (v >>> (size - n))) & mask : ((v >>> n) | (v << (size - n))) & mask;
      const msb = (r >>> (size - 1)) & 1;
      if (kind === ROL) {
        const cf = r & 1;
        setCfOf(cpu, cf, msb ^ cf);
      } else {
        setCfOf(cpu, msb, msb ^ ((r >>> (size - 2)) & 1));
      }
      return r;
    }
    case RCL:
    case RCR: {
      const n = size === 32 ? c : c % (size + 1);
      if (n === 0) return v;
      let cf = getCF(cpu);
      let r = v;
      // One bit at a time through CF: rare enough that clarity wins over speed.
      for (let k = 0; k < n; k++) {
        if (kind === RCL) {
          const out = (r >>> (size - 1)) & 1;
          r = ((r << 1) | cf) & mask;
          cf = out;
        } else {
          const out = r & 1;
          r = ((r >>> 1) | (cf << (size - 1))) & mask;
          cf = out;
        }
      }
      // OF is defined for a count of 1 only (SDM vol.2 RCL/RCR); for larger counts ringlab
      // applies the count-1 rule to the final result, as a 386 does (test386.asm's stage EE
      // reference): RCL: MSB(result) XOR CF; RCR: the two most significant result bits XORed.
      const msb = (r >>> (size - 1)) & 1;
      setCfOf(cpu, cf, kind === RCL ? msb ^ cf : msb ^ ((r >>> (size - 2)) & 1));
      return r;
    }
    case SHR: {
      const a = v >>> (c - 1);
      const r = a >>> 1;
      cpu.ccOp = CC_SHR;
      cpu.ccA = (a << sh) >> sh;
      cpu.ccRes = (r << sh) >> sh;
      return r;
    }
    case SAR: {
      const s = (v << sh) >> sh;
      const a = s >> (c - 1);
      const r = a >> 1;
      cpu.ccOp = CC_SHR;
      cpu.ccA = a;
      cpu.ccRes = r;
      return r;
    }
    default: {
      // SHL, SAL
      const a = v << (c - 1);
      const r = a << 1;
      cpu.ccOp = CC_SHL;
      cpu.ccA = (a << sh) >> sh;
      cpu.ccRes = (r << sh) >> sh;
      return r;
    }
  }
}

function shiftE(cpu: Cpu, i: Insn, count: number): void {
  const c = count & 31;
  const v = readE(cpu, i, true);
  if (c === 0) return;
  writeE(cpu, i, shiftValue(cpu, i.op, v, c, i.opSize));
}

/** Group 2 with count 1 (D0/D1). */
export function shift1(cpu: Cpu, i: Insn): void {
  shiftE(cpu, i, 1);
}

/** Group 2 with count CL (D2/D3). */
export function shiftCL(cpu: Cpu, i: Insn): void {
  shiftE(cpu, i, cpu.regs[1]! & 0xff);
}

/** Group 2 with an immediate count (C0/C1). */
export function shiftI(cpu: Cpu, i: Insn): void {
  shiftE(cpu, i, i.imm);
}

/**
 * SHLD (op 0) / SHRD (op 1) Ev,Gv,count. For a 16-bit operand and a count above 16 the
 * result is undefined (SDM); like QEMU this shifts the 48-bit string dest:src:dest.
 */
function shiftDouble(cpu: Cpu, i: Insn, count: number): void {
  const c = count & 31;
  const size = i.opSize;
  const dst = readE(cpu, i, true);
  if (c === 0) return;
  const src = getReg(cpu, i.reg, size);
  let r: number;
  let a: number;
  if (size === 32) {
    if (i.op === 0) {
      a = dst << (c - 1);
      r = (dst << c) | (c === 32 ? 0 : src >>> (32 - c));
      cpu.ccOp = CC_SHL;
    } else {
      // QEMU shifts the 64-bit src:dest, so the count-1 value carries src bits on top
      // (they decide the undefined OF of counts > 1).
      a = c === 1 ? dst : (dst >>> (c - 1)) | (src << (33 - c));
      r = (dst >>> c) | (src << (32 - c));
      cpu.ccOp = CC_SHR;
    }
    r |= 0;
  } else {
    // The 48-bit string dest:src:dest, as QEMU builds it for 16-bit SHLD/SHRD.
    const x = (BigInt(dst & 0xffff) << 32n) | (BigInt(src & 0xffff) << 16n) | BigInt(dst & 0xffff);
    if (i.op === 0) {
      const top = (k: number) => Number(((x << BigInt(k)) >> 32n) & 0xffffn);
      r = top(c);
      a = top(c - 1);
      cpu.ccOp = CC_SHL;
    } else {
      const low = (k: number) => Number((x >> BigInt(k)) & 0xffffn);
      r = low(c);
      a = low(c - 1);
      cpu.ccOp = CC_SHR;
    }
    r = (r << 16) >> 16;
    a = (a << 16) >> 16;
  }
  cpu.ccA = a;
  cpu.ccRes = r;
  writeE(cpu, i, r);
}

export function shiftDoubleI(cpu: Cpu, i: Insn): void {
  shiftDouble(cpu, i, i.imm);
}

export function shiftDoubleCL(cpu: Cpu, i: Insn): void {
  shiftDouble(cpu, i, cpu.regs[1]! & 0xff);
}

/**
 * SHL/SHR/SAR r32 by an immediate or 1: the compiler's favourite forms, without the
 * generic operand and size handling (same flag recording as shiftValue).
 */
export function shiftR32(cpu: Cpu, i: Insn): void {
  const c = (i.opcode === 0xd1 ? 1 : i.imm) & 31;
  if (c === 0) return;
  const regs = cpu.regs;
  const v = regs[i.rm]!;
  let a: number;
  let r: number;
  switch (i.op) {
    case SHR:
      a = v >>> (c - 1);
      r = a >>> 1;
      cpu.ccOp = CC_SHR;
      a |= 0;
      r |= 0;
      break;
    case SAR:
      a = v >> (c - 1);
      r = a >> 1;
      cpu.ccOp = CC_SHR;
      break;
    default:
      a = v << (c - 1);
      r = a << 1;
      cpu.ccOp = CC_SHL;
      break;
  }
  cpu.ccA = a;
  cpu.ccRes = r;
  regs[i.rm] = r;
}

/** ROL/ROR r32 by an immediate or 1: CF and OF as `shiftValue` sets them, others kept. */
export function rotR32(cpu: Cpu, i: Insn): void {
  const c = (i.opcode === 0xd1 ? 1 : i.imm) & 31;
  if (c === 0) return;
  const regs = cpu.regs;
  const v = regs[i.rm]!;
  const rest = getStatusFlags(cpu) & ~(CF | OF);
  let r: number;
  let cf: number;
  let of: number;
  if (i.op === ROL) {
    r = (v << c) | (v >>> (32 - c));
    cf = r & 1;
    of = (r >>> 31) ^ cf;
  } else {
    r = (v >>> c) | (v << (32 - c));
    cf = r >>> 31;
    of = cf ^ ((r >>> 30) & 1);
  }
  setStatusFlags(cpu, rest | cf | (of << 11));
  regs[i.rm] = r;
}
