import type { MemoryMap } from "@ringlab/sdk";
import { CR0_PG, CR4_PSE, PDE_PS, PTE_P } from "./paging.js";

/**
 * The physical address of linear `lin` as the page tables map it now, or undefined when it
 * is not mapped — for reports and debuggers: unlike the MMU's walk it sets no accessed or
 * dirty bit, checks no rights, fills no TLB entry and raises nothing.
 */
export function peekTranslate(mem: MemoryMap, cr0: number, cr3: number, cr4: number, lin: number): number | undefined {
  lin >>>= 0;
  if (!(cr0 & CR0_PG)) return lin;
  const pde = mem.read(((cr3 & 0xfffff000) + ((lin >>> 22) << 2)) >>> 0, 4);
  if (!(pde & PTE_P)) return undefined;
  if (pde & PDE_PS && cr4 & CR4_PSE) return ((pde & 0xffc00000) | (lin & 0x003fffff)) >>> 0;
  const pte = mem.read(((pde & 0xfffff000) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0, 4);
  if (!(pte & PTE_P)) return undefined;
  return ((pte & 0xfffff000) | (lin & 0xfff)) >>> 0;
}

/** `length` bytes from linear `lin`, stopping at the first unmapped page. */
export function peekLinear(mem: MemoryMap, cr0: number, cr3: number, cr4: number, lin: number, length: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const phys = peekTranslate(mem, cr0, cr3, cr4, (lin + i) >>> 0);
    if (phys === undefined) break;
    out.push(mem.read(phys, 1));
  }
  return Uint8Array.from(out);
}
