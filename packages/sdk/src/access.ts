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
 */
export interface AccessHandlers {
  read8?(offset: number): number;
  read16?(offset: number): number;
  read32?(offset: number): number;
  write8?(offset: number, value: number): void;
  write16?(offset: number, value: number): void;
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
