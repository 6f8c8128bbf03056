import { type AccessWidth, ALL_ONES, type Bus } from "@ringlab/sdk";
import { CodeCache } from "../decode/code-cache.js";
import type { Insn } from "../decode/insn.js";
import { CpuState } from "../state/cpu-state.js";
import { checkSegmentAccess } from "./segmentation.js";
import { PagingUnit, userRights } from "./paging-unit.js";
import { FOUR_GIB, PageWalkCounter } from "./paging.js";

/**
 * Memory as the CPU sees it: linear addresses, read and written through the bus's per-page
 * direct tables (the fast path) or its slow `read`/`write` (MMIO, unmapped, ROM, accesses
 * crossing a page). With paging on, the fast tables are the paging unit's per-linear-page
 * ones and the slow path translates (paging-unit.ts). Every write checks whether the
 * page holds decoded code and drops it (self-modifying code).
 *
 * 8/16-bit reads return unsigned values, 32-bit reads a signed int32.
 */
export class CpuMemory extends CpuState {
  readonly bus: Bus;
  readonly code = new CodeCache();
  /** Linear address of the last memory operand read by a read-modify-write instruction. */
  eaddr = 0;
  // The fast path's page tables: the bus's physical ones, or the paging unit's linear ones.
  private rp: (Uint8Array | null)[];
  private wp: (Uint8Array | null)[];
  private po: Int32Array;
  /** Paging (CR0.PG = 1), or null: linear = physical. */
  pager: PagingUnit | null = null;
  /**
   * Page walks made since power-on (a performance counter, not architectural state: it is
   * neither reset with the CPU nor saved in a snapshot). A host reads differences of it.
   */
  readonly pageWalks = new PageWalkCounter();
  /** Paging is on and the CPL's accesses have user rights (CPL 3, not supervisorPages). */
  private userClass = false;
  private readonly codeMask: Int32Array;

  constructor(bus: Bus) {
    super();
    this.bus = bus;
    this.rp = bus.memory.readPages;
    this.wp = bus.memory.writePages;
    this.po = bus.memory.pageOffsets;
    this.codeMask = this.code.codeMask;
    // The A20 gate moved (the CPU's A20M# input; SDM vol.3, "Architecture Compatibility"):
    // fast-table entries the paging unit copied, and code decoded through them, may now
    // stand for other physical bytes.
    bus.memory.setPagesChangedListener(() => this.physicalPagesChanged());
  }

  /** The bus's pages changed backing (the A20 gate): drops copied fast entries and decoded code. */
  private physicalPagesChanged(): void {
    this.pager?.flushFast();
    this.code.flush();
  }

  /**
   * Linear address of instruction `i`'s memory operand for an access of `len` bytes,
   * after the segment checks (none for flat data segments).
   */
  addr(i: Insn, len: number, write: boolean): number {
    const r = this.regs;
    let off = (r[i.base]! + (r[i.index]! << i.scale) + i.disp) | 0;
    if (i.a16) off &= 0xffff;
    const seg = i.seg;
    if (this.segCheck[seg] !== 0) checkSegmentAccess(this, seg, off, len, write);
    return (this.segBase[seg]! + off) | 0;
  }

  /** Linear address of `seg:off` for `len` bytes, checked. */
  segAddr(seg: number, off: number, len: number, write: boolean): number {
    if (this.segCheck[seg] !== 0) checkSegmentAccess(this, seg, off, len, write);
    return (this.segBase[seg]! + off) | 0;
  }

  /** The slow path's physical address for `lin` (translated, with #PF, when paging is on). */
  private phys(lin: number, write: boolean): number {
    return this.pager === null ? lin >>> 0 : this.pager.translate(this, lin, write);
  }

  /**
   * A slow-path read of physical `phys`. PAE paging can name addresses above 4 GiB, where
   * the bus has nothing: a hole like any unmapped range, reading all-ones.
   */
  private busRead(phys: number, len: AccessWidth): number {
    return phys < FOUR_GIB ? this.bus.memory.read(phys, len) : ALL_ONES[len];
  }

