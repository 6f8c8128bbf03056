import { Bus } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { CpuFault } from "../src/exceptions/cpu-fault.js";
import { loadPdptes } from "../src/mmu/pae-paging.js";
import { CR0_PG, CR4_PAE, CR4_PSE, PDE_PS, PageWalkCounter, type PageAccess, type PagingRegs, PTE_P, PTE_RW } from "../src/mmu/paging.js";
import { Tlb } from "../src/mmu/tlb.js";

/**
 * The page-walk counter (a performance counter the vtx policy reads for its nested-paging
 * cost): walks are TLB misses, `completed` those that translated, `entryReads` one per
 * paging-structure entry read from memory (PAE's PDPTEs are registers: not counted).
 */

const R: PageAccess = { write: false, user: false };
const W: PageAccess = { write: true, user: false };

function memory() {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  return bus.memory;
}

const faults = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CpuFault && e.vector === 14) return true;
    throw e;
  }
  return false;
};

describe("the page-walk counter", () => {
  it("32-bit paging: two entries for a 4 KiB page, one for a 4 MiB page or a missing PDE; hits do not walk", () => {
    const mem = memory();
    mem.write(0x10000, 4, 0x11000 | PTE_P | PTE_RW); // PDE 0 -> PT at 0x11000
    mem.write(0x11000 + 5 * 4, 4, 0x50000 | PTE_P | PTE_RW); // PTE 5
    mem.write(0x10000 + 4, 4, 0x00400000 | PTE_P | PTE_RW | PDE_PS); // PDE 1: a 4 MiB page
    const regs: PagingRegs = { cr0: CR0_PG | 1, cr2: 0, cr3: 0x10000, cr4: CR4_PSE, pdpte: new Int32Array(8) };
    const c = new PageWalkCounter();
    const tlb = new Tlb(c);
    expect(tlb.translate(mem, regs, 0x5123, R)).toBe(0x50123);
    expect([c.walks, c.completed, c.entryReads]).toEqual([1, 1, 2]);
    tlb.translate(mem, regs, 0x5456, R); // a TLB hit
    expect([c.walks, c.completed, c.entryReads]).toEqual([1, 1, 2]);
    tlb.translate(mem, regs, 0x5456, W); // a write to a clean page walks to set D
    expect([c.walks, c.completed, c.entryReads]).toEqual([2, 2, 4]);
    tlb.translate(mem, regs, 0x400000, R); // the 4 MiB page
    expect([c.walks, c.completed, c.entryReads]).toEqual([3, 3, 5]);
    expect(faults(() => tlb.translate(mem, regs, 0x800000, R))).toBe(true); // PDE 2 not present
    expect([c.walks, c.completed, c.entryReads]).toEqual([4, 3, 6]);
  });

  it("PAE paging: the PDE and the PTE, not the PDPTE", () => {
    const mem = memory();
    mem.write(0x10000, 4, 0x11000 | PTE_P); // PDPTE 0 -> PD
    mem.write(0x11000, 4, 0x12000 | PTE_P | PTE_RW); // PDE 0 -> PT
    mem.write(0x12000 + 3 * 8, 4, 0x60000 | PTE_P | PTE_RW); // PTE 3
    const regs: PagingRegs = { cr0: CR0_PG | 1, cr2: 0, cr3: 0x10000, cr4: CR4_PAE, pdpte: new Int32Array(8) };
    expect(loadPdptes(mem, 0x10000, regs.pdpte)).toBe(true);
    const c = new PageWalkCounter();
    expect(new Tlb(c).translate(mem, regs, 0x3010, R)).toBe(0x60010);
    expect([c.walks, c.completed, c.entryReads]).toEqual([1, 1, 2]);
  });
});
