import { stateInt, z } from "@ringlab/sdk";
import { stateRegisters } from "../state-fields.js";

/** The saved state of a register file with these write masks and index mask. */
export function indexedRegistersState(writeMasks: readonly number[], indexMask: number) {
  return z.object({ index: stateInt(0, indexMask), regs: stateRegisters(writeMasks) }).strict();
}

/** The values of {@link indexedRegistersState}. */
export interface IndexedRegistersState {
  index: number;
  regs: number[];
}

/**
 * An index/data register pair as the VGA's sequencer, CRTC and graphics controller use
 * (IBM VGA Technical Reference, "Sequencer/CRT Controller/Graphics Controller Registers";
 * FreeVGA "Accessing the VGA registers"): the guest writes a register number to the index
 * port, then reads or writes the selected register at the data port.
 *
 * `writeMasks[i]` keeps the bits register i implements; reserved bits read back as 0, as
 * on IBM's VGA. An index beyond the register file selects nothing: reads answer 0xFF (an
 * undriven bus) and writes are dropped.
 */
export class IndexedRegisters {
  /** The register values. */
  readonly regs: Uint8Array;
  private idx = 0;

  constructor(
    private readonly writeMasks: readonly number[],
    private readonly indexMask: number,
  ) {
    this.regs = new Uint8Array(writeMasks.length);
  }

  /** The index register as the guest reads it back. */
  get index(): number {
    return this.idx;
  }

  set index(value: number) {
    this.idx = value & this.indexMask;
  }

  /** Register `i`, or 0xFF when there is none. */
  get(i: number): number {
    return i < this.regs.length ? this.regs[i]! : 0xff;
  }

  /** Stores `value` in register `i`, keeping only its implemented bits. */
  set(i: number, value: number): void {
    if (i < this.regs.length) this.regs[i] = value & this.writeMasks[i]!;
  }

  /** A guest read of the data port. */
  readData(): number {
    return this.get(this.idx);
  }

  /** A guest write of the data port. */
  writeData(value: number): void {
    this.set(this.idx, value);
  }

  clear(): void {
    this.regs.fill(0);
    this.idx = 0;
  }

  save(): IndexedRegistersState {
    return { index: this.idx, regs: [...this.regs] };
  }

  /** Restores {@link save}'s value, already checked against {@link indexedRegistersState}. */
  load(s: IndexedRegistersState): void {
    this.idx = s.index;
    this.regs.set(s.regs);
  }
}
