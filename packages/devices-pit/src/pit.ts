import { inject, injectable } from "tsyringe";
import {
  type Bus,
  CLOCK,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type IrqLine,
  type JsonValue,
  type TimerHandle,
  type VirtualClock,
  defineDevicePlugin,
  deviceState,
  stateBool,
  stateInt,
  z,
} from "@ringlab/sdk";
import { PitChannel, pitChannelState } from "./pit-channel.js";
import { PitClock } from "./pit-clock.js";

const options = z
  .object({
    /** The IRQ line channel 0's OUT drives; IRQ 0 on every PC. */
    irq: z.number().int().min(0).max(15).default(0),
    /** Claim port 0x61 (system control port B): channel 2's GATE, speaker enable, OUT2 and refresh bits. */
    port61: z.boolean().default(true),
  })
  .strict();

/** Validated options of the {@link Pit}. */
export type PitOptions = z.output<typeof options>;

/** The PIT's saved state: its three channels, port 0x61's bits and channel 0's IRQ edge. */
const state = deviceState(
  z
    .object({
      channels: z
        .array(pitChannelState, { error: (issue) => `expected an array of 3, got ${JSON.stringify(issue.input)?.slice(0, 40) ?? "nothing"}` })
        .refine((channels) => channels.length === 3, { error: (issue) => `expected an array of 3, got ${JSON.stringify(issue.input).slice(0, 40)}` }),
      port61: stateInt(0, 0x0f),
      irqLevel: stateBool(),
      /** The PIT clock edge of channel 0's next OUT change, -1 for none. */
      irqEdge: stateInt(-1, Number.MAX_SAFE_INTEGER),
    })
    .strict(),
);

/** First of the PIT's four ports: counters 0-2 at 0x40-0x42, the control word at 0x43. */
const BASE_PORT = 0x40;
const SYSTEM_CONTROL_PORT = 0x61;
/**
 * Port 0x61 bit 4 toggles on every DRAM refresh request. A PC BIOS programs counter 1 to mode 2
 * with a count of 18, so the toggle period is 18 PIT clocks (15.086 us); ringlab has no
 * refresh and derives the bit from the PIT clock directly, whatever counter 1 does.
 */
const REFRESH_CLOCKS = 18;

/**
 * The Intel 8254 programmable interval timer of a PC, clocked at 1.193182 MHz derived from
 * the virtual TSC.
 *
 * Counts are never stepped: each counter's state is a closed-form function of the PIT clock
 * edges elapsed since its last bus event, so a read at any instant returns what the chip would
 * show then. Channel 0's OUT drives the IRQ line (level follows OUT); the only clock timer is
 * the one armed for channel 0's next OUT change, at the exact TSC tick of that PIT edge.
 * Port 0x61 gives channel 2's GATE (bit 0) and reads back OUT2 (bit 5), as PC software that
 * calibrates the TSC expects.
 */
