import type { GraphicsController } from "./registers/graphics-controller.js";
import type { Sequencer } from "./registers/sequencer.js";

/** Bytes in one plane: the VGA has 256 KiB as four 64 KiB planes. */
export const PLANE_SIZE = 0x10000;

/**
 * The VGA's 256 KiB of video memory as four planes, with the four latches and the
 * graphics controller's CPU read and write paths (IBM VGA Technical Reference, "Graphics
 * Controller", read modes 0/1 and write modes 0-3; FreeVGA "VGA Memory Organization" and
 * "Graphics Controller Operation").
 *
 * How a CPU offset inside the window becomes a plane and a plane address:
 * - chain 4 (SR4 bit 3, mode 13h): offset bits 0-1 pick the plane, the plane address is the
 *   offset with those bits clear (the CRTC's double-word mode fetches the same addresses);
 * - odd/even (SR4 bit 2 clear for writes, GR5 bit 4 set for reads, text modes): offset bit 0
 *   picks plane 0/2 (even) or 1/3 (odd) and the plane address is the offset with bit 0
 *   clear, so in mode 3 the character at B8000+2n is plane 0 byte 2n and its attribute is
 *   plane 1 byte 2n, where the CRTC's word mode reads them; reads take plane
 *   (GR4 bit 1) | (offset bit 0);
 * - otherwise (planar) the offset is the plane address in every plane.
 * The font is in plane 2, 32 bytes per character.
 */
export class VideoMemory {
  /** Plane p is bytes [p * PLANE_SIZE, (p + 1) * PLANE_SIZE). */
  readonly vram = new Uint8Array(4 * PLANE_SIZE);
  /** The four latches, loaded by every CPU read. */
  readonly latch = new Uint8Array(4);

  constructor(
    private readonly seq: Sequencer,
    private readonly gc: GraphicsController,
  ) {}

  /** Byte `addr` of `plane`. */
  peek(plane: number, addr: number): number {
    return this.vram[(plane & 3) * PLANE_SIZE + (addr & 0xffff)]!;
  }

  /** Sets byte `addr` of `plane` directly (power-on contents, the font). */
  poke(plane: number, addr: number, value: number): void {
    this.vram[(plane & 3) * PLANE_SIZE + (addr & 0xffff)] = value;
  }

  /** A CPU read at `offset` inside the window. */
  read(offset: number): number {
    const gc = this.gc;
    let addr: number;
    let plane: number;
    if (this.seq.chain4) {
      addr = offset & 0xfffc;
      plane = offset & 3;
    } else if (gc.oddEvenReads) {
      addr = offset & 0xfffe;
      plane = (gc.readMap & 2) | (offset & 1);
    } else {
      addr = offset & 0xffff;
      plane = gc.readMap;
    }
    this.loadLatches(addr);
    if (gc.readMode === 0 || this.seq.chain4 || gc.oddEvenReads) return this.latch[plane]!;
    // Read mode 1 (colour compare): a 1 in each bit whose pixel colour, over the planes
    // GR7 selects, equals GR2.
    let differ = 0;
    const care = gc.colorDontCare;
    const cmp = gc.colorCompare;
    for (let p = 0; p < 4; p++) {
      if (care & (1 << p)) differ |= this.latch[p]! ^ (cmp & (1 << p) ? 0xff : 0x00);
    }
    return ~differ & 0xff;
  }

  /** A CPU write of `value` at `offset` inside the window. */
  write(offset: number, value: number): void {
    let planes = this.seq.mapMask;
    let addr: number;
    if (this.seq.chain4) {
      // Chain 4 stores the byte as given in the one plane the address selects, as QEMU and
      // Bochs do.
      const plane = offset & 3;
      if (planes & (1 << plane)) this.vram[plane * PLANE_SIZE + (offset & 0xfffc)] = value;
      return;
    }
    if (this.seq.oddEvenWrites) {
      planes &= offset & 1 ? 0b1010 : 0b0101;
      addr = offset & 0xfffe;
    } else {
      addr = offset & 0xffff;
    }
    if (planes === 0) return;
    for (let p = 0; p < 4; p++) {
      if (planes & (1 << p)) this.vram[p * PLANE_SIZE + addr] = this.planeData(p, value);
    }
  }

  /**
   * The byte the write pipeline produces for plane `p` (FreeVGA "Graphics Controller
   * Operation"): rotate, set/reset, the logical operation with the latch, then the bit
   * mask, whose clear bits keep the latch's bits.
   */
  private planeData(p: number, value: number): number {
    const gc = this.gc;
    const latch = this.latch[p]!;
    const bit = 1 << p;
    let data: number;
    let mask = gc.bitMask;
    switch (gc.writeMode) {
      case 0: {
        const rotated = rotate(value, gc.rotateCount);
        data = gc.enableSetReset & bit ? (gc.setReset & bit ? 0xff : 0) : rotated;
        break;
      }
      case 1:
        return latch;
      case 2:
        data = value & bit ? 0xff : 0;
        break;
      default:
        mask &= rotate(value, gc.rotateCount);
        data = gc.setReset & bit ? 0xff : 0;
        break;
    }
    switch (gc.logicalOp) {
      case 1:
        data &= latch;
        break;
      case 2:
        data |= latch;
        break;
      case 3:
        data ^= latch;
        break;
    }
    return ((data & mask) | (latch & ~mask)) & 0xff;
  }

  private loadLatches(addr: number): void {
    for (let p = 0; p < 4; p++) this.latch[p] = this.vram[p * PLANE_SIZE + addr]!;
  }

  clear(): void {
    this.vram.fill(0);
    this.latch.fill(0);
  }
}

/** Rotates a byte right by `count` bits (GR3 bits 0-2). */
function rotate(value: number, count: number): number {
  return count === 0 ? value : ((value >> count) | (value << (8 - count))) & 0xff;
}
