import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { DE } from "../exceptions/vectors.js";
import { CC_MUL } from "../state/lazy-flags.js";
import { getReg, loadE, setReg, sext } from "./operand.js";

/**
 * Multiply and divide (SDM vol.2 MUL, IMUL, DIV, IDIV). After MUL/IMUL, CF=OF tell whether
 * the high half is significant; SF, ZF, PF follow the low half and AF=0 (undefined in the
 * SDM; QEMU/Unicorn's values). DIV/IDIV leave every flag unchanged (undefined in the SDM,
 * unchanged in QEMU/Unicorn) and raise #DE on a zero divisor or a quotient that does not fit.
 */

/** High 32 bits of the unsigned 64-bit product of two 32-bit values. */
export function umulHigh(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed 64-bit product. */
export function smulHigh(a: number, b: number): number {
  let h = umulHigh(a, b);
  if (a < 0) h = (h - b) | 0;
  if (b < 0) h = (h - a) | 0;
  return h;
}

function setMulFlags(cpu: Cpu, overflow: boolean, low: number): void {
  cpu.ccOp = CC_MUL;
  cpu.ccA = overflow ? 1 : 0;
  cpu.ccB = 0;
  cpu.ccRes = low;
}

/** MUL Eb/Ev (F6/F7 /4): AX = AL*src, DX:AX = AX*src, EDX:EAX = EAX*src. */
export function mul(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const src = loadE(cpu, i, size);
  const regs = cpu.regs;
  if (size === 8) {
    const p = (regs[0]! & 0xff) * src;
    regs[0] = (regs[0]! & ~0xffff) | p;
    setMulFlags(cpu, p > 0xff, sext(p, 8));
  } else if (size === 16) {
    const p = (regs[0]! & 0xffff) * src;
    regs[0] = (regs[0]! & ~0xffff) | (p & 0xffff);
    regs[2] = (regs[2]! & ~0xffff) | (p >>> 16);
    setMulFlags(cpu, p > 0xffff, sext(p, 16));
  } else {
    const a = regs[0]!;
    const lo = Math.imul(a, src);
    const hi = umulHigh(a, src);
    regs[0] = lo;
    regs[2] = hi;
    setMulFlags(cpu, hi !== 0, lo);
  }
}

/** IMUL Eb/Ev, one operand (F6/F7 /5). */
export function imul1(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const src = sext(loadE(cpu, i, size), size);
  const regs = cpu.regs;
  if (size === 8) {
    const p = sext(regs[0]!, 8) * src;
    regs[0] = (regs[0]! & ~0xffff) | (p & 0xffff);
    setMulFlags(cpu, p !== sext(p, 8), sext(p, 8));
  } else if (size === 16) {
    const p = sext(regs[0]!, 16) * src;
    regs[0] = (regs[0]! & ~0xffff) | (p & 0xffff);
    regs[2] = (regs[2]! & ~0xffff) | ((p >> 16) & 0xffff);
    setMulFlags(cpu, p !== sext(p, 16), sext(p, 16));
  } else {
    const a = regs[0]!;
    const lo = Math.imul(a, src);
    const hi = smulHigh(a, src);
    regs[0] = lo;
    regs[2] = hi;
    setMulFlags(cpu, hi !== lo >> 31, lo);
  }
}

function imulTrunc(cpu: Cpu, a: number, b: number, size: number): number {
  if (size === 16) {
    const p = sext(a, 16) * sext(b, 16);
    const lo = sext(p, 16);
    setMulFlags(cpu, p !== lo, lo);
    return lo;
  }
  const lo = Math.imul(a, b);
  setMulFlags(cpu, smulHigh(a, b) !== lo >> 31, lo);
  return lo;
}

/** IMUL Gv,Ev (0F AF). */
export function imulGE(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  setReg(cpu, i.reg, size, imulTrunc(cpu, getReg(cpu, i.reg, size), loadE(cpu, i, size), size));
}

/** IMUL Gv,Ev,Iz / Gv,Ev,Ib (69 / 6B). */
export function imulGEI(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  setReg(cpu, i.reg, size, imulTrunc(cpu, loadE(cpu, i, size), i.imm, size));
}

/** DIV Eb/Ev (F6/F7 /6). */
export function div(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const d = loadE(cpu, i, size) >>> 0;
  if (d === 0) fault(DE);
  const regs = cpu.regs;
  if (size === 8) {
    const n = regs[0]! & 0xffff;
    const q = Math.floor(n / d);
    if (q > 0xff) fault(DE);
    regs[0] = (regs[0]! & ~0xffff) | ((n % d) << 8) | q;
  } else if (size === 16) {
    const n = ((regs[2]! & 0xffff) << 16 | (regs[0]! & 0xffff)) >>> 0;
    const q = Math.floor(n / d);
    if (q > 0xffff) fault(DE);
    regs[0] = (regs[0]! & ~0xffff) | q;
    regs[2] = (regs[2]! & ~0xffff) | (n % d);
  } else {
    const hi = regs[2]! >>> 0;
    const lo = regs[0]! >>> 0;
    if (hi === 0) {
      regs[0] = Math.floor(lo / d) | 0;
      regs[2] = lo % d | 0;
      return;
    }
    if (hi >= d) fault(DE);
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    const bd = BigInt(d);
    regs[0] = Number(n / bd) | 0;
    regs[2] = Number(n % bd) | 0;
  }
}

/** IDIV Eb/Ev (F6/F7 /7): quotient truncates toward zero, remainder has the dividend's sign. */
export function idiv(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const d = sext(loadE(cpu, i, size), size);
  if (d === 0) fault(DE);
  const regs = cpu.regs;
  if (size === 8) {
    const n = sext(regs[0]!, 16);
    const q = Math.trunc(n / d);
    if (q > 127 || q < -128) fault(DE);
    regs[0] = (regs[0]! & ~0xffff) | (((n % d) & 0xff) << 8) | (q & 0xff);
  } else if (size === 16) {
    const n = ((regs[2]! & 0xffff) << 16) | (regs[0]! & 0xffff);
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) fault(DE);
    regs[0] = (regs[0]! & ~0xffff) | (q & 0xffff);
    regs[2] = (regs[2]! & ~0xffff) | ((n % d) & 0xffff);
  } else {
    const n = (BigInt(regs[2]!) << 32n) | BigInt(regs[0]! >>> 0);
    const bd = BigInt(d);
    const q = n / bd;
    if (q > 0x7fffffffn || q < -0x80000000n) fault(DE);
    regs[0] = Number(q) | 0;
    regs[2] = Number(n % bd) | 0;
  }
}
