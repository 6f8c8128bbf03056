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
