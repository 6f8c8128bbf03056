import { stateBool, stateInt, z } from "@ringlab/sdk";
import { stateRegisters } from "../state-fields.js";

/** Number of attribute controller registers: 16 palette registers and AR10-AR14. */
export const ATTRIBUTE_REGISTER_COUNT = 0x15;
const MASKS = [...new Array<number>(16).fill(0x3f), 0xef, 0xff, 0x3f, 0x0f, 0x0f];

/** The attribute controller's saved state: index, PAS, the index/data flip-flop, registers. */
export const attributeControllerState = z
  .object({ index: stateInt(0, 0x1f), pas: stateBool(), flipFlop: stateBool(), regs: stateRegisters(MASKS) })
  .strict();

/** The values of {@link attributeControllerState}. */
export type AttributeControllerState = z.output<typeof attributeControllerState>;

/**
 * The attribute controller (IBM VGA Technical Reference, "Attribute Controller Registers";
 * FreeVGA "Attribute Controller Registers"). It has one write port, 0x3C0, that alternates
 * between index and data through a flip-flop; reading input status 1 (0x3DA, or 0x3BA in
 * mono mode) sets the flip-flop back to "index". 0x3C0 reads back the index register
 * (bits 0-4 the index, bit 5 PAS) and 0x3C1 the selected register, without moving the
 * flip-flop.
 *
 * PAS (palette address source, index bit 5) clear means the CPU owns the palette and the
 * screen is blanked; the BIOS sets it when done. As in QEMU and Bochs, palette writes are
 * accepted whatever PAS is.
 */
export class AttributeController {
  readonly regs = new Uint8Array(ATTRIBUTE_REGISTER_COUNT);
  /** True when the next 0x3C0 write is data. */
  flipFlop = false;
  private idx = 0;
  private pas = false;

  /** 0x3C0 read: the index register. */
  readIndex(): number {
    return this.idx | (this.pas ? 0x20 : 0);
  }

  /** 0x3C1 read: the register the index selects (0xFF past AR14). */
  readData(): number {
    return this.idx < ATTRIBUTE_REGISTER_COUNT ? this.regs[this.idx]! : 0xff;
  }

  /** 0x3C0 write. */
  write(value: number): void {
    if (!this.flipFlop) {
      this.idx = value & 0x1f;
      this.pas = (value & 0x20) !== 0;
    } else if (this.idx < ATTRIBUTE_REGISTER_COUNT) {
      this.regs[this.idx] = value & MASKS[this.idx]!;
    }
    this.flipFlop = !this.flipFlop;
  }

  /** What reading input status 1 does to the attribute controller. */
  resetFlipFlop(): void {
    this.flipFlop = false;
  }

  /** Index bit 5: the display, not the CPU, owns the palette (the screen is on). */
  get paletteAddressSource(): boolean {
    return this.pas;
  }

  /** AR10 bit 0: graphics mode. */
  get graphicsMode(): boolean {
    return (this.regs[0x10]! & 0x01) !== 0;
  }
  /** AR10 bit 2: line graphics: characters C0-DF repeat their 8th column as the 9th. */
  get lineGraphics(): boolean {
    return (this.regs[0x10]! & 0x04) !== 0;
  }
  /** AR10 bit 3: attribute bit 7 blinks the character instead of brightening the background. */
  get blinkEnabled(): boolean {
    return (this.regs[0x10]! & 0x08) !== 0;
  }
  /** AR10 bit 6: 8-bit colour (256-colour mode). */
  get eightBitColor(): boolean {
    return (this.regs[0x10]! & 0x40) !== 0;
  }

  /**
   * The DAC index for a 4-bit colour (IBM VGA Technical Reference, AR10 bit 7, AR12, AR14):
   * the colour plane enable register masks it, the palette register maps it to 6 bits, and
   * the colour select register gives bits 6-7 (and bits 4-5 when AR10 bit 7 is set).
   */
  dacIndex(color: number): number {
    const r = this.regs;
    const pal = r[(color & r[0x12]! & 0x0f)]!;
    const select = r[0x14]!;
    if (r[0x10]! & 0x80) return ((select & 0x0c) << 4) | ((select & 0x03) << 4) | (pal & 0x0f);
    return ((select & 0x0c) << 4) | (pal & 0x3f);
  }

  clear(): void {
    this.regs.fill(0);
    this.flipFlop = false;
    this.idx = 0;
    this.pas = false;
  }

  save(): AttributeControllerState {
    return { index: this.idx, pas: this.pas, flipFlop: this.flipFlop, regs: [...this.regs] };
  }

  /** Restores {@link save}'s value, already checked against {@link attributeControllerState}. */
  load(s: AttributeControllerState): void {
    this.idx = s.index;
    this.pas = s.pas;
    this.flipFlop = s.flipFlop;
    this.regs.set(s.regs);
  }
}
