/** Width of one bus access in bytes. */
export type AccessWidth = 1 | 2 | 4;

/** All-ones value of each width: what an undriven PC bus reads back. */
export const ALL_ONES: Readonly<Record<AccessWidth, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

/**
 * The handlers a device gives for a port range or an MMIO region. `offset` is relative to the
 * start of the claimed range. A device implements only the widths it serves:
 * - a wider access with no handler of its own is split into narrower ones (32 → two 16-bit,
 *   16 → two 8-bit), each decoded again at its own address, as the PC bus does for an 8-bit
 *   ISA device;
 * - a narrower access that the device does not serve reads all-ones and drops the write, and
 *   is counted as unclaimed.
 * Values are unsigned: 8-bit handlers see and return 0..0xFF, 32-bit ones 0..0xFFFFFFFF.
 * Offsets need not be aligned to the width: a 16-bit `IN` at an odd port reaches `read16`
 * with an odd offset. A port access goes whole to the wide handler of the claim that holds
 * its first port, even when it runs past that claim's last port; an MMIO access goes to a
 * handler only when it lies wholly inside the region, and is split otherwise.
 * A handler runs synchronously inside the guest instruction that made the access; an `Error`
 * it throws is reported as a {@link DeviceError} naming the device and the port or address.
 */
export interface AccessHandlers {
  /**
   * A guest byte read at `offset` bytes from the range's start (an `IN AL` or a byte load).
   * Returns the byte; bits above 7 are discarded.
   */
  read8?(offset: number): number;
  /**
   * A guest 16-bit read at `offset` (an `IN AX` or a word load); the value is little-endian,
   * the byte at `offset` in bits 7:0. Bits above 15 are discarded.
   */
  read16?(offset: number): number;
  /**
   * A guest 32-bit read at `offset` (an `IN EAX` or a doubleword load), little-endian;
   * returned as an unsigned 32-bit value (a negative int32 is taken as its unsigned view).
   */
  read32?(offset: number): number;
  /** A guest byte write of `value` (0..0xFF) at `offset` (an `OUT` of AL or a byte store). */
  write8?(offset: number, value: number): void;
  /** A guest 16-bit write of `value` (0..0xFFFF, little-endian) at `offset`. */
  write16?(offset: number, value: number): void;
  /** A guest 32-bit write of `value` (0..0xFFFFFFFF, little-endian) at `offset`. */
  write32?(offset: number, value: number): void;
}

/** The widths a handler set serves, as a list, e.g. `[1, 2]`. */
export function servedWidths(h: AccessHandlers): AccessWidth[] {
  const widths: AccessWidth[] = [];
  if (h.read8 || h.write8) widths.push(1);
  if (h.read16 || h.write16) widths.push(2);
  if (h.read32 || h.write32) widths.push(4);
  return widths;
}

/** `0x3f8` style hexadecimal, padded to `digits`. */
export function hex(value: number, digits = 0): string {
  return "0x" + (value >>> 0).toString(16).toUpperCase().padStart(digits, "0");
}
