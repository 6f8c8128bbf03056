import { IndexedRegisters, indexedRegistersState } from "./indexed-registers.js";

/** Number of CRT controller registers of the standard VGA (CR00-CR18). */
export const CRTC_REGISTER_COUNT = 0x19;
/** Every bit of every CRTC register is kept. */
const WRITE_MASKS = new Array<number>(CRTC_REGISTER_COUNT).fill(0xff);

/** The CRT controller's saved state. */
export const crtcState = indexedRegistersState(WRITE_MASKS, 0xff);

/**
 * The CRT controller, ports 0x3D4/0x3D5 in colour mode or 0x3B4/0x3B5 in mono mode
 * (IBM VGA Technical Reference, "CRT Controller Registers"; FreeVGA "CRTC Registers").
 * All 8 bits of the index register are kept (SVGA software probes extended indices); an
 * index past CR18 selects nothing.
 */
export class Crtc extends IndexedRegisters {
  constructor() {
    super(WRITE_MASKS, 0xff);
  }

  /**
   * A guest write of the data port. CR11 bit 7 ("Protect") makes CR00-CR07 read-only,
   * except CR07 bit 4 (line compare bit 8), which stays writable (IBM VGA Technical
   * Reference, Vertical Retrace End register; FreeVGA CR11 "Protect bit").
   */
  override writeData(value: number): void {
    const i = this.index;
    if (i <= 7 && this.writeProtected) {
      if (i === 7) this.regs[7] = (this.regs[7]! & ~0x10) | (value & 0x10);
      return;
    }
    super.writeData(value);
  }

  /** CR11 bit 7. */
  get writeProtected(): boolean {
    return (this.regs[0x11]! & 0x80) !== 0;
  }

  /** CR01: horizontal display end, the number of character clocks shown, minus one. */
  get displayedColumns(): number {
    return this.regs[0x01]! + 1;
  }

  /** Scan lines shown: vertical display end (CR12, CR07 bits 1 and 6 as bits 8 and 9) + 1. */
  get displayedScanLines(): number {
    const r = this.regs;
    return (r[0x12]! | ((r[0x07]! & 0x02) << 7) | ((r[0x07]! & 0x40) << 3)) + 1;
  }

  /** CR09 bits 0-4 + 1: scan lines per character row (text) or per pixel row (graphics). */
  get charHeight(): number {
    return (this.regs[0x09]! & 0x1f) + 1;
  }

  /** CR09 bit 7: every scan line is shown twice (200-line modes on a 400-line display). */
  get doubleScan(): boolean {
    return (this.regs[0x09]! & 0x80) !== 0;
  }

  /** CR0A bits 0-4: first scan line of the cursor. */
  get cursorStart(): number {
    return this.regs[0x0a]! & 0x1f;
  }

  /** CR0A bit 5: cursor off. */
  get cursorDisabled(): boolean {
    return (this.regs[0x0a]! & 0x20) !== 0;
  }

  /** CR0B bits 0-4: last scan line of the cursor. */
  get cursorEnd(): number {
    return this.regs[0x0b]! & 0x1f;
  }

  /** CR0B bits 5-6: cursor skew, in character clocks to the right. */
  get cursorSkew(): number {
    return (this.regs[0x0b]! >> 5) & 3;
  }

  /** CR0C:CR0D, the memory address (in character clocks) of the top-left character. */
  get startAddress(): number {
    return (this.regs[0x0c]! << 8) | this.regs[0x0d]!;
  }

  /** CR0E:CR0F, the memory address of the character the cursor is on. */
  get cursorLocation(): number {
    return (this.regs[0x0e]! << 8) | this.regs[0x0f]!;
  }

  /**
   * CR13: the offset between character rows. The row start address advances by twice the
   * register value in memory address units (FreeVGA CR13: mode 3 has 0x28, so 80 character
   * clocks per row).
   */
  get rowPitch(): number {
    return this.regs[0x13]! * 2;
  }

  /** CR14 bits 0-4: the scan line on which an underline is drawn. */
  get underlineLocation(): number {
    return this.regs[0x14]! & 0x1f;
  }

  /**
   * Turns a CRTC memory address (character clock count) into a plane byte address, per
   * the addressing mode (IBM VGA Technical Reference, CR14 bit 6 double-word mode, CR17
   * bit 6 byte/word mode, bit 5 address wrap): word mode shifts the address left by one and
   * puts MA13 (or MA15 when CR17 bit 5 is set) in bit 0 — which is why characters written
   * in odd/even mode, at even plane addresses, are the ones the text display fetches.
   */
  planeAddress(ma: number): number {
    const r = this.regs;
    if (r[0x14]! & 0x40) return ((ma << 2) | ((ma >> 14) & 3)) & 0xffff;
    if (r[0x17]! & 0x40) return ma & 0xffff;
    const wrapBit = r[0x17]! & 0x20 ? (ma >> 15) & 1 : (ma >> 13) & 1;
    return ((ma << 1) | wrapBit) & 0xffff;
  }
}
