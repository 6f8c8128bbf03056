import type { MemoryMap } from "@ringlab/sdk";
import {
  allowed,
  FOUR_GIB,
  PDE_PS,
  PFEC_P,
  PFEC_RSVD,
  PFEC_U,
  PFEC_W,
  pageFault,
  type PageAccess,
  type PageWalkCounter,
  type PagingRegs,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_P,
  PTE_RW,
  PTE_US,
  type TlbEntry,
} from "./paging.js";

/**
 * PAE paging (SDM vol.3 §4.4) as a P6-family part has it: CR3 holds the 32-byte-aligned
 * address of a page-directory-pointer table whose four 64-bit entries (PDPTEs) are copied
 * into registers when the SDM says so (§4.4.1, {@link loadPdptes}); each maps 1 GiB through a
 * page directory of 512 64-bit entries, which map 2 MiB pages (PS = 1, whatever CR4.PSE says)
 * or point to page tables of 512 64-bit entries mapping 4 KiB pages. MAXPHYADDR is 36, there
 * is no IA32_EFER (so no execute-disable bit) and no PAT, which fixes the reserved bits below.
 * Legacy-mode PDPTEs carry no R/W, U/S or accessed bit: rights are the PDE's and PTE's only.
 */

/** High dword of a PDE or PTE: bits 63:36 reserved (MAXPHYADDR 36; XD reserved without EFER.NXE). */
const HI_RESERVED = 0xfffffff0 | 0;
/** Low dword of a PDPTE: bits 2:1 and 8:5 reserved (SDM vol.3 table 4-8). */
const PDPTE_LO_RESERVED = 0x1e6;
/** Low dword of a 2 MiB PDE: bits 20:13 reserved, and bit 12 (PAT) with no PAT (§4.4.2). */
const PDE_2M_LO_RESERVED = 0x001ff000;
/** Low dword of a PTE: bit 7 (PAT) is reserved with no PAT (§4.4.2). */
const PTE_LO_RESERVED = 0x80;

/** Bits 35:32 of an entry's address, in its high dword. */
const HI_ADDRESS = 0xf;

/** 32 bits of physical memory at `addr`, all-ones above 4 GiB (no bus there: a hole). */
export function readPhys32(mem: MemoryMap, addr: number): number {
  return addr >= FOUR_GIB ? 0xffffffff : mem.read(addr, 4) >>> 0;
}

/** Writes 32 bits at physical `addr`; dropped above 4 GiB (a hole). */
function writePhys32(mem: MemoryMap, addr: number, v: number): void {
  if (addr < FOUR_GIB) mem.write(addr, 4, v >>> 0);
}

/** The 36-bit address an entry's bits 35:12 give, as a number. */
function entryAddress(lo: number, hi: number): number {
  return (hi & HI_ADDRESS) * FOUR_GIB + ((lo & 0xfffff000) >>> 0);
}

/**
 * Reads the four PDPTEs of the table CR3 = `cr3` names into `out` (low, high dword each),
 * and returns false — leaving `out` as it was — when a present entry sets a reserved bit:
 * the caller raises #GP(0) with nothing changed (SDM vol.3 §4.4.1; vol.2 "MOV CR").
 * The table lies below 4 GiB (CR3 bits 31:5).
 */
export function loadPdptes(mem: MemoryMap, cr3: number, out: Int32Array): boolean {
  const base = (cr3 & 0xffffffe0) >>> 0;
  const tmp = new Int32Array(8);
  for (let i = 0; i < 4; i++) {
    const lo = mem.read(base + 8 * i, 4) | 0;
    const hi = mem.read(base + 8 * i + 4, 4) | 0;
    if (lo & PTE_P && (lo & PDPTE_LO_RESERVED || hi & HI_RESERVED)) return false;
    tmp[2 * i] = lo;
    tmp[2 * i + 1] = hi;
  }
  out.set(tmp);
  return true;
}

/**
 * The PAE walk for `lin`: as paging.ts's `walk`, with the reserved-bit faults (#PF with
 * P and RSVD set, SDM vol.3 §4.7) and nothing written back on any fault.
 */
