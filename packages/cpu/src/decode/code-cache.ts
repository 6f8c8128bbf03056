import type { Insn } from "./insn.js";

const PAGES = 1 << 20;

/**
 * Decoded instructions cached per 4 KiB linear page (physical when paging is off), indexed
 * by the offset of their first byte. Each page also has a mask of the 128-byte chunks its cached instructions
 * occupy (`codeMask`); a guest write into such a chunk drops the page's instructions (the
 * memory write path checks the mask), which makes self-modifying code work: the next fetch
 * decodes again. Writes to other chunks of the page — data sharing a page with code, as in
 * small kernels — cost nothing. Instructions that cross a page end are not cached.
 *
 * With paging, several linear pages may map one physical page, so the cache also knows
 * which linear pages hold code decoded from each physical page ({@link noteSource}). The
 * paging unit gives no direct write access to such a physical page through any other linear
 * page (or through any linear page once two hold its code); those writes take the slow path,
 * which drops the code of every linear page decoded from it ({@link invalidatePhysical}).
 *
 * With paging, code is fetched with the rights of the current privilege class (SDM vol.3
 * §4.6: no instruction may run at CPL 3 from a supervisor page). Every cached page is in the
 * supervisor view ({@link all}: a supervisor may fetch from any present page); the user view
 * ({@link user}) shares the same slot arrays but lists only pages that user code may fetch
 * from, linked when a fetch at CPL 3 found the page user-readable ({@link linkUser}).
 * {@link pages} is the view of the current class, so a CPL change drops nothing.
 *
 * A CR3 load changes which physical page each linear page maps, so the cached pages can no
 * longer be trusted as they are; but most of them (the kernel's, shared by every address
 * space) still map the same physical page afterwards. Instead of dropping them, {@link park}
 * sets every cached page aside with the physical page it was decoded from; the first fetch
 * from a parked page translates it again and {@link unpark}s it: the same physical page gets
 * its instructions (and their JIT translations) back, another one is decoded afresh. While
 * parked, a page keeps its {@link codeMask} and its {@link noteSource} entry, so writes still
 * drop it as they would a live page.
 */
export class CodeCache {
  /** Per page: its decoded instructions, or null (the supervisor view). */
  readonly all: (Insn[] | null)[] = new Array<Insn[] | null>(PAGES).fill(null);
  /** The pages of {@link all} that user code may fetch from (allocated with the first use). */
  private user: (Insn[] | null)[] | null = null;
  /** The view of the current privilege class: {@link all}, or the user view. */
  pages: (Insn[] | null)[] = this.all;
  /**
   * Per physical page: bit k set when a cached instruction occupies bytes 128k..128k+127
   * (the write path's check); 0 when nothing is cached.
   */
  readonly codeMask = new Int32Array(PAGES);
  /** How many pages were dropped because of writes (statistics). */
  invalidations = 0;
  /** Physical page -> the linear pages holding code decoded from it (paging only). */
  private readonly sources = new Map<number, number[]>();
  /** Per linear page: the physical page its code was decoded from (paging only). */
  private readonly decodedFrom = new Int32Array(PAGES);
  /** Pages put into {@link all} since the last {@link park} (may repeat), so a park touches only them. */
  private live: number[] = [];
  /** Linear pages set aside by {@link park}, with their instructions. */
  private readonly parked = new Map<number, Insn[]>();
  /** Pages restored by {@link unpark} (statistics). */
  unparked = 0;
  /** Pages that received a slot array since the last flush, so a flush touches only them. */
  private used: number[] = [];
  /** 1 while a page is in `used` (a page dropped by a write and refilled is listed once). */
  private readonly listed = new Uint8Array(PAGES);

  /**
   * Caches `insn`, which stands for the `span` guest bytes at `off` in `page` (its own length,
   * or a patched instruction's) and does not cross the page end.
   */
  store(page: number, off: number, insn: Insn, span = insn.len): void {
    const slots = this.pageFor(page);
    slots[off] = insn;
    // Decoded by a fetch of the current class: in the user view, the page is user-fetchable.
    if (this.pages !== this.all) this.pages[page] = slots;
    const first = off >>> 7;
    const last = (off + span - 1) >>> 7;
    let m = this.codeMask[page]!;
    for (let k = first; k <= last; k++) m |= 1 << k;
    this.codeMask[page] = m;
  }

