import type { Cpu } from "../cpu.js";

/**
 * What a translated block's function returns: {@link NOT_RUN} when its entry guard found the
 * CPU in a mode it was not translated for (nothing changed), {@link RAN} when it retired its
 * instructions (registers, flags, EIP and the slice's count updated), {@link FAULTED} when an
 * instruction faulted: state is as before that instruction, and the fault waits in
 * `JitEngine.fault` for the run loop to deliver.
 */
export const NOT_RUN = 0;
export const RAN = 1;
export const FAULTED = 2;

/** One translated straight-line block. */
export interface JitBlock {
  /** Most instructions one run retires: the block runs only when the slice has that many left. */
  readonly count: number;
  /** Linear address of its first instruction. */
  readonly lin: number;
  /** The generated function. */
  readonly run: ((cpu: Cpu) => number) | null;
  /** The generated source, for tests and `--jit-dump` style debugging. */
  readonly source: string;
}

/**
 * The translation of an instruction that starts no translatable block: its count never fits
 * a slice, so the run loop interprets it without asking again.
 */
export const NO_BLOCK: JitBlock = Object.freeze({ count: 0x7fffffff, lin: 0, run: null, source: "" });