  /** A slow-path write of physical `phys`; dropped above 4 GiB (see {@link busRead}). */
  private busWrite(phys: number, len: AccessWidth, v: number): void {
    if (phys < FOUR_GIB) this.bus.memory.write(phys, len, v);
  }

  /**
   * The slow path's physical address for a write to `lin`; under paging, drops code cached
   * from that physical page under any linear page (a write through an alias mapping).
   */
  private physForWrite(lin: number): number {
    // With the A20 gate closed the bytes written are at the address with bit 20 cleared
    // (the pages with bit 20 set have no direct entries, so such a write always comes here):
    // code decoded from that page must go, whatever page the write named.
    const mask = this.bus.memory.a20Mask;
    if (this.pager === null) {
      const a = lin >>> 0;
      if ((a & mask) >>> 0 !== a) this.code.invalidatePage((a & mask) >>> 12);
      return a;
    }
    const a = this.pager.translate(this, lin, true);
    if (a < FOUR_GIB) this.code.invalidatePhysical((a & mask) >>> 12);
    return a;
  }

  /**
   * Decoded code from linear page `page` is about to be cached: under paging, remember the
   * physical page it came from so that writes through other mappings find it.
   */
  protected noteCodeSource(page: number): void {
    const pager = this.pager;
    if (pager === null) return;
    const phys = pager.physOf[page]!;
    const count = this.code.noteSource(page, phys);
    if (count > 0) pager.codeCachedFrom(page, phys, count);
  }

  /**
   * The CPL is about to become `newCpl` (nothing is accessed before it does): under paging,
   * selects the fast tables and the decoded-code view of its privilege class (paging-unit.ts).
   * Nothing is dropped, so a system call and its return cost no flush.
   */
  privilegeChanging(newCpl: number): void {
    if (this.pager === null) return;
    this.userClass = userRights(this, newCpl);
    this.selectTables();
    if (this.code.selectView(this.userClass)) this.codeViewChanged();
  }

  /**
   * Marks (or ends) an implicit supervisor access (SDM vol.3 §4.6: descriptor tables, IDT,
   * TSS, inner stacks): paging checks it with supervisor rights, through the supervisor fast
   * tables, whatever the CPL. Use it rather than setting {@link CpuState.sysAccess}.
   */
  setSysAccess(on: boolean): void {
    this.sysAccess = on;
    // Only user-class code has other tables than a supervisor access (the common case, at
    // CPL 0 pushing to its own stack, costs nothing more).
    if (this.userClass) this.selectTables();
  }

  /** Points the fast path at the paging unit's tables for data accesses of the current class. */
  private selectTables(): void {
    const pager = this.pager!;
    const user = this.userClass && !this.sysAccess;
    this.rp = user ? pager.rpU : pager.rpS;
    this.wp = user ? pager.wpU : pager.wpS;
  }

  /** The decoded-code view changed (code.pages): the run loop must reload it. */
  protected codeViewChanged(): void {}

  /**
   * CR0.PG or WP, CR4.PSE, PGE or PAE changed: switches the fast path between the bus's physical
   * page tables and the paging unit's linear ones and drops every cached translation. The
   * decoded instructions (indexed by linear page) go too when CR0.PG changed; with paging on
   * before and after, they are parked as at a CR3 load (code-cache.ts): Linux toggles
   * CR4.PGE to flush its global pages, which moves no code.
   */
  pagingChanged(): void {
    const wasPaging = this.pager !== null;
    if (this.cr0 & 0x80000000) {
      this.pager ??= new PagingUnit(this.bus.memory, this.code, this.pageWalks);
      this.pager.flushAll();
      this.userClass = userRights(this, this.cpl);
      this.selectTables();
      this.po = this.pager.po;
      if (this.code.selectView(this.userClass)) this.codeViewChanged();
    } else {
      this.pager = null;
      this.userClass = false;
      this.rp = this.bus.memory.readPages;
      this.wp = this.bus.memory.writePages;
      this.po = this.bus.memory.pageOffsets;
      // Without paging there are no page rights: one view for every CPL.
      if (this.code.selectView(false)) this.codeViewChanged();
    }
    if (wasPaging && this.pager !== null) this.code.park();
    else this.code.flush();
  }

