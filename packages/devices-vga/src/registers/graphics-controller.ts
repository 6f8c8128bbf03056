import { IndexedRegisters, indexedRegistersState } from "./indexed-registers.js";

const WRITE_MASKS = [0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff];
const INDEX_MASK = 0x0f;

/** The graphics controller's saved state. */
export const graphicsControllerState = indexedRegistersState(WRITE_MASKS, INDEX_MASK);

/** The CPU memory window the graphics controller decodes (GR6 bits 2-3). */
export interface MemoryWindow {
  readonly base: number;
  readonly size: number;
}

/**
 * GR6 memory map select (IBM VGA Technical Reference, Miscellaneous register; FreeVGA
 * GR06): 0 = A0000-BFFFF (128K), 1 = A0000-AFFFF (64K), 2 = B0000-B7FFF (32K, mono text),
 * 3 = B8000-BFFFF (32K, colour text).
 */
export const MEMORY_WINDOWS: readonly MemoryWindow[] = [
  { base: 0xa0000, size: 0x20000 },
  { base: 0xa0000, size: 0x10000 },
  { base: 0xb0000, size: 0x8000 },
  { base: 0xb8000, size: 0x8000 },
];

/**
 * The graphics controller, ports 0x3CE/0x3CF: GR0 set/reset, GR1 enable set/reset, GR2
 * colour compare, GR3 data rotate / function select, GR4 read map select, GR5 mode, GR6
 * miscellaneous, GR7 colour don't care, GR8 bit mask (IBM VGA Technical Reference,
 * "Graphics Controller Registers"; FreeVGA "Graphics Registers"). The index register
 * implements bits 0-3; reserved bits (e.g. GR5 bit 2) read back as 0, as in QEMU's masks.
 */
export class GraphicsController extends IndexedRegisters {
  constructor() {
    super(WRITE_MASKS, INDEX_MASK);
  }

  get setReset(): number {
    return this.regs[0]!;
  }
  get enableSetReset(): number {
    return this.regs[1]!;
  }
  get colorCompare(): number {
    return this.regs[2]!;
  }
  /** GR3 bits 0-2. */
  get rotateCount(): number {
    return this.regs[3]! & 7;
  }
  /** GR3 bits 3-4: 0 replace, 1 AND, 2 OR, 3 XOR with the latches. */
  get logicalOp(): number {
    return (this.regs[3]! >> 3) & 3;
  }
  /** GR4 bits 0-1. */
  get readMap(): number {
    return this.regs[4]! & 3;
  }
  /** GR5 bits 0-1. */
  get writeMode(): number {
    return this.regs[5]! & 3;
  }
  /** GR5 bit 3. */
  get readMode(): number {
    return (this.regs[5]! >> 3) & 1;
  }
  /** GR5 bit 4: host odd/even read addressing. */
  get oddEvenReads(): boolean {
    return (this.regs[5]! & 0x10) !== 0;
  }
  /** GR5 bit 5: CGA-style interleaved shift register (modes 4 and 5). */
  get interleavedShift(): boolean {
    return (this.regs[5]! & 0x20) !== 0;
  }
  /** GR5 bit 6: 256-colour shift mode (mode 13h). */
  get shift256(): boolean {
    return (this.regs[5]! & 0x40) !== 0;
  }
  /** GR6 bit 0: graphics mode (the character generator is off). */
  get graphicsMode(): boolean {
    return (this.regs[6]! & 0x01) !== 0;
  }
  /** GR6 bits 2-3. */
  get memoryMap(): number {
    return (this.regs[6]! >> 2) & 3;
  }
  get colorDontCare(): number {
    return this.regs[7]!;
  }
  get bitMask(): number {
    return this.regs[8]!;
  }

  /** The CPU window GR6 selects. */
  get window(): MemoryWindow {
    return MEMORY_WINDOWS[this.memoryMap]!;
  }
}
