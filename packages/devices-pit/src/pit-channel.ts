import { stateBool, stateInt, z } from "@ringlab/sdk";
import { countModulus, decodeCount, encodeCount, initialCount } from "./count-encoding.js";
import {
  type CounterConfig,
  type CounterMode,
  type CounterRun,
  advance,
  idleRun,
  modeOf,
  nextOutChange,
} from "./counter-modes.js";

/** Control-word RW field: 1 = LSB only, 2 = MSB only, 3 = LSB then MSB; 0 = not yet programmed. */
export type AccessMode = 0 | 1 | 2 | 3;

/** One channel's saved state (see {@link PitChannel.save}), part of the PIT's. */
export const pitChannelState = z
  .object({
    programmed: stateBool(),
    modeBits: stateInt(0, 7),
    bcd: stateBool(),
    rw: stateInt(0, 3).transform((v) => v as AccessMode),
    cr: stateInt(0, 0xffff),
    hasCount: stateBool(),
    writeMsbNext: stateBool(),
    lsb: stateInt(0, 0xff),
    readMsbNext: stateBool(),
    latchedCount: stateInt(0, 0xffff),
    latchedLeft: stateInt(0, 2),
    latchedStatus: stateInt(-1, 0xff),
    gate: stateBool(),
    // Logical counts reach 16665 at most in BCD (digits above 9) and 65536 in binary.
    run: z
      .object({
        edge: stateInt(0, Number.MAX_SAFE_INTEGER),
        ce: stateInt(0, 0x10000),
        out: stateBool(),
        armed: stateBool(),
        loadPending: stateBool(),
        remaining: stateInt(-1, 0x10000),
        nullCount: stateBool(),
      })
      .strict(),
  })
  .strict();

/** The values of {@link pitChannelState}. */
export type PitChannelState = z.output<typeof pitChannelState>;

/**
 * One of the 8254's three counters as the bus sees it: the control word it was programmed
 * with, the count register and its write flip-flop, the output latch (counter latch and
 * read-back commands) and its read flip-flop, the status latch, and GATE. The counting itself
 * is {@link CounterRun} from counter-modes.ts, evaluated on demand at a PIT clock edge.
 *
 * Every method takes `edge`, the PIT clock edge the access happens after (see pit-clock.ts).
 * No method throws on any guest input.
 */
export class PitChannel {
  private programmed = false;
  /** M2..M0 as written: the status byte reports them as written (110 stays 110). */
  private modeBits = 0;
  private bcd = false;
  private rw: AccessMode = 0;
  /** The count register (CR) as written, 16 bits. */
  private cr = 0;
  /** A complete count has been written since the last control word. */
  private hasCount = false;
  private writeMsbNext = false;
  private lsb = 0;
  private readMsbNext = false;
  private latchedCount = 0;
  /** Bytes of the latched count not yet read (0 = the output latch follows the CE). */
  private latchedLeft = 0;
  /** Latched status byte, -1 when none. */
  private latchedStatus = -1;
  private gate: boolean;
  private run: CounterRun = idleRun(0, 0, true);

  /**
   * @param index 0..2, the counter number.
   * @param gateTiedHigh true for channels 0 and 1 on a PC, whose GATE pins are wired to +5 V.
   */
  constructor(
    readonly index: number,
    private readonly gateTiedHigh: boolean,
  ) {
    this.gate = gateTiedHigh;
  }

  /**
   * Power-on. The datasheet leaves mode, count and OUT undefined until programmed; ringlab
   * chooses: not programmed, counting element 0, not counting, OUT high (the idle level of
   * modes 1-5, so a first mode 2/3 control word gives no spurious IRQ 0 edge), null count set,
   * GATE high if tied high, else low (port 0x61 bit 0 is 0 at power-on).
   */
  reset(edge: number): void {
    this.programmed = false;
    this.modeBits = 0;
    this.bcd = false;
    this.rw = 0;
    this.cr = 0;
    this.hasCount = false;
    this.writeMsbNext = false;
    this.lsb = 0;
    this.readMsbNext = false;
    this.latchedCount = 0;
    this.latchedLeft = 0;
    this.latchedStatus = -1;
    this.gate = this.gateTiedHigh;
    this.run = idleRun(edge, 0, true);
  }