@injectable()
export class Pit implements Device {
  private readonly pitClock: PitClock;
  private readonly channels: [PitChannel, PitChannel, PitChannel];
  private line: IrqLine | undefined;
  /** The level this device drives on its IRQ line (channel 0's OUT as of `irqEdge`'s predecessor). */
  private irqLevel = false;
  /** PIT edge of channel 0's next OUT change, -1 when none is coming. */
  private irqEdge = -1;
  private timer: TimerHandle | undefined;
  /** Port 0x61 bits 0-3 as last written (gate 2, speaker data, parity and channel-check enables). */
  private port61Bits = 0;
  private nowTicks = -1;
  private nowEdge = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: PitOptions,
    @inject(CLOCK) private readonly clock: VirtualClock,
  ) {
    this.pitClock = new PitClock(clock.tscHz);
    this.channels = [new PitChannel(0, true), new PitChannel(1, true), new PitChannel(2, false)];
  }

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: BASE_PORT,
      count: 4,
      handlers: {
        read8: (offset) => this.readPort(offset),
        write8: (offset, value) => this.writePort(offset, value),
      },
    });
    if (this.options.port61) {
      bus.ports.claim({
        owner: this.id,
        base: SYSTEM_CONTROL_PORT,
        count: 1,
        handlers: {
          read8: () => this.readPort61(),
          write8: (_offset, value) => this.writePort61(value),
        },
      });
    }
    this.line = bus.irqs.claim(this.id, this.options.irq);
  }

  /** Power-on: see {@link PitChannel.reset} for the state chosen; IRQ line at OUT0 (high), no timer. */
  reset(): void {
    const edge = this.now();
    for (const ch of this.channels) ch.reset(edge);
    this.port61Bits = 0;
    this.cancelTimer();
    this.irqEdge = -1;
    this.forceIrq(this.channels[0].out(edge));
  }

  /** OUT of counter `channel` (0..2) at the current instant. */
  out(channel: 0 | 1 | 2): boolean {
    return this.channels[channel].out(this.now());
  }

  /** The live count of counter `channel` at the current instant, as the bus would read it. */
  count(channel: 0 | 1 | 2): number {
    return this.channels[channel].count(this.now());
  }

  /** Drives channel 2's GATE, for a board that wires it elsewhere than port 0x61 (option `port61: false`). */
  setChannel2Gate(level: boolean): void {
    this.channels[2].setGate(level, this.now());
  }

  /** The PIT clock edges elapsed by the current TSC tick (cached: a guest polls many times per tick). */
  private now(): number {
    const t = this.clock.ticks;
    if (t !== this.nowTicks) {
      this.nowTicks = t;
      this.nowEdge = this.pitClock.edgeAt(t);
    }
    return this.nowEdge;
  }

  private readPort(offset: number): number {
    if (offset === 3) return 0xff; // the control word register cannot be read: the bus floats (datasheet, Table 1)
    return this.channels[offset]!.read(this.now());
  }

  private writePort(offset: number, value: number): void {
    const edge = this.now();
    if (offset < 3) {
      if (offset === 0) this.onChannel0(edge, () => this.channels[0].write(value, edge));
      else this.channels[offset]!.write(value, edge);
      return;
    }
    const sc = (value >> 6) & 3;
    if (sc === 3) {
      this.readBack(value, edge);
      return;
    }
    if (sc === 0) this.onChannel0(edge, () => this.channels[0].control(value, edge));
    else this.channels[sc]!.control(value, edge);
  }

  /**
   * Read-back command (datasheet, Figure 19): D5 = 0 latches the count and D4 = 0 the status of
   * each counter whose bit is set in D3..D1 (D1 = counter 0). One command is equivalent to
   * several latch commands; a latch not yet read makes a new one for that counter a no-op.
   */
  private readBack(value: number, edge: number): void {
    for (let i = 0; i < 3; i++) {
      if ((value & (2 << i)) === 0) continue;
      const ch = this.channels[i]!;
      if ((value & 0x20) === 0) ch.latchCount(edge);
      if ((value & 0x10) === 0) ch.latchStatus(edge);
    }
  }

  private readPort61(): number {
    const edge = this.now();
    const refresh = Math.floor(edge / REFRESH_CLOCKS) % 2;
    const out2 = this.channels[2].out(edge) ? 1 : 0;
    // Bits 6 and 7 (channel check, parity error) never fire here.
    return this.port61Bits | (refresh << 4) | (out2 << 5);
  }

  private writePort61(value: number): void {
    this.port61Bits = value & 0x0f;
    this.channels[2].setGate((value & 1) === 1, this.now());
  }

  /**
   * Runs an event that may change channel 0's OUT: first delivers any OUT change that is due
   * but whose timer has not run yet, then re-evaluates the IRQ level and re-arms the timer.
   */
  private onChannel0(edge: number, event: () => void): void {
    for (let i = 0; i < 8 && this.irqEdge >= 0 && this.irqEdge <= edge; i++) this.applyIrqEdge(this.irqEdge);
    event();
    const ch = this.channels[0];
    ch.syncTo(edge);
    this.driveIrq(ch.out(edge));
    this.irqEdge = ch.nextOutChange(edge);
    this.armTimer();
  }

  /** Channel 0's OUT changes at `edge`: the IRQ line follows it. */
  private applyIrqEdge(edge: number): void {
    const ch = this.channels[0];
    ch.syncTo(edge);
    this.driveIrq(ch.out(edge));
    this.irqEdge = ch.nextOutChange(edge);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.irqEdge < 0) return;
    // Apply the edge the timer was set for, not "now": if the clock overshot the deadline,
    // a one-clock low pulse (mode 2) must still reach the PIC as a falling and a rising edge.
    this.applyIrqEdge(this.irqEdge);
    this.armTimer();
  }

  private armTimer(): void {
    if (this.irqEdge < 0) {
      this.cancelTimer();
      return;
    }
    const deadline = this.pitClock.tickOfEdge(this.irqEdge);
    // A guest polling the counter (a latch command per poll) changes nothing: keep the timer.
    // (A timer the clock dropped in a restore is not kept: its handle is no longer active.)
    if (this.timer !== undefined && this.timer.active && this.timer.deadline === deadline) return;
    this.cancelTimer();
    this.timer = this.clock.scheduleAt(deadline, () => this.onTimer(), `${this.id} OUT0`);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private driveIrq(level: boolean): void {
    if (level !== this.irqLevel) this.forceIrq(level);
  }

  private forceIrq(level: boolean): void {
    this.irqLevel = level;
    if (level) this.line?.raise();
    else this.line?.lower();
  }

  saveState(): JsonValue {
    return state.save({
      channels: this.channels.map((c) => c.save()),
      port61: this.port61Bits,
      irqLevel: this.irqLevel,
      irqEdge: this.irqEdge,
    });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, `${this.id} state`);
    this.channels.forEach((c, i) => c.load(s.channels[i]!));
    this.port61Bits = s.port61;
    this.forceIrq(s.irqLevel);
    this.irqEdge = s.irqEdge;
    this.armTimer();
  }
}
/** The `pit` device plugin: options `irq` (default 0) and `port61` (default true). */
export const pitPlugin = defineDevicePlugin({
  name: "pit",
  description: "Intel 8254 PIT on ports 0x40-0x43 (channel 0 drives IRQ 0) and port 0x61, clocked from the TSC",
  options,
  device: Pit,
});
