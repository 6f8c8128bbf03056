import type { Cpu } from "../cpu.js";
import { SS } from "../state/registers.js";

/**
 * A reader of the `n`-byte slots above the current stack pointer, as IRET and RETF pop them
 * before deciding what to do: slot k is at SS:(ESP + k·n), the offset wrapping at `mask`
 * (0xFFFF for a 16-bit stack). Each read goes through segmentation (limit checks, #SS).
 */
export function stackSlots(cpu: Cpu, n: number, mask: number = cpu.stackMask): (k: number) => number {
  const esp = cpu.regs[4]!;
  return (k) => {
    const lin = cpu.segAddr(SS, (esp + k * n) & mask, n, false);
    return n === 4 ? cpu.rd32(lin) : cpu.rd16(lin);
  };
}

/** The frame every IRET pops first: EIP, CS and EFLAGS in `n`-byte slots. */
export interface IretFrame {
  eip: number;
  /** The CS selector (low 16 bits of its slot). */
  sel: number;
  flags: number;
  /** Reads further slots (SS:ESP, V86 segment registers) of the same frame. */
  slot: (k: number) => number;
}

/** Reads (without popping) the EIP, CS, EFLAGS slots an IRET of `n`-byte slots returns through. */
export function iretFrame(cpu: Cpu, n: number, mask: number = cpu.stackMask): IretFrame {
  const slot = stackSlots(cpu, n, mask);
  return { eip: slot(0), sel: slot(1) & 0xffff, flags: slot(2), slot };
}