  /** The counter mode in effect (0..5). */
  get mode(): CounterMode {
    return modeOf(this.modeBits);
  }

  /** Whether a control word has been written since power-on. */
  get isProgrammed(): boolean {
    return this.programmed;
  }

  /** The level of GATE. */
  get gateLevel(): boolean {
    return this.gate;
  }

  /** The counter's state at `edge` (pure). */
  stateAt(edge: number): CounterRun {
    return advance(this.run, this.config(), edge);
  }

  /** OUT at `edge`. */
  out(edge: number): boolean {
    return this.stateAt(edge).out;
  }

  /** The 16-bit value of the CE at `edge` as the bus would read it (BCD-encoded in BCD mode). */
  count(edge: number): number {
    return encodeCount(this.stateAt(edge).ce, this.bcd);
  }

  /** The edge after `edge` at which OUT next changes, or -1 if none is coming. */
  nextOutChange(edge: number): number {
    return nextOutChange(this.stateAt(edge), this.config());
  }

  /** Folds the time elapsed up to `edge` into the stored state (no visible effect). */
  syncTo(edge: number): void {
    this.run = this.stateAt(edge);
  }

  /**
   * A control word for this counter (SC = index): RW = 00 is the counter latch command,
   * anything else programs the counter.
   */
  control(value: number, edge: number): void {
    const rw = ((value >> 4) & 3) as AccessMode;
    if (rw === 0) {
      this.latchCount(edge);
      return;
    }
    this.syncTo(edge);
    const wasBcd = this.bcd;
    this.programmed = true;
    this.rw = rw;
    this.modeBits = (value >> 1) & 7;
    this.bcd = (value & 1) === 1;
    // "When a Control Word is written to a Counter, all Control Logic is immediately reset
    // and OUT goes to a known initial state": low in mode 0, high in every other mode. The
    // byte flip-flops restart at the LSB and a latched count or status is dropped.
    this.writeMsbNext = false;
    this.readMsbNext = false;
    this.latchedLeft = 0;
    this.latchedStatus = -1;
    this.hasCount = false;
    // The CE keeps its bits; only their meaning changes if BCD was switched.
    const ce = decodeCount(encodeCount(this.run.ce, wasBcd), this.bcd);
    this.run = idleRun(edge, ce, this.mode !== 0);
  }

  /**
   * Counter latch (or the count part of read-back): the output latch stops following the CE
   * until the count is read. A second latch before that read is ignored (datasheet).
   */
  latchCount(edge: number): void {
    if (this.latchedLeft > 0) return;
    this.latchedCount = this.count(edge);
    this.latchedLeft = this.rw === 1 || this.rw === 2 ? 1 : 2;
    // A latch in the middle of a two-byte read restarts at the LSB, as Bochs does; the
    // datasheet leaves this case undefined.
    this.readMsbNext = false;
  }

  /** Status part of read-back: latch the status byte unless one is waiting to be read. */
  latchStatus(edge: number): void {
    if (this.latchedStatus >= 0) return;
    this.latchedStatus = this.status(edge);
  }

  /**
   * The status byte (datasheet, Figure 20): OUT, NULL COUNT, RW1 RW0, M2 M1 M0, BCD. An
   * unprogrammed counter reports RW = 00, which no programmed counter can have.
   */
  status(edge: number): number {
    const s = this.stateAt(edge);
    return (
      ((s.out ? 1 : 0) << 7) | ((s.nullCount ? 1 : 0) << 6) | (this.rw << 4) | (this.modeBits << 1) | (this.bcd ? 1 : 0)
    );
  }

  /**
   * A read of the counter's port: the latched status first, then the latched count, then the
   * live CE. In LSB-then-MSB mode the read flip-flop picks the byte. A live two-byte read is
   * not atomic: each byte is the CE at its own instant, as on the chip (software latches first).
   */
  read(edge: number): number {
    if (this.latchedStatus >= 0) {
      const s = this.latchedStatus;
      this.latchedStatus = -1;
      return s;
    }
    let value: number;
    if (this.latchedLeft > 0) {
      value = this.latchedCount;
      this.latchedLeft--;
    } else {
      value = this.count(edge);
    }
    switch (this.rw) {
      case 1:
        return value & 0xff;
      case 2:
        return (value >> 8) & 0xff;
      default: {
        const msb = this.readMsbNext;
        this.readMsbNext = !msb;
        return msb ? (value >> 8) & 0xff : value & 0xff;
      }
    }
  }

