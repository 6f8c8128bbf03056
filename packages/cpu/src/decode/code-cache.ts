import type { Insn } from "./insn.js";

const PAGES = 1 << 20;

/**
 * Decoded instructions cached per 4 KiB guest physical page, indexed by the offset of their
 * first byte. A page's entry is dropped as a whole when the guest writes to it (the memory
 * write path checks `hasCode`), which makes self-modifying code work: the next fetch from
 * that page decodes again. Instructions that cross a page end are not cached.
 */
export class CodeCache {
  /** Per physical page: its decoded instructions, or null. */
  readonly pages: (Insn[] | null)[] = new Array<Insn[] | null>(PAGES).fill(null);
  /** Per physical page: 1 while `pages` holds instructions for it (the write path's check). */
  readonly hasCode = new Uint8Array(PAGES);
  /** How many pages were dropped because of writes (statistics). */
  invalidations = 0;

  /** The slot array for `page`, creating it. */
  pageFor(page: number): Insn[] {
    let p = this.pages[page];
    if (!p) {
      p = new Array<Insn>(4096);
      this.pages[page] = p;
      this.hasCode[page] = 1;
    }
    return p;
  }

  invalidatePage(page: number): void {
    if (this.pages[page]) {
      this.pages[page] = null;
      this.invalidations++;
    }
    this.hasCode[page] = 0;
  }

  flush(): void {
    this.pages.fill(null);
    this.hasCode.fill(0);
  }
}
