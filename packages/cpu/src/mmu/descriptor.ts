import type { CpuMemory } from "./linear-memory.js";
import { sysRd32, sysRd8, sysWr8 } from "./system-access.js";
import { LDTR } from "../state/registers.js";
import { ATTR_CODE, ATTR_DC, ATTR_DPL_SHIFT, ATTR_P, ATTR_RW, ATTR_S, type Descriptor, parseDescriptor } from "../state/segment-cache.js";

/**
 * Raw descriptor access for the protection checks (SDM vol.3 §3.4.5, §5.5-5.8): where a
 * selector's descriptor lives, its two dwords (gates need them undecoded), the accessed and
 * busy bits the processor writes back, and the type predicates the checks share.
 */

/** System descriptor and gate types (S = 0), SDM vol.3 table 3-2. */
export const SYS_TSS16_AVAIL = 0x1;
export const SYS_LDT = 0x2;
export const SYS_TSS16_BUSY = 0x3;
export const SYS_CALL_GATE16 = 0x4;
export const SYS_TASK_GATE = 0x5;
export const SYS_INT_GATE16 = 0x6;
export const SYS_TRAP_GATE16 = 0x7;
export const SYS_TSS32_AVAIL = 0x9;
export const SYS_TSS32_BUSY = 0xb;
export const SYS_CALL_GATE32 = 0xc;
export const SYS_INT_GATE32 = 0xe;
export const SYS_TRAP_GATE32 = 0xf;

/** The two dwords of a descriptor and the linear address they came from. */
export interface RawDescriptor {
  lo: number;
  hi: number;
  /** Linear address of the descriptor's first byte. */
  addr: number;
}

/**
 * Linear address of the descriptor `selector` names, or -1 when it lies beyond the GDT / LDT
 * limit or names the LDT while LDTR is unusable. The null selector is not special here.
 */
export function descriptorAddress(cpu: CpuMemory, selector: number): number {
  const index = selector & 0xfff8;
  if (selector & 4) {
    if (!(cpu.segAttr[LDTR]! & ATTR_P)) return -1;
    if (index + 7 > cpu.segLimit[LDTR]! >>> 0) return -1;
    return (cpu.segBase[LDTR]! + index) | 0;
  }
  if (index + 7 > cpu.gdtrLimit) return -1;
  return (cpu.gdtrBase + index) | 0;
}

/** Reads the descriptor `selector` names into `out`; false when it is out of the table. */
export function fetchDescriptor(cpu: CpuMemory, selector: number, out: RawDescriptor): boolean {
  const a = descriptorAddress(cpu, selector);
  if (a === -1) return false;
  out.addr = a;
  out.lo = sysRd32(cpu, a);
  out.hi = sysRd32(cpu, (a + 4) | 0);
  return true;
}

/** The access byte and flags as kept in the segment cache (see segment-cache.ts). */
export function rawAttr(r: RawDescriptor): number {
  return (r.hi >>> 8) & 0xf0ff;
}

export function rawDpl(r: RawDescriptor): number {
  return (r.hi >>> 13) & 3;
}

/** Decodes a raw code/data/TSS/LDT descriptor. */
export function toDescriptor(r: RawDescriptor, out: Descriptor): Descriptor {
  return parseDescriptor(r.lo, r.hi, out);
}

/**
 * Sets the accessed bit (type bit 0) of a code or data descriptor in memory when a segment
 * register is loaded from it (SDM vol.3 §3.4.5.1: the processor sets it, the OS may clear it).
 */
export function markAccessed(cpu: CpuMemory, r: RawDescriptor): void {
  if (r.hi & 0x100) return;
  r.hi |= 0x100;
  const at = (r.addr + 5) | 0;
  sysWr8(cpu, at, sysRd8(cpu, at) | 1);
}

/** Attribute predicates over the cache-format `attr`. */
export const isSystem = (attr: number): boolean => (attr & ATTR_S) === 0;
export const isCode = (attr: number): boolean => (attr & (ATTR_S | ATTR_CODE)) === (ATTR_S | ATTR_CODE);
export const isConformingCode = (attr: number): boolean =>
  (attr & (ATTR_S | ATTR_CODE | ATTR_DC)) === (ATTR_S | ATTR_CODE | ATTR_DC);
export const isWritableData = (attr: number): boolean => (attr & (ATTR_S | ATTR_CODE | ATTR_RW)) === (ATTR_S | ATTR_RW);
export const isReadable = (attr: number): boolean =>
  (attr & ATTR_S) !== 0 && ((attr & ATTR_CODE) === 0 || (attr & ATTR_RW) !== 0);
export const dplOf = (attr: number): number => (attr >> ATTR_DPL_SHIFT) & 3;
export const isPresent = (attr: number): boolean => (attr & ATTR_P) !== 0;

/**
 * Sets the accessed bit of the code/data descriptor `selector` names (after a successful
 * segment-register load, SDM vol.3 §3.4.5.1). Written only when clear, so reloading a
 * segment whose descriptor shares a page with code does not drop decoded instructions.
 */
export function setAccessedBit(cpu: CpuMemory, selector: number): void {
  const a = descriptorAddress(cpu, selector);
  if (a === -1) return;
  const at = (a + 5) | 0;
  const b = sysRd8(cpu, at);
  if (!(b & 1)) sysWr8(cpu, at, b | 1);
}