export function walkPae(mem: MemoryMap, regs: PagingRegs, lin: number, a: PageAccess, out: TlbEntry, count?: PageWalkCounter): TlbEntry {
  lin >>>= 0;
  const ecBase = (a.write ? PFEC_W : 0) | (a.user ? PFEC_U : 0);
  const rsvd = ecBase | PFEC_P | PFEC_RSVD;
  const k = (lin >>> 30) << 1;
  const pdpLo = regs.pdpte[k]!;
  // A loaded PDPTE that is present has no reserved bit set (loadPdptes refused it).
  if (!(pdpLo & PTE_P)) pageFault(regs, lin, ecBase);
  const pdeAddr = entryAddress(pdpLo, regs.pdpte[k + 1]!) + (((lin >>> 21) & 0x1ff) << 3);
  if (count !== undefined) count.entryReads++;
  const pde = readPhys32(mem, pdeAddr);
  if (!(pde & PTE_P)) pageFault(regs, lin, ecBase);
  const pdeHi = readPhys32(mem, pdeAddr + 4);
  if (pdeHi & HI_RESERVED) pageFault(regs, lin, rsvd);
  if (pde & PDE_PS) {
    // A 2 MiB page (CR4.PSE plays no part under PAE, SDM vol.3 §4.4.2).
    if (pde & PDE_2M_LO_RESERVED) pageFault(regs, lin, rsvd);
    out.user = (pde & PTE_US) !== 0;
    out.writable = (pde & PTE_RW) !== 0;
    if (!allowed(out, a, regs.cr0)) pageFault(regs, lin, ecBase | PFEC_P);
    let nv = pde | PTE_A;
    if (a.write) nv |= PTE_D;
    if ((nv ^ pde) !== 0) writePhys32(mem, pdeAddr, nv);
    out.phys = (pdeHi & HI_ADDRESS) * FOUR_GIB + ((pde & 0xffe00000) >>> 0) + (lin & 0x001ff000);
    out.dirty = (nv & PTE_D) !== 0;
    out.global = (pde & PTE_G) !== 0;
    return out;
  }
  const pteAddr = entryAddress(pde, pdeHi) + (((lin >>> 12) & 0x1ff) << 3);
  if (count !== undefined) count.entryReads++;
  const pte = readPhys32(mem, pteAddr);
  if (!(pte & PTE_P)) pageFault(regs, lin, ecBase);
  const pteHi = readPhys32(mem, pteAddr + 4);
  if (pte & PTE_LO_RESERVED || pteHi & HI_RESERVED) pageFault(regs, lin, rsvd);
  out.user = (pde & pte & PTE_US) !== 0;
  out.writable = (pde & pte & PTE_RW) !== 0;
  if (!allowed(out, a, regs.cr0)) pageFault(regs, lin, ecBase | PFEC_P);
  if (!(pde & PTE_A)) writePhys32(mem, pdeAddr, pde | PTE_A);
  let nv = pte | PTE_A;
  if (a.write) nv |= PTE_D;
  if ((nv ^ pte) !== 0) writePhys32(mem, pteAddr, nv);
  out.phys = entryAddress(pte, pteHi);
  out.dirty = (nv & PTE_D) !== 0;
  out.global = (pte & PTE_G) !== 0;
  return out;
}

/**
 * The physical address of `lin` under PAE paging without side effects (debug reads): no
 * accessed/dirty bits, no rights, no fault; undefined when not mapped (not present or a
 * reserved bit set).
 */
export function peekTranslatePae(mem: MemoryMap, pdpte: Int32Array, lin: number): number | undefined {
  lin >>>= 0;
  const k = (lin >>> 30) << 1;
  const pdpLo = pdpte[k]!;
  if (!(pdpLo & PTE_P)) return undefined;
  const pdeAddr = entryAddress(pdpLo, pdpte[k + 1]!) + (((lin >>> 21) & 0x1ff) << 3);
  const pde = readPhys32(mem, pdeAddr);
  const pdeHi = readPhys32(mem, pdeAddr + 4);
  if (!(pde & PTE_P) || pdeHi & HI_RESERVED) return undefined;
  if (pde & PDE_PS) {
    if (pde & PDE_2M_LO_RESERVED) return undefined;
    return (pdeHi & HI_ADDRESS) * FOUR_GIB + ((pde & 0xffe00000) >>> 0) + (lin & 0x001fffff);
  }
  const pteAddr = entryAddress(pde, pdeHi) + (((lin >>> 12) & 0x1ff) << 3);
  const pte = readPhys32(mem, pteAddr);
  const pteHi = readPhys32(mem, pteAddr + 4);
  if (!(pte & PTE_P) || pte & PTE_LO_RESERVED || pteHi & HI_RESERVED) return undefined;
  return entryAddress(pte, pteHi) + (lin & 0xfff);
}