  /**
   * A write to the counter's port: one byte of the count per the RW mode. Ignored before the
   * first control word (the chip's behaviour there is undefined).
   */
  write(value: number, edge: number): void {
    if (!this.programmed) return;
    this.syncTo(edge);
    const byte = value & 0xff;
    let raw: number;
    if (this.rw === 3) {
      if (!this.writeMsbNext) {
        this.lsb = byte;
        this.writeMsbNext = true;
        if (this.mode === 0) {
          // Mode 0: "Writing the first byte disables counting. OUT is set low immediately
          // (no clock pulse required)."
          this.run = { ...this.run, armed: false, loadPending: false, out: false };
        }
        return;
      }
      this.writeMsbNext = false;
      raw = this.lsb | (byte << 8);
    } else {
      raw = this.rw === 1 ? byte : byte << 8;
    }
    this.cr = raw;
    const first = !this.hasCount;
    this.hasCount = true;
    const run: CounterRun = { ...this.run, nullCount: true };
    switch (this.mode) {
      case 0:
        // OUT stays high after terminal count "until a new count or a new Mode 0 Control Word
        // is written"; the new count loads on the next CLK pulse.
        run.out = false;
        run.loadPending = true;
        break;
      case 4:
        run.loadPending = true;
        break;
      case 2:
      case 3:
        // Only the first count after the control word loads on the next CLK; later ones wait
        // for the end of the current period or half-cycle (or a trigger).
        if (first) run.loadPending = true;
        break;
      case 1:
      case 5:
        // Loaded by the next trigger.
        break;
    }
    this.run = run;
  }

  /** Drives GATE; ignored on a counter whose GATE is tied high. */
  setGate(level: boolean, edge: number): void {
    if (this.gateTiedHigh || level === this.gate) return;
    this.syncTo(edge);
    this.gate = level;
    if (!this.programmed) return;
    switch (this.mode) {
      case 2:
      case 3:
        // "If GATE goes low while OUT is low, OUT is set high immediately"; a rising GATE
        // reloads the counter on the next CLK pulse.
        if (!level) this.run = { ...this.run, out: true };
        else if (this.hasCount) this.run = { ...this.run, loadPending: true };
        break;
      case 1:
      case 5:
        if (level && this.hasCount) this.run = { ...this.run, loadPending: true };
        break;
      default:
        // Modes 0 and 4: GATE only enables counting, which the run reads from the config.
        break;
    }
  }

  private config(): CounterConfig {
    return {
      mode: this.mode,
      initial: initialCount(this.cr, this.bcd),
      gate: this.gate,
      modulus: countModulus(this.bcd),
    };
  }

  /** The whole channel state, for the PIT's saved state. */
  save(): PitChannelState {
    const r = this.run;
    return {
      programmed: this.programmed,
      modeBits: this.modeBits,
      bcd: this.bcd,
      rw: this.rw,
      cr: this.cr,
      hasCount: this.hasCount,
      writeMsbNext: this.writeMsbNext,
      lsb: this.lsb,
      readMsbNext: this.readMsbNext,
      latchedCount: this.latchedCount,
      latchedLeft: this.latchedLeft,
      latchedStatus: this.latchedStatus,
      gate: this.gate,
      run: {
        edge: r.edge,
        ce: r.ce,
        out: r.out,
        armed: r.armed,
        loadPending: r.loadPending,
        remaining: r.remaining,
        nullCount: r.nullCount,
      },
    };
  }

  /** Restores {@link save}'s value, already checked against {@link pitChannelState}. */
  load(s: PitChannelState): void {
    this.programmed = s.programmed;
    this.modeBits = s.modeBits;
    this.bcd = s.bcd;
    this.rw = s.rw;
    this.cr = s.cr;
    this.hasCount = s.hasCount;
    this.writeMsbNext = s.writeMsbNext;
    this.lsb = s.lsb;
    this.readMsbNext = s.readMsbNext;
    this.latchedCount = s.latchedCount;
    this.latchedLeft = s.latchedLeft;
    this.latchedStatus = s.latchedStatus;
    this.gate = this.gateTiedHigh ? true : s.gate;
    this.run = { ...s.run };
  }
}
