import { IndexedRegisters, indexedRegistersState } from "./indexed-registers.js";

const WRITE_MASKS = [0x03, 0x3d, 0x0f, 0x3f, 0x0e];
const INDEX_MASK = 0x07;

/** The sequencer's saved state. */
export const sequencerState = indexedRegistersState(WRITE_MASKS, INDEX_MASK);

/**
 * The sequencer, ports 0x3C4 (index) / 0x3C5 (data). Five registers (IBM VGA Technical
 * Reference, "Sequencer Registers"; FreeVGA "Sequencer Registers"):
 * SR0 reset, SR1 clocking mode, SR2 map mask, SR3 character map select, SR4 memory mode.
 * The index register implements bits 0-2. SR4 bit 0 is reserved on the VGA (it was the
 * EGA's "alpha" bit), so the 0x03 that SeaBIOS writes there reads back as 0x02, the value
 * of IBM's mode 3 table (QEMU masks it the same way).
 */
export class Sequencer extends IndexedRegisters {
  constructor() {
    super(WRITE_MASKS, INDEX_MASK);
  }

  /** SR1 bit 0: 8-dot characters when set, 9-dot when clear. */
  get charWidth(): 8 | 9 {
    return this.regs[1]! & 0x01 ? 8 : 9;
  }

  /** SR1 bit 3: the dot clock is halved, so every pixel is shown twice (40-column modes). */
  get dotClockHalved(): boolean {
    return (this.regs[1]! & 0x08) !== 0;
  }

  /** SR1 bit 5: screen off (the display is blanked, memory stays accessible). */
  get screenOff(): boolean {
    return (this.regs[1]! & 0x20) !== 0;
  }

  /** SR2 bits 0-3: the planes a CPU write may change. */
  get mapMask(): number {
    return this.regs[2]! & 0x0f;
  }

  /**
   * SR3 character map select: map A (used when attribute bit 3 is set) is bits 5,3,2, map B
   * (bit 3 clear) is bits 4,1,0; the high bit of each is the "half" map. Returns the byte
   * offset of the map in plane 2 (maps 0-3 at 16 KiB steps, 4-7 at the 8 KiB between them).
   */
  fontOffset(attributeBit3: boolean): number {
    const v = this.regs[3]!;
    const map = attributeBit3 ? (((v >> 5) & 1) << 2) | ((v >> 2) & 3) : (((v >> 4) & 1) << 2) | (v & 3);
    return (map & 3) * 0x4000 + (map >> 2) * 0x2000;
  }

  /** SR4 bit 2 clear: odd/even writes (even addresses to planes 0/2, odd to planes 1/3). */
  get oddEvenWrites(): boolean {
    return (this.regs[4]! & 0x04) === 0;
  }

  /** SR4 bit 3: chain 4 (address bits 0-1 select the plane; mode 13h). */
  get chain4(): boolean {
    return (this.regs[4]! & 0x08) !== 0;
  }
}
