import type { CpuMemory } from "./linear-memory.js";

/**
 * Accesses the processor makes to system structures on its own behalf — descriptor tables,
 * the IDT, the TSS, the inner stack of a privilege change — are supervisor accesses for
 * paging whatever the CPL (SDM vol.3 §4.6, "implicit supervisor-mode accesses"). These
 * wrappers mark them (and restore the previous mark, so they nest).
 */

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
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    return cpu.rd16(lin);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysRd32(cpu: CpuMemory, lin: number): number {
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
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    cpu.wr16(lin, v);
  } finally {
    cpu.setSysAccess(prev);
  }
}

export function sysWr32(cpu: CpuMemory, lin: number, v: number): void {
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    cpu.wr32(lin, v);
  } finally {
    cpu.setSysAccess(prev);
  }
}
