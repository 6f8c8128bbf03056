import type { DecodedInsn } from "@ringlab/cpu";
import { sensitiveInstruction } from "./sensitive-instructions.js";

/**
 * The patch put over a sensitive instruction: HLT (F4), one byte, so it fits over the
 * shortest sensitive instruction (PUSHF, POPF, PUSH CS...). HLT is privileged, so at the
 * rings a deprivileged guest runs in (1 or 3) it raises #GP(0) before doing anything — a
 * fault, so the patched instruction is not counted as retired and the monitor then runs the
 * guest's own instruction exactly once.
 */
export const PATCH_BYTES: Uint8Array = Uint8Array.of(0xf4);
const PATCH_OPCODE = 0xf4;

/**
 * Prescans guest code before it first runs and patches its sensitive instructions (the
 * FreeMWare/plex86 plan). The CPU consults {@link hook} for each instruction it decodes into
 * its decoded-instruction cache, i.e. before the instruction's first run and again after the
 * guest writes into that code, which drops the cached page (so self-modifying code is
 * rescanned). The patch lives in the CPU's instruction view only: the guest reading its own
 * code sees its own bytes, as it would with a monitor keeping patched copies of code pages.
 */
export class CodeScanner {
  /** Instructions examined, and how many were patched. */
  scanned = 0;
  patched = 0;
  /** The guest's own instruction under each patch, by linear address. */
  private readonly originals = new Map<number, DecodedInsn>();

  /**
   * @param active Whether the guest currently runs deprivileged (only then is code patched:
   *   code the monitor emulates runs unpatched).
   * @param patching False turns the patches off, to show what a guest notices without them.
   */
  constructor(
    private readonly active: () => boolean,
    private readonly patching: boolean,
  ) {}

  readonly hook = (lin: number, insn: DecodedInsn): Uint8Array | null => {
    if (!this.active()) return null;
    this.scanned++;
    if (!this.patching || sensitiveInstruction(insn) === null) {
      this.originals.delete(lin); // the guest may have written over a patched instruction
      return null;
    }
    this.patched++;
    this.originals.set(lin, insn);
    return PATCH_BYTES;
  };

  /**
   * What the guest has at `lin`, given what the CPU has cached there (`cached`): the
   * original under a patch, else the cached instruction itself.
   */
  guestInstruction(lin: number, cached: DecodedInsn): DecodedInsn | undefined {
    if (cached.opcode !== PATCH_OPCODE || cached.len !== PATCH_BYTES.length) return cached;
    return this.originals.get(lin);
  }

  forget(): void {
    this.originals.clear();
  }
}
