import type { MemoryMap } from "@ringlab/sdk";
import * as R from "./registers.js";

/** Memory sizes as a PC BIOS reports them in CMOS. */
export interface MemorySizes {
  /** KiB of conventional memory from address 0 (at most 640). */
  baseKiB: number;
  /** KiB of RAM contiguous from 1 MiB. */
  extendedKiB: number;
}

/**
 * The sizes the bus's RAM gives: conventional memory is the RAM contiguous from 0 (up to
 * 640 KiB), extended memory the RAM contiguous from 1 MiB.
 */
export function memorySizesOf(memory: MemoryMap): MemorySizes {
  const ram = memory
    .regions()
    .filter((r) => r.kind === "ram")
    .map((r) => [r.base, r.base + r.size] as const)
    .sort((a, b) => a[0] - b[0]);
  const contiguousFrom = (start: number): number => {
    let end = start;
    for (const [b, e] of ram) if (b <= end && e > end) end = e;
    return end - start;
  };
  return {
    baseKiB: Math.min(640, Math.floor(contiguousFrom(0) / 1024)),
    extendedKiB: Math.floor(contiguousFrom(0x100000) / 1024),
  };
}

function put16(cmos: Uint8Array, lo: number, value: number): void {
  cmos[lo] = value & 0xff;
  cmos[lo + 1] = (value >> 8) & 0xff;
}

/**
 * Writes the memory fields of the PC CMOS map: base memory in KiB at 0x15/0x16, extended
 * memory in KiB (at most 0xFFFF) at 0x17/0x18 and again at 0x30/0x31, and memory above
 * 16 MiB in 64 KiB blocks (at most 0xFFFF) at 0x34/0x35.
 */
export function writeMemorySizes(cmos: Uint8Array, sizes: MemorySizes): void {
  put16(cmos, R.CMOS_BASE_MEMORY_LO, Math.min(640, sizes.baseKiB));
  const ext = Math.min(0xffff, sizes.extendedKiB);
  put16(cmos, R.CMOS_EXT_MEMORY_LO, ext);
  put16(cmos, R.CMOS_EXT_MEMORY2_LO, ext);
  const above16M = Math.max(0, sizes.extendedKiB - 15 * 1024);
  put16(cmos, R.CMOS_HIGH_MEMORY_LO, Math.min(0xffff, Math.floor(above16M / 64)));
}

/** The standard checksum: the 16-bit sum of bytes 0x10-0x2D. */
export function cmosChecksum(cmos: Uint8Array): number {
  let sum = 0;
  for (let i = R.CMOS_CHECKSUM_FIRST; i <= R.CMOS_CHECKSUM_LAST; i++) sum += cmos[i]!;
  return sum & 0xffff;
}

/** Stores {@link cmosChecksum} at 0x2E (high byte) and 0x2F (low byte). */
export function writeChecksum(cmos: Uint8Array): void {
  const sum = cmosChecksum(cmos);
  cmos[R.CMOS_CHECKSUM_HI] = sum >> 8;
  cmos[R.CMOS_CHECKSUM_LO] = sum & 0xff;
}
