import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";

/**
 * Operand access shared by the instruction families. Register values: 8/16-bit reads are
 * unsigned, 32-bit reads signed int32; writes keep the untouched upper bits.
 */

export function getReg8(cpu: Cpu, r: number): number {
  return r < 4 ? cpu.regs[r]! & 0xff : (cpu.regs[r - 4]! >> 8) & 0xff;
}

export function setReg8(cpu: Cpu, r: number, v: number): void {
  const regs = cpu.regs;
  if (r < 4) regs[r] = (regs[r]! & ~0xff) | (v & 0xff);
  else regs[r - 4] = (regs[r - 4]! & ~0xff00) | ((v & 0xff) << 8);
}

export function getReg16(cpu: Cpu, r: number): number {
  return cpu.regs[r]! & 0xffff;
}

export function setReg16(cpu: Cpu, r: number, v: number): void {
  cpu.regs[r] = (cpu.regs[r]! & ~0xffff) | (v & 0xffff);
}

export function getReg(cpu: Cpu, r: number, size: number): number {
  if (size === 32) return cpu.regs[r]!;
  if (size === 16) return cpu.regs[r]! & 0xffff;
  return getReg8(cpu, r);
}

export function setReg(cpu: Cpu, r: number, size: number, v: number): void {
  if (size === 32) cpu.regs[r] = v;
  else if (size === 16) cpu.regs[r] = (cpu.regs[r]! & ~0xffff) | (v & 0xffff);
  else setReg8(cpu, r, v);
}

export function readMem(cpu: Cpu, lin: number, size: number): number {
  if (size === 32) return cpu.rd32(lin);
  if (size === 16) return cpu.rd16(lin);
  return cpu.rd8(lin);
}

export function writeMem(cpu: Cpu, lin: number, size: number, v: number): void {
  if (size === 32) cpu.wr32(lin, v);
  else if (size === 16) cpu.wr16(lin, v);
  else cpu.wr8(lin, v);
}

/**
 * Reads the r/m operand at the instruction's operand size. `forWrite` checks the segment
 * for a later write too and remembers the address in `cpu.eaddr` for {@link writeE}.
 */
export function readE(cpu: Cpu, i: Insn, forWrite: boolean): number {
  const size = i.opSize;
  if (i.rm >= 0) return getReg(cpu, i.rm, size);
  const lin = cpu.addr(i, size >> 3, forWrite);
  cpu.eaddr = lin;
  const v = readMem(cpu, lin, size);
  // A read-modify-write must fault on its write before it changes anything (SDM vol.3
  // §6.5: a fault leaves the state as before the instruction): with paging on, check the
  // write now, after the read (so a not-present page still faults as a read, as QEMU does).
  if (forWrite && cpu.pager !== null) {
    cpu.probeWrite(lin);
    if ((lin & 0xfff) + (size >> 3) > 0x1000) cpu.probeWrite((lin + (size >> 3) - 1) | 0);
  }
  return v;
}

/** Writes the r/m operand; for memory, at the address of the preceding `readE`. */
export function writeE(cpu: Cpu, i: Insn, v: number): void {
  if (i.rm >= 0) setReg(cpu, i.rm, i.opSize, v);
  else writeMem(cpu, cpu.eaddr, i.opSize, v);
}

/** Writes the r/m operand without a preceding read (MOV, SETcc, POP Ev). */
export function storeE(cpu: Cpu, i: Insn, size: number, v: number): void {
  if (i.rm >= 0) setReg(cpu, i.rm, size, v);
  else writeMem(cpu, cpu.addr(i, size >> 3, true), size, v);
}

/** Reads an r/m operand of an explicit size (MOVZX, segment loads...). */
export function loadE(cpu: Cpu, i: Insn, size: number): number {
  if (i.rm >= 0) return getReg(cpu, i.rm, size);
  return readMem(cpu, cpu.addr(i, size >> 3, false), size);
}

/** Sign-extends the low `size` bits of v to int32. */
export function sext(v: number, size: number): number {
  const sh = 32 - size;
  return (v << sh) >> sh;
}

/** Masks v to `size` bits (unsigned for 8/16, int32 for 32). */
export function trunc(v: number, size: number): number {
  return size === 32 ? v | 0 : v & ((1 << size) - 1);
}

/** The effective offset of a memory operand (no segment base): what LEA stores. */
export function effOffset(cpu: Cpu, i: Insn): number {
  const r = cpu.regs;
  const off = (r[i.base]! + (r[i.index]! << i.scale) + i.disp) | 0;
  return i.a16 ? off & 0xffff : off;
}
