import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { CS } from "../state/registers.js";
import { buildBlock, type Fetch } from "./block-builder.js";
import { NOT_RUN } from "./jit-block.js";
import { setTranslation, translationOf } from "./translation-cache.js";

/**
 * Times an instruction is interpreted at a block boundary before its block is translated.
 * A translation costs V8 about a millisecond (parsing and compiling some kilobytes of source,
 * then optimizing it as it runs) and saves some 20-30 ns per instruction each time it runs,
 * so a block must run thousands of times to pay for itself. Measured on Debian's kernel
 * (150 M instructions of its initcalls, where the interpreter took 14.5 s): 64 s with a
 * threshold of 2, 26 s with 2,048, 19 s with 8,192, 13.5 s with 32,768; cpubench, whose
 * loops run millions of times, runs as fast with any of these.
 */
export const HOT_THRESHOLD = 32_768;

/**
 * The block JIT as the run loop sees it: {@link enter} is asked at each instruction the
 * loop is about to interpret; it runs the instruction's translated block when there is one
 * and the slice has room for all of it, translates it once the instruction is hot, and
 * otherwise leaves the instruction to the interpreter.
 *
 * The CPU consults it only when no trace hook is set: `--trace` and single-stepping stay
 * interpreted. Under the scan-and-patch monitors it translates the scanned code as cached,
 * patches included: a patch (HLT), like every privileged or sensitive instruction, has no
 * emitter, so it ends the block and exits from the interpreter exactly as before.
 */
export class JitEngine {
  /** The fault a block stopped at (state is as before the faulting instruction). */
  fault: unknown = undefined;
  /** Blocks translated so far (statistics). */
  blocksBuilt = 0;
  private readonly fetch: Fetch;

  constructor(
    fetch: Fetch,
    private readonly threshold = HOT_THRESHOLD,
  ) {
    this.fetch = fetch;
  }

  /**
   * Runs the block at `insn` (the instruction at CS:`cpu.eip`) if it is translated and at most
   * `left` instructions long. Returns NOT_RUN (the interpreter runs `insn`), RAN or FAULTED
   * (jit-block.ts).
   */
  enter(cpu: Cpu, insn: Insn, left: number): number {
    let block = translationOf(insn);
    if (block === null) {
      if (++insn.hits < this.threshold) return NOT_RUN;
      const eip = cpu.eip;
      block = buildBlock(cpu, insn, eip, (cpu.segBase[CS]! + eip) | 0, this.fetch, this);
      if (block.run !== null) this.blocksBuilt++;
      setTranslation(insn, block);
    }
    if (block.run === null || block.count > left) return NOT_RUN;
    return block.run(cpu);
  }

  /** The fault a FAULTED block left, taken. */
  takeFault(): unknown {
    const f = this.fault;
    this.fault = undefined;
    return f;
  }
}
