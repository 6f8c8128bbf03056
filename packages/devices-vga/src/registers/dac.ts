import { stateInt, z } from "@ringlab/sdk";
import { stateBytes } from "../state-fields.js";

/**
 * The DAC's saved state. Palette entries and the write latch are 6-bit values; the DAC
 * state register reads 0 (write mode) or 3 (read mode).
 */
export const dacState = z
  .object({
    pelMask: stateInt(0, 255),
    writeIndex: stateInt(0, 255),
    writeCycle: stateInt(0, 2),
    writeLatch: stateBytes(3, 0x3f),
    readIndex: stateInt(0, 255),
    readCycle: stateInt(0, 2),
    state: stateInt(0, 3).refine((v): boolean => v === 0 || v === 3, { error: (issue) => `expected 0 or 3, got ${String(issue.input)}` }),
    palette: stateBytes(768, 0x3f),
  })
  .strict();

/** The values of {@link dacState}. */
export type DacState = z.output<typeof dacState>;

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

  save(): DacState {
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

  /** Restores {@link save}'s value, already checked against {@link dacState}. */
  load(s: DacState): void {
    this.pelMask = s.pelMask;
    this.writeIndex = s.writeIndex;
    this.writeCycle = s.writeCycle;
    this.readIndex = s.readIndex;
    this.readCycle = s.readCycle;
    this.state = s.state;
    this.writeLatch.set(s.writeLatch);
    this.palette.set(s.palette);
  }
}

/** A 6-bit DAC value as 8 bits: the top bits repeat in the low ones, so 0x3F gives 0xFF. */
export function expand6(v: number): number {
  return ((v << 2) | (v >> 4)) & 0xff;
}
