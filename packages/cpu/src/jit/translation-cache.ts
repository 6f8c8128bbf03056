import type { Insn } from "../decode/insn.js";
import type { JitBlock } from "./jit-block.js";

/**
 * The translation cache is the decoded-instruction cache itself (decode/code-cache.ts): a
 * block's translation hangs off the decoded entry of its first instruction (`Insn.jit`),
 * and a block never leaves that instruction's page. So whatever drops decoded code drops the
 * translations with it — a guest write into a page's code (self-modifying code; the write
 * path's `codeMask` check), a write through another mapping of the page, a flush on a CR0.PG
 * or CS.D change — and keeps them where it keeps the code: a page parked at a CR3 load comes
 * back with its translations. A lookup needs no table of its own. The privilege views (user /
 * supervisor) share the decoded entries, and the run loop reaches an entry only through the
 * view of the current class, so a translation runs only where its code may be fetched.
 */

/** The translation of the block starting at `insn`, or null when none was made yet. */
export function translationOf(insn: Insn): JitBlock | null {
  return insn.jit as JitBlock | null;
}

/** Attaches `block` (possibly NO_BLOCK) to its first instruction's decoded entry. */
export function setTranslation(insn: Insn, block: JitBlock): void {
  insn.jit = block;
}
