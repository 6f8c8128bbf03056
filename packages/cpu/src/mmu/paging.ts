import type { MemoryMap } from "@ringlab/sdk";
import { CpuFault } from "../exceptions/cpu-fault.js";
import { PF_VEC } from "../exceptions/vectors.js";

/**
 * 32-bit paging (SDM vol.3 §4.3; PAE paging is in pae-paging.ts): the two-level walk through the page directory at
 * CR3 and a page table, or a 4 MiB page straight from the directory when CR4.PSE = 1; the
 * U/S and R/W checks (with CR0.WP for supervisor writes); the accessed and dirty bits the
 * walk writes back; the #PF error code; the TLB that caches them is tlb.ts.
 *
 * CpuMemory uses it through paging-unit.ts: with CR0.PG = 1 its fast path indexes
 * per-linear-page tables filled from the TLB (tlb.ts) instead of the bus's physical page tables, so
 * the flat no-paging path is the same code as without paging.
 */

/** Page-table entry bits (SDM vol.3 table 4-5/4-6). */
export const PTE_P = 0x001;
export const PTE_RW = 0x002;
export const PTE_US = 0x004;
export const PTE_A = 0x020;
export const PTE_D = 0x040;
/** PDE: 4 MiB page (with CR4.PSE). */
export const PDE_PS = 0x080;
/** PTE / 4 MiB PDE: global (kept across CR3 loads with CR4.PGE). */
export const PTE_G = 0x100;

/** #PF error-code bits (SDM vol.3 §4.7). */
export const PFEC_P = 1;
export const PFEC_W = 2;
export const PFEC_U = 4;
export const PFEC_RSVD = 8;

export const CR0_PG = 0x80000000 | 0;
export const CR0_WP = 0x10000;
export const CR4_PSE = 0x10;
export const CR4_PGE = 0x80;
/** CR4.PAE: 64-bit entries, three levels (SDM vol.3 §4.4, pae-paging.ts). */
export const CR4_PAE = 0x20;

/**
 * 2^32: PAE paging addresses 36 bits (MAXPHYADDR 36 on these parts), but the bus maps only
 * the first 4 GiB. What lies above is a hole like any unmapped range: reads return all-ones,
 * writes are dropped (see physical-access helpers in pae-paging.ts and linear-memory.ts).
 */
export const FOUR_GIB = 0x1_0000_0000;

/** An access to translate. */
export interface PageAccess {
  write: boolean;
  /** CPL 3 and not an implicit supervisor access (descriptor tables, TSS). */
  user: boolean;
}

/** The paging registers the walk reads. */
export interface PagingRegs {
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  /**
   * The four PDPTE registers of PAE paging, each as its low and high dword (SDM vol.3
   * §4.4.1): loaded from memory only at the moments the SDM names (pae-paging.ts).
   */
  pdpte: Int32Array;
}

/**
 * A hardware-like performance counter of page walks (as the PMU events counting completed
 * page walks and the paging-structure loads they make): what a TLB miss costs in memory
 * references. Counted by the walks of 32-bit and PAE paging while CR0.PG = 1.
 */
export class PageWalkCounter {
  /** Walks started (TLB misses, and writes to clean pages, which walk to set D). */
  walks = 0;
  /** Of those, walks that produced a translation (the others raised #PF). */
  completed = 0;
  /**
   * Paging-structure entries read from memory: one per level walked (PAE's PDPTEs are
   * registers, loaded with CR3, and are not counted).
   */
  entryReads = 0;
}

/** One cached translation: physical page and the combined rights of both levels. */
export interface TlbEntry {
  /**
   * Physical address of the 4 KiB page (for a 4 or 2 MiB page, of the 4 KiB slice used): a
   * plain number, since under PAE paging it may lie above 4 GiB (up to 2^36, where nothing
   * is mapped: see {@link FOUR_GIB}).
   */
  phys: number;
  /** U/S of both levels ANDed: user accesses allowed. */
  user: boolean;
  /** R/W of both levels ANDed. */
  writable: boolean;
  /** The dirty bit is already set in memory (a write needs no walk). */
  dirty: boolean;
  global: boolean;
}

/**
 * Whether an access with these rights is allowed (SDM vol.3 §4.6): user accesses need U/S
 * and, to write, R/W at both levels; supervisor writes need R/W only when CR0.WP = 1.
 */
export function allowed(e: { user: boolean; writable: boolean }, a: PageAccess, cr0: number): boolean {
  if (a.user) return e.user && (!a.write || e.writable);
  return !a.write || e.writable || (cr0 & CR0_WP) === 0;
}

/** Raises #PF for `lin` with error code `code`, recording the address in CR2. */
export function pageFault(regs: PagingRegs, lin: number, code: number): never {
  regs.cr2 = lin | 0;
  throw new CpuFault(PF_VEC, code);
}

/**
 * Walks the page tables for `lin` and returns the translation, setting the accessed bits of
 * the entries used and the dirty bit of the final entry for a write. A not-present entry, a
 * reserved bit or a rights violation raises #PF with CR2 = `lin` and nothing written back.
 */
export function walk(mem: MemoryMap, regs: PagingRegs, lin: number, a: PageAccess, out: TlbEntry, count?: PageWalkCounter): TlbEntry {
  lin >>>= 0;
  if (count !== undefined) count.entryReads++;
  const ecBase = (a.write ? PFEC_W : 0) | (a.user ? PFEC_U : 0);
  const pdeAddr = ((regs.cr3 & 0xfffff000) + ((lin >>> 22) << 2)) >>> 0;
  const pde = mem.read(pdeAddr, 4) >>> 0;
  if (!(pde & PTE_P)) pageFault(regs, lin, ecBase);
  if (pde & PDE_PS && regs.cr4 & CR4_PSE) {
    // 4 MiB page: bits 21-13 are reserved with a 32-bit physical address (no PSE-36).
    if (pde & 0x003fe000) pageFault(regs, lin, ecBase | PFEC_P | PFEC_RSVD);
    out.user = (pde & PTE_US) !== 0;
    out.writable = (pde & PTE_RW) !== 0;
    if (!allowed(out, a, regs.cr0)) pageFault(regs, lin, ecBase | PFEC_P);
    let nv = pde | PTE_A;
    if (a.write) nv |= PTE_D;
    if (nv !== pde) mem.write(pdeAddr, 4, nv >>> 0);
    out.phys = ((pde & 0xffc00000) | (lin & 0x003ff000)) >>> 0;
    out.dirty = (nv & PTE_D) !== 0;
    out.global = (pde & PTE_G) !== 0;
    return out;
  }
  const pteAddr = ((pde & 0xfffff000) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0;
  if (count !== undefined) count.entryReads++;
  const pte = mem.read(pteAddr, 4) >>> 0;
  if (!(pte & PTE_P)) pageFault(regs, lin, ecBase);
  out.user = (pde & pte & PTE_US) !== 0;
  out.writable = (pde & pte & PTE_RW) !== 0;
  if (!allowed(out, a, regs.cr0)) pageFault(regs, lin, ecBase | PFEC_P);
  if (!(pde & PTE_A)) mem.write(pdeAddr, 4, (pde | PTE_A) >>> 0);
  let nv = pte | PTE_A;
  if (a.write) nv |= PTE_D;
  if (nv !== pte) mem.write(pteAddr, 4, nv >>> 0);
  out.phys = (pte & 0xfffff000) >>> 0;
  out.dirty = (nv & PTE_D) !== 0;
  out.global = (pte & PTE_G) !== 0;
  return out;
}
