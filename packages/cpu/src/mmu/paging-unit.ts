import type { MemoryMap } from "@ringlab/sdk";
import type { CodeCache } from "../decode/code-cache.js";
import type { CpuState } from "../state/cpu-state.js";
import { CR0_WP, CR4_PGE, FOUR_GIB, type PageAccess, type PageWalkCounter, type TlbEntry } from "./paging.js";
import { Tlb } from "./tlb.js";

const PAGES = 1 << 20;

/**
 * Paging as the CPU's memory path sees it (SDM vol.3 ch.4). While CR0.PG = 1, CpuMemory's
 * fast path reads per-*linear*-page tables instead of the bus's physical ones; a miss takes
 * the slow path, which calls {@link PagingUnit.translate}: a TLB lookup or page walk with
 * the U/S, R/W and WP checks (#PF), then a fast-table fill.
 *
 * There are two sets of fast tables, one per access class (as QEMU's MMU indexes): `rpU`/`wpU`
 * for user accesses (CPL 3) and `rpS`/`wpS` for supervisor ones (CPL 0-2, and the implicit
 * supervisor accesses of §4.6: descriptor tables, IDT, TSS, inner stacks). A read entry is
 * filled only if the page is readable by that class, a write entry only if it is writable
 * by it (for the supervisor: R/W or CR0.WP = 0) and already dirty, so the fast path never
 * needs a check; one walk fills both classes. The CPU reads the set of its current class,
 * so a CPL change just picks the other set: nothing is dropped (a system call costs no
 * flush). Entries are dropped on INVLPG, CR3 loads and paging-mode changes (CR0.PG/WP,
 * CR4.PSE/PGE/PAE).
 */
export class PagingUnit {
  readonly rpS: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  readonly wpS: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  readonly rpU: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  readonly wpU: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGES).fill(null);
  /** Offset of each filled page in its backing array (the same for both classes). */
  readonly po = new Int32Array(PAGES);
  /** Physical page of each filled linear page. */
  readonly physOf = new Int32Array(PAGES);
  readonly tlb: Tlb;
  private filled: number[] = [];
  private readonly access: PageAccess = { write: false, user: false };

  constructor(
    private readonly mem: MemoryMap,
    private readonly code: CodeCache,
    walks?: PageWalkCounter,
  ) {
    this.tlb = new Tlb(walks);
  }

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

  /**
   * Fills both classes' entries for `page` from translation `e`. Every entry is rewritten,
   * so a walk that found other rights (a PTE changed without INVLPG) leaves none stale.
   */
  private fill(cpu: CpuState, page: number, e: TlbEntry): void {
    // Nothing is mapped above 4 GiB (PAE): such pages stay on the slow path's open bus.
    if (e.phys >= FOUR_GIB) return;
    const phys = e.phys >>> 12;
    const r = this.mem.readPages[phys] ?? null;
    if (r === null) return;
    if (this.rpS[page] === null) this.filled.push(page);
    this.rpS[page] = r;
    this.rpU[page] = e.user ? r : null;
    this.po[page] = this.mem.pageOffsets[phys]!;
    this.physOf[page] = phys;
    const w = e.dirty && this.directWriteAllowed(page, phys) ? (this.mem.writePages[phys] ?? null) : null;
    // SDM vol.3 §4.6: supervisor writes need R/W only with CR0.WP = 1; user writes need U/S and R/W.
    this.wpS[page] = e.writable || (cpu.cr0 & CR0_WP) === 0 ? w : null;
    this.wpU[page] = e.user && e.writable ? w : null;
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
      if (this.rpS[p] !== null && this.physOf[p] === phys && (count > 1 || p !== page)) {
        this.wpS[p] = null;
        this.wpU[p] = null;
      }
    }
  }

  /** Drops the fast-table entries (the TLB keeps its translations). */
  flushFast(): void {
    for (const page of this.filled) {
      this.rpS[page] = null;
      this.wpS[page] = null;
      this.rpU[page] = null;
      this.wpU[page] = null;
    }
    this.filled = [];
  }

  /** INVLPG. */
  invalidate(lin: number): void {
    const page = lin >>> 12;
    this.rpS[page] = null;
    this.wpS[page] = null;
    this.rpU[page] = null;
    this.wpU[page] = null;
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

/** Whether page protection checks code at `cpl` with user rights (CPL 3, unless {@link CpuState.supervisorPages}). */
export function userRights(cpu: CpuState, cpl: number): boolean {
  return cpl === 3 && !cpu.supervisorPages;
}