  /**
   * Checks that a write to `lin` would not page-fault, without writing (ENTER's check of its
   * final stack pointer). Faults #PF like the write would; sets the accessed/dirty bits.
   */
  probeWrite(lin: number): void {
    // A direct write entry means the page is writable by the current class and already
    // dirty: the write cannot fault and would set nothing (paging-unit.ts).
    if (this.pager !== null && this.wp[lin >>> 12] === null) this.pager.translate(this, lin, true);
  }

  /**
   * True when linear page `page` is RAM the fast path reaches directly (under paging: a
   * translation already filled for the current privilege class, for data accesses), i.e. decoded code from it
   * may be cached: writes to it go through the code-cache checks.
   */
  directPage(page: number): boolean {
    return this.rp[page] !== null;
  }

  rd8(lin: number): number {
    const page = lin >>> 12;
    const b = this.rp[page]!;
    if (b !== null) return b[this.po[page]! + (lin & 0xfff)]!;
    return this.busRead(this.phys(lin, false), 1);
  }

  rd16(lin: number): number {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.rp[page]!;
    if (b !== null && off !== 0xfff) {
      const o = this.po[page]! + off;
      return b[o]! | (b[o + 1]! << 8);
    }
    return this.rdSlow(lin, 2);
  }

  rd32(lin: number): number {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.rp[page]!;
    if (b !== null && off <= 0xffc) {
      const o = this.po[page]! + off;
      return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
    }
    return this.rdSlow(lin, 4) | 0;
  }

  wr8(lin: number, v: number): void {
    const page = lin >>> 12;
    const m = this.codeMask[page]!;
    if (m !== 0 && (m >>> ((lin & 0xfff) >>> 7)) & 1) this.code.invalidatePage(page);
    const b = this.wp[page]!;
    if (b !== null) b[this.po[page]! + (lin & 0xfff)] = v;
    else this.busWrite(this.physForWrite(lin), 1, v & 0xff);
  }

  wr16(lin: number, v: number): void {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.wp[page]!;
    if (b !== null && off !== 0xfff) {
      const m = this.codeMask[page]!;
      if (m !== 0 && ((m >>> (off >>> 7)) | (m >>> ((off + 1) >>> 7))) & 1) this.code.invalidatePage(page);
      const o = this.po[page]! + off;
      b[o] = v;
      b[o + 1] = v >> 8;
      return;
    }
    this.wrSlow(lin, 2, v);
  }

  wr32(lin: number, v: number): void {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.wp[page]!;
    if (b !== null && off <= 0xffc) {
      const m = this.codeMask[page]!;
      if (m !== 0 && ((m >>> (off >>> 7)) | (m >>> ((off + 3) >>> 7))) & 1) this.code.invalidatePage(page);
      const o = this.po[page]! + off;
      b[o] = v;
      b[o + 1] = v >> 8;
      b[o + 2] = v >> 16;
      b[o + 3] = v >> 24;
      return;
    }
    this.wrSlow(lin, 4, v);
  }

  /** Reads `len` bytes that cross a page or touch a page without a direct array. */
  private rdSlow(lin: number, len: 2 | 4): number {
    const a = lin >>> 0;
    if ((a & 0xfff) + len <= 0x1000) return this.busRead(this.phys(a, false), len);
    let v = 0;
    for (let k = 0; k < len; k++) v |= this.rd8((lin + k) | 0) << (8 * k);
    return len === 4 ? v >>> 0 : v;
  }

  private wrSlow(lin: number, len: 2 | 4, v: number): void {
    const a = lin >>> 0;
    if ((a & 0xfff) + len <= 0x1000) {
      const page = a >>> 12;
      if (this.codeMask[page] !== 0) this.code.invalidatePage(page);
      this.busWrite(this.physForWrite(a), len, len === 4 ? v >>> 0 : v & 0xffff);
      return;
    }
    for (let k = 0; k < len; k++) this.wr8((lin + k) | 0, (v >>> (8 * k)) & 0xff);
  }
}
