// #region imports
import { inject, injectable } from "tsyringe";
import {
  type Bus,
  CLOCK,
  CONSOLE,
  type ConsoleSink,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type IrqLine,
  type JsonValue,
  type TimerHandle,
  type VirtualClock,
  defineDevicePlugin,
  deviceState,
  ioPortOption,
  z,
} from "@ringlab/sdk";
import * as R from "./lpt-registers.js";
// #endregion imports

// #region options
const options = z
  .object({
    /** The base port: 0x378 (LPT1), 0x278 (LPT2) or 0x3BC (the MDA's). */
    port: ioPortOption(0x378, 3),
    /** LPT1's IRQ on the PC/AT. */
    irq: z.number().int().min(0).max(15).default(7),
    /** How long the printer stays busy with each byte, in nanoseconds of virtual time. */
    busyNs: z.number().int().min(1).max(1_000_000_000).default(10_000),
    /** How long its nACK pulse lasts (Centronics printers: about 5 µs). */
    ackNs: z.number().int().min(1).max(1_000_000).default(5_000),
  })
  .strict();

export type ParallelPortOptions = z.output<typeof options>;
// #endregion options

// #region state
/** Where the printer is in taking a byte. */
const PHASES = ["idle", "busy", "ack"] as const;
type Phase = (typeof PHASES)[number];

const state = deviceState(
  z
    .object({
      data: z.number().int().min(0).max(0xff),
      control: z.number().int().min(0).max(R.CONTROL_WRITABLE),
      phase: z.enum(PHASES),
      /** The clock tick at which the current phase ends (-1 when idle). */
      until: z.number().int().min(-1),
      printed: z.number().int().min(0),
    })
    .strict(),
);
// #endregion state

// #region class
/**
 * A PC parallel port in printer (SPP) mode with a printer attached, whose paper is the
 * machine's console: every byte the guest hands over with the STROBE handshake is "printed"
 * to ringlab's stdout.
 *
 * The handshake, in virtual time: the guest puts a byte in DATA and asserts STROBE; the
 * printer takes it and is BUSY for `busyNs`, then pulses nACK low for `ackNs`; at nACK's
 * rising edge it is ready again, and with IRQE set the port pulses its IRQ line.
 */
@injectable()
export class ParallelPort implements Device {
  private line: IrqLine | undefined;
  private data = 0;
  private control = 0;
  private phase: Phase = "idle";
  private until = -1;
  private timer: TimerHandle | undefined;
  private printed = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: ParallelPortOptions,
    @inject(CLOCK) private readonly clock: VirtualClock,
    @inject(CONSOLE) private readonly paper: ConsoleSink,
  ) {}
  // #endregion class

  // #region attach
  attach(bus: Bus): void {
    this.line = bus.irqs.claim(this.id, this.options.irq);
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 3,
      handlers: {
        read8: (offset) => this.read(offset),
        write8: (offset, value) => this.write(offset, value),
      },
    });
  }

  private read(offset: number): number {
    if (offset === R.DATA) return this.data; // SPP: the output latch, not the lines
    if (offset === R.CONTROL) return this.control;
    return this.status();
  }

  private write(offset: number, value: number): void {
    if (offset === R.DATA) this.data = value;
    else if (offset === R.CONTROL) this.writeControl(value & R.CONTROL_WRITABLE);
    // STATUS is read-only: a write there does nothing.
  }
  // #endregion attach

  // #region status
  /** STATUS: the printer's lines as the port reads them. Reserved bits 0-2 read 1 here. */
  private status(): number {
    let s = R.STATUS_SELECT | R.STATUS_NERROR | 0x07;
    if (this.phase === "idle") s |= R.STATUS_NOT_BUSY;
    if (this.phase !== "ack") s |= R.STATUS_NACK;
    return s;
  }
  // #endregion status

  // #region handshake
  private writeControl(value: number): void {
    const strobeRaised = (value & R.CONTROL_STROBE) !== 0 && (this.control & R.CONTROL_STROBE) === 0;
    this.control = value;
    if ((value & R.CONTROL_NINIT) === 0) {
      this.enter("idle", -1); // nINIT low: the printer is held in reset and drops what it had
      return;
    }
    // The printer takes the byte as STROBE is asserted; one that comes while it is still
    // busy with the last is not taken (a guest must wait for STATUS_NOT_BUSY).
    if (strobeRaised && this.phase === "idle") {
      this.paper.write(Uint8Array.of(this.data));
      this.printed++;
      this.enter("busy", this.clock.ticks + this.clock.nsToTicks(this.options.busyNs));
    }
  }

  /** Moves the printer to `phase` until tick `until`, with a timer for the next step. */
  private enter(phase: Phase, until: number): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.phase = phase;
    this.until = until;
    if (phase !== "idle") this.timer = this.clock.scheduleAt(until, () => this.step(), `${this.id} ${phase}`);
  }

  private step(): void {
    if (this.phase === "busy") {
      this.enter("ack", this.until + this.clock.nsToTicks(this.options.ackNs));
      return;
    }
    // The rising edge of nACK: ready again, and the interrupt if the guest enabled it. The
    // ISA bus's IRQ lines are edge-triggered, so a pulse is what the PIC sees.
    this.enter("idle", -1);
    if ((this.control & R.CONTROL_IRQ_ENABLE) !== 0) this.line?.pulse();
  }
  // #endregion handshake

  // #region lifecycle
  reset(): void {
    this.enter("idle", -1);
    this.data = 0;
    // RESET initialises control bits 0-5 (LPC47B34x datasheet); this model clears them, so
    // nINIT is low and the printer held in reset until the guest (or a BIOS) sets nINIT.
    this.control = 0;
    this.printed = 0;
  }

  /** Bytes printed since reset. */
  get bytesPrinted(): number {
    return this.printed;
  }

  saveState(): JsonValue {
    return state.save({ data: this.data, control: this.control, phase: this.phase, until: this.until, printed: this.printed });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, `${this.id} state`);
    this.data = s.data;
    this.control = s.control;
    this.printed = s.printed;
    this.enter(s.phase, s.until); // a device re-arms its own timers from its state
  }
}
// #endregion lifecycle

// #region plugin
export const parallelPortPlugin = defineDevicePlugin({
  name: "lpt",
  description: "PC parallel port (SPP) with a printer whose paper is the console; IRQ 7 on acknowledge",
  options,
  device: ParallelPort,
});
// #endregion plugin
