import type { MemoryMap } from "@ringlab/sdk";
import { peekTranslatePae } from "./pae-paging.js";
import { CR0_PG, CR4_PAE, CR4_PSE, FOUR_GIB, PDE_PS, PTE_P } from "./paging.js";

/**
 * The physical address of linear `lin` as the page tables map it now, or undefined when it
 * is not mapped — for reports and debuggers: unlike the MMU's walk it sets no accessed or
 * dirty bit, checks no rights, fills no TLB entry and raises nothing. Under PAE paging
 * (`cr4` has PAE) it walks from the PDPTE registers `pdpte`, as the MMU does; the address
 * may then lie above 4 GiB.
 */
export function peekTranslate(mem: MemoryMap, cr0: number, cr3: number, cr4: number, lin: number, pdpte?: Int32Array): number | undefined {
  lin >>>= 0;
  if (!(cr0 & CR0_PG)) return lin;
  if (cr4 & CR4_PAE) return pdpte === undefined ? undefined : peekTranslatePae(mem, pdpte, lin);
  const pde = mem.read(((cr3 & 0xfffff000) + ((lin >>> 22) << 2)) >>> 0, 4);
  if (!(pde & PTE_P)) return undefined;
  if (pde & PDE_PS && cr4 & CR4_PSE) return ((pde & 0xffc00000) | (lin & 0x003fffff)) >>> 0;
  const pte = mem.read(((pde & 0xfffff000) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0, 4);
  if (!(pte & PTE_P)) return undefined;
  return ((pte & 0xfffff000) | (lin & 0xfff)) >>> 0;
}

/**
 * `length` bytes from linear `lin`, stopping at the first unmapped page. Bytes above 4 GiB
 * (PAE) read as 0xFF, as the CPU reads them: no memory is there.
 */
export function peekLinear(mem: MemoryMap, cr0: number, cr3: number, cr4: number, lin: number, length: number, pdpte?: Int32Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const phys = peekTranslate(mem, cr0, cr3, cr4, (lin + i) >>> 0, pdpte);
    if (phys === undefined) break;
    out.push(phys >= FOUR_GIB ? 0xff : mem.read(phys, 1));
  }
  return Uint8Array.from(out);
}