  /** The slot array for `page`, creating it. */
  pageFor(page: number): Insn[] {
    let p = this.all[page];
    if (!p) {
      p = new Array<Insn>(4096);
      this.all[page] = p;
      this.live.push(page);
      if (this.listed[page] === 0) {
        this.listed[page] = 1;
        this.used.push(page);
      }
    }
    return p;
  }

  /**
   * Linear page `page` holds code decoded from physical page `phys`. Returns how many linear
   * pages now hold code from `phys` (0 when `page` was already known).
   */
  noteSource(page: number, phys: number): number {
    this.decodedFrom[page] = phys;
    let list = this.sources.get(phys);
    if (list === undefined) this.sources.set(phys, (list = []));
    if (list.includes(page)) return 0;
    list.push(page);
    return list.length;
  }

  /** The linear pages holding code decoded from physical page `phys`, if any. */
  sourcesOf(phys: number): readonly number[] | undefined {
    return this.sources.get(phys);
  }

  /** A write reached physical page `phys`: drops the code of every linear page decoded from it. */
  invalidatePhysical(phys: number): void {
    const list = this.sources.get(phys);
    if (list === undefined) return;
    this.sources.delete(phys);
    for (const page of list) this.invalidatePage(page);
  }

  /**
   * Selects the view of user fetches (CPL 3 with user rights under paging) or of
   * supervisor ones. Returns whether the view changed (the run loop must then reload it).
   */
  selectView(user: boolean): boolean {
    const next = user ? (this.user ??= new Array<Insn[] | null>(PAGES).fill(null)) : this.all;
    if (next === this.pages) return false;
    this.pages = next;
    return true;
  }

  /** A fetch with user rights found cached page `page` user-readable: show it to user code too. */
  linkUser(page: number): void {
    if (this.user !== null) this.user[page] = this.all[page]!;
  }

  invalidatePage(page: number): void {
    if (this.all[page]) {
      this.all[page] = null;
      if (this.user !== null) this.user[page] = null;
      this.invalidations++;
    } else if (this.parked.size !== 0 && this.parked.delete(page)) this.invalidations++;
    this.codeMask[page] = 0;
  }

  /**
   * The linear-to-physical mapping changed wholesale (MOV CR3): sets every cached page aside
   * until a fetch shows which physical page it maps now ({@link unpark}).
   */
  park(): void {
    const user = this.user;
    for (const page of this.live) {
      const slots = this.all[page];
      if (slots === null) continue;
      this.parked.set(page, slots);
      this.all[page] = null;
      if (user !== null) user[page] = null;
    }
    this.live = [];
  }

  /** Whether linear page `page` is parked (a fetch must {@link unpark} it first). */
  isParked(page: number): boolean {
    return this.parked.size !== 0 && this.parked.has(page);
  }

  /**
   * A fetch found parked `page` mapped to physical page `phys` (-1: to no RAM): its
   * instructions come back to the supervisor view if they were decoded from `phys`, and are
   * dropped otherwise. The user view links it again on a user fetch (the rights may differ).
   */
  unpark(page: number, phys: number): void {
    const slots = this.parked.get(page);
    if (slots === undefined) return;
    if (phys === this.decodedFrom[page]) {
      this.parked.delete(page);
      this.all[page] = slots;
      this.live.push(page);
      this.unparked++;
    } else this.invalidatePage(page);
  }

  flush(): void {
    this.sources.clear();
    this.parked.clear();
    this.live = [];
    const user = this.user;
    for (const page of this.used) {
      this.all[page] = null;
      if (user !== null) user[page] = null;
      this.codeMask[page] = 0;
      this.listed[page] = 0;
    }
    this.used = [];
  }
}
