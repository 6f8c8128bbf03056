import type { MemoryMap } from "@ringlab/sdk";
import type { CodeCache } from "../decode/code-cache.js";
import type { CpuState } from "../state/cpu-state.js";
import { allowed, CR4_PGE, FOUR_GIB, type PageAccess, type TlbEntry } from "./paging.js";
import { Tlb } from "./tlb.js";

const PAGES = 1 << 20;

/**
 * Paging as the CPU's memory path sees it (SDM vol.3 ch.4). While CR0.PG = 1, CpuMemory's
 * fast path reads these per-*linear*-page tables instead of the bus's physical ones; a miss
 * takes the slow path, which calls {@link PagingUnit.translate}: a TLB lookup or page walk
 * with the U/S, R/W and WP checks (#PF), then, when the current privilege class may use the
 * page directly, a fast-table fill. A fast read entry is filled only if the page is readable
 * at the current class (user at CPL 3, supervisor otherwise), a write entry only if it is
 * also writable and already dirty, so the fast path never needs a check. Entries are
 * dropped on INVLPG, CR3 loads, paging-mode changes and changes between CPL 3 and CPL 0-2.
 *
 * The class the fast tables hold is {@link userClass}. A host's world switch
 * (`Cpu.setCpl`) may run the CPU briefly at the other class without dropping them: entries
 * for user rights are valid for a supervisor too, and while the classes differ nothing is
 * filled, so an entry never outlives the rights it was filled for.
 */
export class PagingUnit {
  readonly rp: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  readonly wp: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  readonly po = new Int32Array(PAGES);
  /** Physical page of each filled linear page. */
  readonly physOf = new Int32Array(PAGES);
  readonly tlb = new Tlb();
  private filled: number[] = [];
  private readonly access: PageAccess = { write: false, user: false };
  private readonly classAccess: PageAccess = { write: false, user: false };
  /** The fast tables (and decoded code) are for user rights (CPL 3), else supervisor. */
  userClass = false;

  constructor(
    private readonly mem: MemoryMap,
    private readonly code: CodeCache,
  ) {}

  /**
   * The physical address of `lin` for a read or write by `cpu` (a supervisor access when
   * `cpu.sysAccess` is set: descriptor tables, IDT, TSS, inner stacks). Faults #PF. Under
   * PAE paging the address may be {@link FOUR_GIB} or more: no memory is there.
   */
  translate(cpu: CpuState, lin: number, write: boolean): number {
    const a = this.access;
    a.write = write;
    a.user = userRights(cpu, cpu.cpl) && !cpu.sysAccess;
    const e = this.tlb.lookup(this.mem, cpu, lin, a);
    this.fill(cpu, lin >>> 12, e);
    return e.phys + (lin & 0xfff);
  }

  private fill(cpu: CpuState, page: number, e: TlbEntry): void {
    if (userRights(cpu, cpu.cpl) !== this.userClass) return;
    const c = this.classAccess;
    c.user = this.userClass;
    c.write = false;
    // Nothing is mapped above 4 GiB (PAE): such pages stay on the slow path's open bus.
    if (!allowed(e, c, cpu.cr0) || e.phys >= FOUR_GIB) return;
    const phys = e.phys >>> 12;
    const r = this.mem.readPages[phys] ?? null;
    if (r === null) return;
    if (this.rp[page] === null && this.wp[page] === null) this.filled.push(page);
    this.rp[page] = r;
    this.po[page] = this.mem.pageOffsets[phys]!;
    this.physOf[page] = phys;
    c.write = true;
    if (e.dirty && allowed(e, c, cpu.cr0) && this.directWriteAllowed(page, phys)) {
      this.wp[page] = this.mem.writePages[phys] ?? null;
    }
  }

  /**
   * Whether writes through linear `page` to physical `phys` may bypass the code checks of
   * other linear pages: yes unless code decoded from `phys` is cached under another linear
   * page (an alias), or under two or more (see code-cache.ts).
   */
  private directWriteAllowed(page: number, phys: number): boolean {
    const src = this.code.sourcesOf(phys);
    return src === undefined || (src.length === 1 && src[0] === page);
  }

  /**
   * Code from physical page `phys` was just cached under linear `page`, the `count`-th
   * linear page to hold it: drops the direct write entries that could now bypass a check.
   */
  codeCachedFrom(page: number, phys: number, count: number): void {
    for (const p of this.filled) {
      if (this.wp[p] !== null && this.physOf[p] === phys && (count > 1 || p !== page)) this.wp[p] = null;
    }
  }

  /** Drops the fast-table entries (the TLB keeps its translations). */
  flushFast(): void {
    for (const page of this.filled) {
      this.rp[page] = null;
      this.wp[page] = null;
    }
    this.filled = [];
  }

  /** INVLPG. */
  invalidate(lin: number): void {
    const page = lin >>> 12;
    this.rp[page] = null;
    this.wp[page] = null;
    this.tlb.invalidatePage(lin);
  }

  /** MOV CR3: everything but global pages when CR4.PGE = 1. */
  cr3Loaded(cr4: number): void {
    this.flushFast();
    this.tlb.flush((cr4 & CR4_PGE) !== 0);
  }

  /** CR0.PG/WP or CR4.PSE/PGE/PAE changed: nothing cached is valid. */
  flushAll(): void {
    this.flushFast();
    this.tlb.flush(false);
  }
}

/**
 * Called before CPL changes to `newCpl`: the fast tables and the decoded code (which skips
 * fetch checks) were filled for user or supervisor rights, so a change to the other class
 * drops them while paging is on.
 */
export function privilegeClassChanging(cpu: CpuState & { pager: PagingUnit | null; code: { flush(): void } }, newCpl: number): void {
  const pager = cpu.pager;
  const user = userRights(cpu, newCpl);
  if (pager !== null && user !== pager.userClass) {
    pager.flushFast();
    cpu.code.flush();
    pager.userClass = user;
  }
}

/** Whether page protection checks code at `cpl` with user rights (CPL 3, unless {@link CpuState.supervisorPages}). */
export function userRights(cpu: CpuState, cpl: number): boolean {
  return cpl === 3 && !cpu.supervisorPages;
}
