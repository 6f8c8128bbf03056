import type { CpuMemory } from "./linear-memory.js";

/**
 * Accesses the processor makes to system structures on its own behalf — descriptor tables,
 * the IDT, the TSS, the inner stack of a privilege change — are supervisor accesses for
 * paging whatever the CPL (SDM vol.3 §4.6, "implicit supervisor-mode accesses"). These
 * wrappers mark them (and restore the previous mark, so they nest). Under paging, an access
 * that the supervisor fast tables serve directly (paging-unit.ts: the page is supervisor-
 * readable, or writable and dirty, and, for a write, holds no decoded code) is made there
 * at once, without switching the CPU's tables: a system call from CPL 3 makes a dozen.
 */

/** The supervisor fast-table offset of `len` bytes at `lin` for a read, or -1. */
function supRead(cpu: CpuMemory, lin: number, len: number): number {
  const pager = cpu.pager;
  if (pager === null) return -1;
  const page = lin >>> 12;
  const off = lin & 0xfff;
  if (off + len > 0x1000 || pager.rpS[page] === null) return -1;
  return pager.po[page]! + off;
}

/** The same for a write: -1 also when the page holds decoded code (its checks are on the slow path). */
function supWrite(cpu: CpuMemory, lin: number, len: number): number {
  const pager = cpu.pager;
  if (pager === null) return -1;
  const page = lin >>> 12;
  const off = lin & 0xfff;
  if (off + len > 0x1000 || pager.wpS[page] === null || cpu.code.codeMask[page] !== 0) return -1;
  return pager.po[page]! + off;
}

export function sysRd8(cpu: CpuMemory, lin: number): number {
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    return cpu.rd8(lin);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysRd16(cpu: CpuMemory, lin: number): number {
  const o = supRead(cpu, lin, 2);
  if (o >= 0) {
    const b = cpu.pager!.rpS[lin >>> 12]!;
    return b[o]! | (b[o + 1]! << 8);
  }
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    return cpu.rd16(lin);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysRd32(cpu: CpuMemory, lin: number): number {
  const o = supRead(cpu, lin, 4);
  if (o >= 0) {
    const b = cpu.pager!.rpS[lin >>> 12]!;
    return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
  }
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    return cpu.rd32(lin);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysWr8(cpu: CpuMemory, lin: number, v: number): void {
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    cpu.wr8(lin, v);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysWr16(cpu: CpuMemory, lin: number, v: number): void {
  const o = supWrite(cpu, lin, 2);
  if (o >= 0) {
    const b = cpu.pager!.wpS[lin >>> 12]!;
    b[o] = v;
    b[o + 1] = v >> 8;
    return;
  }
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    cpu.wr16(lin, v);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysWr32(cpu: CpuMemory, lin: number, v: number): void {
  const o = supWrite(cpu, lin, 4);
  if (o >= 0) {
    const b = cpu.pager!.wpS[lin >>> 12]!;
    b[o] = v;
    b[o + 1] = v >> 8;
    b[o + 2] = v >> 16;
    b[o + 3] = v >> 24;
    return;
  }
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    cpu.wr32(lin, v);
  } finally {
    cpu.setSysAccess(prev);
  }
}
