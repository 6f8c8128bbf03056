import type { MemoryMap } from "@ringlab/sdk";
import { walkPae } from "./pae-paging.js";
import { allowed, CR4_PAE, type PageAccess, type PageWalkCounter, type PagingRegs, type TlbEntry, walk } from "./paging.js";

/**
 * Walks the page tables of the paging mode CR4.PAE selects (SDM vol.3 §4.1.1): 32-bit paging
 * (paging.ts) or PAE paging (pae-paging.ts). Every translation the CPU makes comes here,
 * through the TLB below.
 */
export function walkPageTables(mem: MemoryMap, regs: PagingRegs, lin: number, a: PageAccess, out: TlbEntry, count?: PageWalkCounter): TlbEntry {
  return regs.cr4 & CR4_PAE ? walkPae(mem, regs, lin, a, out, count) : walk(mem, regs, lin, a, out, count);
}

/**
 * A TLB of 4 KiB translations by linear page (SDM vol.3 §4.10). Entries are filled by
 * {@link walkPageTables} and dropped by INVLPG (one page), a CR3 load (all but global entries when
 * CR4.PGE = 1) or a change of CR0.PG/WP, CR4.PSE/PGE/PAE (all).
 */
export class Tlb {
  private readonly entries = new Map<number, TlbEntry>();

  /** @param counter Counts this TLB's walks, when given. */
  constructor(private readonly counter?: PageWalkCounter) {}

  /** Translates `lin`, from the TLB when the cached rights allow the access. */
  translate(mem: MemoryMap, regs: PagingRegs, lin: number, a: PageAccess): number {
    return this.lookup(mem, regs, lin, a).phys + (lin & 0xfff);
  }

  /** The translation of `lin`'s page for access `a`, walking when the TLB cannot serve it. */
  lookup(mem: MemoryMap, regs: PagingRegs, lin: number, a: PageAccess): TlbEntry {
    const page = lin >>> 12;
    let e = this.entries.get(page);
    // A write to a clean page must walk so that the dirty bit gets set in memory.
    if (e === undefined || !allowed(e, a, regs.cr0) || (a.write && !e.dirty)) {
      const c = this.counter;
      if (c !== undefined) c.walks++;
      e = walkPageTables(mem, regs, lin, a, { phys: 0, user: false, writable: false, dirty: false, global: false }, c);
      if (c !== undefined) c.completed++;
      this.entries.set(page, e);
    }
    return e;
  }

  /** INVLPG: drops the entry for `lin`'s page, global or not. */
  invalidatePage(lin: number): void {
    this.entries.delete(lin >>> 12);
  }

  /** MOV CR3: drops every entry except global ones when CR4.PGE = 1. */
  flush(keepGlobal: boolean): void {
    if (!keepGlobal) {
      this.entries.clear();
      return;
    }
    for (const [page, e] of this.entries) if (!e.global) this.entries.delete(page);
  }

  /** Every cached translation as [linear page number, entry], for reports and debuggers. */
  cached(): IterableIterator<[number, Readonly<TlbEntry>]> {
    return this.entries.entries();
  }

  get size(): number {
    return this.entries.size;
  }
}
