import type { JsonValue } from "@ringlab/sdk";
import type { StateReader } from "../state-reader.js";

/**
 * The DAC (RAMDAC) and its 256-entry palette of 6-bit red, green, blue values (IBM VGA
 * Technical Reference, "Video Digital-to-Analog Converter"; FreeVGA "DAC Operation"):
 * 0x3C6 pixel mask, 0x3C7 write = read index / read = DAC state, 0x3C8 write index,
 * 0x3C9 data. Data goes three accesses per entry (red, green, blue), then the index moves
 * to the next entry. The three written values are held and stored in the entry together
 * after the third, as the hardware does.
 */
export class Dac {
  /** 256 entries × (red, green, blue), 6 bits each. */
  readonly palette = new Uint8Array(768);
  pelMask = 0xff;
  writeIndex = 0;
  writeCycle = 0;
  readonly writeLatch = new Uint8Array(3);
  readIndex = 0;
  readCycle = 0;
  /** The state 0x3C7 reads: 0 after a 0x3C8 write (write mode), 3 after a 0x3C7 write. */
  state = 0;

  /** 0x3C7 write. */
  setReadIndex(value: number): void {
    this.readIndex = value & 0xff;
    this.readCycle = 0;
    this.state = 3;
  }

  /** 0x3C8 write. */
  setWriteIndex(value: number): void {
    this.writeIndex = value & 0xff;
    this.writeCycle = 0;
    this.state = 0;
  }

  /** 0x3C9 write. */
  writeData(value: number): void {
    this.writeLatch[this.writeCycle] = value & 0x3f;
    if (++this.writeCycle === 3) {
      this.palette.set(this.writeLatch, this.writeIndex * 3);
      this.writeIndex = (this.writeIndex + 1) & 0xff;
      this.writeCycle = 0;
    }
  }

  /** 0x3C9 read. */
  readData(): number {
    const v = this.palette[this.readIndex * 3 + this.readCycle]!;
    if (++this.readCycle === 3) {
      this.readIndex = (this.readIndex + 1) & 0xff;
      this.readCycle = 0;
    }
    return v;
  }

  /** Entry `index` after the pixel mask, as 8-bit red, green, blue (6 bits scaled up). */
  rgb(index: number): [number, number, number] {
    const i = (index & this.pelMask) * 3;
    const p = this.palette;
    return [expand6(p[i]!), expand6(p[i + 1]!), expand6(p[i + 2]!)];
  }

  clear(): void {
    this.palette.fill(0);
    this.pelMask = 0xff;
    this.writeIndex = 0;
    this.writeCycle = 0;
    this.writeLatch.fill(0);
    this.readIndex = 0;
    this.readCycle = 0;
    this.state = 0;
  }

  save(): JsonValue {
    return {
      pelMask: this.pelMask,
      writeIndex: this.writeIndex,
      writeCycle: this.writeCycle,
      writeLatch: [...this.writeLatch],
      readIndex: this.readIndex,
      readCycle: this.readCycle,
      state: this.state,
      palette: [...this.palette],
    };
  }

  load(r: StateReader): void {
    const pelMask = r.int("pelMask", 0, 255);
    const writeIndex = r.int("writeIndex", 0, 255);
    const writeCycle = r.int("writeCycle", 0, 2);
    const writeLatch = r.bytes("writeLatch", 3);
    const readIndex = r.int("readIndex", 0, 255);
    const readCycle = r.int("readCycle", 0, 2);
    const state = r.int("state", 0, 3);
    const palette = r.bytes("palette", 768);
    if (state !== 0 && state !== 3) r.invalid("state", "0 or 3");
    if (palette.some((v) => v > 0x3f) || writeLatch.some((v) => v > 0x3f)) r.invalid("palette", "6-bit values (0-63)");
    Object.assign(this, { pelMask, writeIndex, writeCycle, readIndex, readCycle, state });
    this.writeLatch.set(writeLatch);
    this.palette.set(palette);
  }
}

/** A 6-bit DAC value as 8 bits: the top bits repeat in the low ones, so 0x3F gives 0xFF. */
export function expand6(v: number): number {
  return ((v << 2) | (v >> 4)) & 0xff;
}
