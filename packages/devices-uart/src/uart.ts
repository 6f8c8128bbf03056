import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
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
  stateBool,
  stateInt,
  stateInts,
  z,
} from "@ringlab/sdk";
import { FrameTiming, frameHalfBits, wordMask } from "./frame-timing.js";
import * as R from "./registers.js";
import { ConsoleSerialBackend, NullSerialBackend, type SerialBackend } from "./serial-backend.js";

/** The PC's COM ports: base port and the IRQ each uses by convention. */
export const COM_PORTS = [
  { name: "COM1", port: 0x3f8, irq: 4 },
  { name: "COM2", port: 0x2f8, irq: 3 },
  { name: "COM3", port: 0x3e8, irq: 4 },
  { name: "COM4", port: 0x2e8, irq: 3 },
] as const;

/** The IRQ a UART at `port` uses on a PC: 3 for COM2/COM4 (0x2F8, 0x2E8), otherwise 4. */
export function defaultIrqFor(port: number): number {
  return COM_PORTS.find((c) => c.port === port)?.irq ?? 4;
}

const options = z
  .object({
    /** First of the eight ports: 0x3F8 (COM1), 0x2F8 (COM2), 0x3E8 (COM3), 0x2E8 (COM4). */
    port: ioPortOption(0x3f8, 8),
    /** The IRQ line; default the PC convention for `port` (COM1/COM3: 4, COM2/COM4: 3). */
    irq: z.number().int().min(0).max(15).optional(),
    /** Where transmitted bytes go: the machine's console (stdout in the CLI), or nowhere. */
    backend: z.enum(["console", "none"]).default("console"),
    /** `baud`: characters take their time at the programmed rate; `fast`: one TSC tick each. */
    timing: z.enum(["baud", "fast"]).default("baud"),
  })
  .strict()
  .transform((o) => ({ port: o.port, irq: o.irq ?? defaultIrqFor(o.port), backend: o.backend, timing: o.timing }));

/** Validated options of the {@link Uart}. */
export type UartOptions = z.output<typeof options>;

/** Levels of the four modem inputs, as a host sets them with {@link Uart.setModemInputs}. */
export interface ModemInputs {
  cts?: boolean;
  dsr?: boolean;
  ri?: boolean;
  dcd?: boolean;
}

/** The divisor latch at power-on (the datasheet leaves it undefined): 12, i.e. 9600 baud. */
export const POWER_ON_DIVISOR = 12;
/** Host modem inputs until told otherwise: a terminal is attached (CTS, DSR and DCD asserted). */
const DEFAULT_HOST_MODEM = R.MSR_CTS | R.MSR_DSR | R.MSR_DCD;
/** A break condition in the receiver's input queue (not a byte). */
const BREAK = 0x100;

const TX_IDLE = 0;
/** A byte waits in the THR for the idle transmitter to take it (one bit time, tSI). */
const TX_STARTING = 1;
/** The transmitter shift register is sending a character. */
const TX_SHIFTING = 2;

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * The UART's saved state: its registers, both FIFOs (a receive entry is the byte | its line
 * errors << 8), the host's input queue (bytes or BREAK), and the transmitter, receiver and
 * character-timeout timers as deadlines in clock ticks (the timeout's -1 when not running).
 */
const state = deviceState(
  z
    .object({
      divisor: stateInt(0, 0xffff),
      ier: stateInt(0, 0x0f),
      lcr: stateInt(0, 0xff),
      mcr: stateInt(0, 0x1f),
      scr: stateInt(0, 0xff),
      fifoEnabled: stateBool(),
      fcrBits: stateInt(0, 0xff),
      overrun: stateBool(),
      lineErrors: stateInt(0, R.LSR_CHAR_ERRORS),
      msrDelta: stateInt(0, 0x0f),
      msrLevels: stateInt(0, 0xf0),
      hostModem: stateInt(0, 0xf0),
      thriPending: stateBool(),
      timeoutPending: stateBool(),
      lastRbr: stateInt(0, 0xff),
      txFifo: stateInts(R.FIFO_DEPTH, 0, 0xff),
      txPhase: stateInt(TX_IDLE, TX_SHIFTING),
      tsr: stateInt(0, 0xff),
      txLoop: stateBool(),
      txMask: stateInt(0, 0xff),
      txDeadline: stateInt(0, MAX),
      preSent: stateInt(0, R.FIFO_DEPTH + 1),
      transmitted: stateInt(0, MAX),
      rxFifo: stateInts(R.FIFO_DEPTH, 0, 0xff | (R.LSR_CHAR_ERRORS << 8)),
      hostQueue: stateInts(MAX, 0, BREAK),
      rxBusy: stateBool(),
      rxValue: stateInt(0, BREAK),
      rxMask: stateInt(0, 0xff),
      rxDeadline: stateInt(0, MAX),
      timeoutDeadline: stateInt(-1, MAX),
    })
    .strict(),
);

/**
 * The National Semiconductor 16550A UART of a PC COM port: eight registers at `port`
 * (DLAB-switched divisor latch), 16-byte receive and transmit FIFOs, the four prioritised
 * interrupt sources on one IRQ line gated by OUT2, loopback and the scratch register.
 *
 * Characters take virtual time: a frame of start, data, parity and stop bits at the rate the
 * divisor latch selects (115200 / divisor baud), so THRE, TEMT, data-ready and every
 * interrupt happen at deterministic TSC ticks. Transmitted bytes go to a {@link SerialBackend}
 * as each frame ends; {@link flush} hands over whatever is still queued (call it when a run
 * ends). Host input ({@link inject}) arrives one frame at a time and waits while the receiver
 * FIFO is full, so it is never lost.
 */
@injectable()
export class Uart implements Device {
  private backend: SerialBackend;
  private readonly timing: FrameTiming;
  private line: IrqLine | undefined;
  private irqLevel = false;

  // Registers.
  private divisor = POWER_ON_DIVISOR;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fifoEnabled = false;
  /** FCR bits 7-6 and 3 as last written with FIFOs enabled. */
  private fcrBits = 0;
  private overrun = false;
  /** PE/FE/BI of the character at the top of the receiver, sticky until LSR is read. */
  private lineErrors = 0;
  private msrDelta = 0;
  /** MSR bits 4-7: the modem input levels as the chip sees them (from the host, or from MCR in loopback). */
  private msrLevels = DEFAULT_HOST_MODEM;
  private hostModem = DEFAULT_HOST_MODEM;
  private thriPending = false;
  private timeoutPending = false;
  private lastRbr = 0;

  // Transmitter.
  private readonly txFifo: number[] = [];
  private txPhase = TX_IDLE;
  private tsr = 0;
  private txLoop = false;
  private txMask = 0xff;
  private txDeadline = 0;
  private txTimer: TimerHandle | undefined;
  /** How many of the queued characters (TSR first, then the FIFO) {@link flush} already handed over. */
  private preSent = 0;
  private transmitted = 0;

  // Receiver.
  /** Received characters: byte | (PE/FE/BI bits << 8). */
  private readonly rxFifo: number[] = [];
  /** Host input not yet on the line: bytes, or {@link BREAK}. */
  private readonly hostQueue: number[] = [];
  private rxBusy = false;
  private rxValue = 0;
  private rxMask = 0xff;
  private rxDeadline = 0;
  private rxTimer: TimerHandle | undefined;
  private timeoutDeadline = -1;
  private timeoutTimer: TimerHandle | undefined;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: UartOptions,
    @inject(CLOCK) private readonly clock: VirtualClock,
    @inject(CONSOLE) console: ConsoleSink,
  ) {
    this.timing = new FrameTiming(clock.tscHz);
    this.backend = options.backend === "console" ? new ConsoleSerialBackend(console) : new NullSerialBackend();
  }

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 8,
      handlers: {
        read8: (offset) => {
          const v = this.read(offset, this.clock.ticks);
          this.updateIrq();
          return v;
        },
        write8: (offset, value) => {
          this.write(offset, value & 0xff, this.clock.ticks);
          this.updateIrq();
        },
      },
    });
    this.line = bus.irqs.claim(this.id, this.options.irq);
  }

  /**
   * Master reset: IER, FCR, LCR, MCR 0, LSR 0x60 (transmitter empty), FIFOs and shift
   * registers empty, no interrupt pending, IRQ low. The divisor latch gets
   * {@link POWER_ON_DIVISOR} and the scratch register 0 (both undefined at power-on).
   * Host input not yet received is dropped.
   */
  reset(): void {
    this.cancelTimers();
    this.divisor = POWER_ON_DIVISOR;
    this.ier = this.lcr = this.mcr = this.scr = 0;
    this.fifoEnabled = false;
    this.fcrBits = 0;
    this.overrun = false;
    this.lineErrors = 0;
    this.msrDelta = 0;
    this.msrLevels = this.hostModem;
    this.thriPending = this.timeoutPending = false;
    this.lastRbr = 0;
    this.txFifo.length = 0;
    this.txPhase = TX_IDLE;
    this.tsr = 0;
    this.txLoop = false;
    this.txMask = 0xff;
    this.preSent = 0;
    this.transmitted = 0;
    this.rxFifo.length = 0;
    this.hostQueue.length = 0;
    this.rxBusy = false;
    this.timeoutDeadline = -1;
    this.forceIrq(false);
  }

  // ---- host API ---------------------------------------------------------------------------

  /** Connects a host back end (replacing the one the `backend` option chose). */
  setBackend(backend: SerialBackend): void {
    this.backend = backend;
    backend.onInput?.((bytes) => this.inject(bytes));
  }

  /**
   * Host input: the bytes (a string is taken as Latin-1) are sent to the receiver one frame
   * after another from now, each taking a character time. The line waits while the receiver
   * FIFO (or RBR) is full, as a host with flow control would, so input is never overrun.
   * In loopback the receiver listens to the transmitter, and host input waits until it ends.
   */
  inject(bytes: Uint8Array | readonly number[] | string): void {
    if (typeof bytes === "string") for (let i = 0; i < bytes.length; i++) this.hostQueue.push(bytes.charCodeAt(i) & 0xff);
    else for (const b of bytes) this.hostQueue.push(b & 0xff);
    this.pumpRx(this.clock.ticks);
    this.updateIrq();
  }

  /** Host input: a break (the line held spacing for a character time or more) after any queued bytes. */
  injectBreak(): void {
    this.hostQueue.push(BREAK);
    this.pumpRx(this.clock.ticks);
    this.updateIrq();
  }

  /** Sets the modem input lines the host drives (default: CTS, DSR and DCD asserted, RI not). */
  setModemInputs(lines: ModemInputs): void {
    const bit = (v: boolean | undefined, mask: number) => (v === undefined ? this.hostModem & mask : v ? mask : 0);
    this.hostModem =
      bit(lines.cts, R.MSR_CTS) | bit(lines.dsr, R.MSR_DSR) | bit(lines.ri, R.MSR_RI) | bit(lines.dcd, R.MSR_DCD);
    this.updateModem();
    this.updateIrq();
  }

  /**
   * Hands every character still waiting to be transmitted (in the shift register and the
   * transmitter FIFO, not looped back) to the back end at once, then flushes the back end.
   * What the guest sees does not change: the characters still leave at their time, and are
   * not sent twice. Call it when a run ends so no output is lost.
   */
  flush(): void {
    const out: number[] = [];
    const shifting = this.txPhase === TX_SHIFTING ? 1 : 0;
    const total = shifting + this.txFifo.length;
    for (let i = this.preSent; i < total; i++) {
      if (i < shifting) {
        if (!this.txLoop) out.push(this.tsr & this.txMask);
      } else {
        if (this.loopback) break; // these will go to the receiver when they are sent
        out.push(this.txFifo[i - shifting]! & wordMask(this.lcr));
      }
      this.preSent = i + 1;
    }
    if (out.length > 0) this.backend.write(Uint8Array.from(out));
    this.backend.flush?.();
  }

  /** Characters transmitted since reset (to the back end or looped back). */
  get charactersTransmitted(): number {
    return this.transmitted;
  }

  /** The level the UART drives on its IRQ line (INTR gated by OUT2). */
  get irqOutput(): boolean {
    return this.irqLevel;
  }

  /** The current baud rate, 115200 / divisor (divisor 0 counts as 65536). */
  get baud(): number {
    return R.BAUD_BASE / (this.divisor === 0 ? 0x10000 : this.divisor);
  }

  // ---- registers --------------------------------------------------------------------------

  private get loopback(): boolean {
    return (this.mcr & R.MCR_LOOP) !== 0;
  }

  private read(offset: number, now: number): number {
    const dlab = (this.lcr & R.LCR_DLAB) !== 0;
    switch (offset) {
      case R.RBR_THR_DLL:
        return dlab ? this.divisor & 0xff : this.readRbr(now);
      case R.IER_DLM:
        return dlab ? this.divisor >> 8 : this.ier;
      case R.IIR_FCR:
        return this.readIir();
      case R.LCR:
        return this.lcr;
      case R.MCR:
        return this.mcr;
      case R.LSR:
        return this.readLsr();
      case R.MSR: {
        const v = this.msrLevels | this.msrDelta;
        this.msrDelta = 0;
        return v;
      }
      default:
        return this.scr;
    }
  }

  private write(offset: number, value: number, now: number): void {
    const dlab = (this.lcr & R.LCR_DLAB) !== 0;
    switch (offset) {
      case R.RBR_THR_DLL:
        if (dlab) this.divisor = (this.divisor & 0xff00) | value;
        else this.writeThr(value, now);
        return;
      case R.IER_DLM:
        if (dlab) this.divisor = (this.divisor & 0xff) | (value << 8);
        else this.writeIer(value);
        return;
      case R.IIR_FCR:
        this.writeFcr(value, now);
        return;
      case R.LCR: {
        const breakRising = (value & R.LCR_BREAK) !== 0 && (this.lcr & R.LCR_BREAK) === 0;
        this.lcr = value;
        // In loopback the receiver sees the transmitter's output: a break set there is received.
        if (breakRising && this.loopback && !this.rxBusy) this.startRxFrame(BREAK, now);
        return;
      }
      case R.MCR: {
        const wasLoop = this.loopback;
        this.mcr = value & 0x1f;
        this.updateModem();
        if (wasLoop && !this.loopback) this.pumpRx(now);
        return;
      }
      case R.LSR:
      case R.MSR:
        return; // factory test only: writes are ignored here
      default:
        this.scr = value;
    }
  }

  /** Interrupt enable: ETBEI going 0 → 1 re-evaluates the THRE interrupt (set when THRE is 1). */
  private writeIer(value: number): void {
    const rising = (value & R.IER_ETBEI) !== 0 && (this.ier & R.IER_ETBEI) === 0;
    this.ier = value & 0x0f;
    if (rising) this.thriPending = this.txFifo.length === 0;
  }

  /**
   * FIFO control. Bit 0 changing clears both FIFOs; bits 1-7 take effect only when written
   * with bit 0 set (datasheet: "FCR0 must be 1 when other FCR bits are written").
   */
  private writeFcr(value: number, now: number): void {
    const enable = (value & R.FCR_ENABLE) !== 0;
    if (enable !== this.fifoEnabled) {
      this.fifoEnabled = enable;
      this.clearRx(now);
      this.clearTx();
    }
    if (!enable) return;
    this.fcrBits = value & 0xc8;
    if (value & R.FCR_RX_RESET) this.clearRx(now);
    if (value & R.FCR_TX_RESET) this.clearTx();
  }

  private get rxTrigger(): number {
    return R.RX_TRIGGER_LEVELS[this.fcrBits >> 6]!;
  }

  private get rxCapacity(): number {
    return this.fifoEnabled ? R.FIFO_DEPTH : 1;
  }

  private clearRx(now: number): void {
    this.rxFifo.length = 0;
    this.timeoutPending = false;
    this.restartTimeout(now);
    this.pumpRx(now);
  }

  private clearTx(): void {
    const wasEmpty = this.txFifo.length === 0;
    this.txFifo.length = 0;
    if (this.txPhase === TX_STARTING) {
      this.txPhase = TX_IDLE;
      this.cancelTimer("tx");
    }
    this.preSent = Math.min(this.preSent, this.txPhase === TX_SHIFTING ? 1 : 0);
    if (!wasEmpty) this.thriPending = true; // THRE rose
  }

  private readIir(): number {
    const id = this.interruptId();
    // Reading IIR while it reports THRE clears that interrupt (datasheet, Table IV).
    if (id === R.IIR_THR_EMPTY) this.thriPending = false;
    return id | (this.fifoEnabled ? R.IIR_FIFOS_ENABLED : 0);
  }

  private readLsr(): number {
    let v = this.lineErrors;
    if (this.rxFifo.length > 0) v |= R.LSR_DR;
    if (this.overrun) v |= R.LSR_OE;
    if (this.txFifo.length === 0) {
      v |= R.LSR_THRE;
      if (this.txPhase !== TX_SHIFTING) v |= R.LSR_TEMT;
    }
    if (this.fifoEnabled && this.rxFifo.some((e) => e >> 8 !== 0)) v |= R.LSR_RX_FIFO_ERROR;
    this.overrun = false;
    this.lineErrors = 0;
    return v;
  }

  /** The highest-priority pending interrupt's IIR code (bits 3-0), or {@link R.IIR_NONE}. */
  private interruptId(): number {
    const ier = this.ier;
    if (ier & R.IER_ELSI && (this.overrun || this.lineErrors !== 0)) return R.IIR_LINE_STATUS;
    if (ier & R.IER_ERBFI) {
      const n = this.rxFifo.length;
      if (this.fifoEnabled ? n >= this.rxTrigger : n > 0) return R.IIR_RX_DATA;
      if (this.timeoutPending) return R.IIR_CHAR_TIMEOUT;
    }
    if (ier & R.IER_ETBEI && this.thriPending) return R.IIR_THR_EMPTY;
    if (ier & R.IER_EDSSI && this.msrDelta !== 0) return R.IIR_MODEM_STATUS;
    return R.IIR_NONE;
  }

  /** Modem inputs: the host's, or in loopback DTR → DSR, RTS → CTS, OUT1 → RI, OUT2 → DCD. */
  private updateModem(): void {
    let levels = this.hostModem;
    if (this.loopback) {
      const m = this.mcr;
      levels =
        (m & R.MCR_RTS ? R.MSR_CTS : 0) |
        (m & R.MCR_DTR ? R.MSR_DSR : 0) |
        (m & R.MCR_OUT1 ? R.MSR_RI : 0) |
        (m & R.MCR_OUT2 ? R.MSR_DCD : 0);
    }
    const changed = levels ^ this.msrLevels;
    if (changed & R.MSR_CTS) this.msrDelta |= R.MSR_DCTS;
    if (changed & R.MSR_DSR) this.msrDelta |= R.MSR_DDSR;
    if (changed & R.MSR_DCD) this.msrDelta |= R.MSR_DDCD;
    if (this.msrLevels & R.MSR_RI && !(levels & R.MSR_RI)) this.msrDelta |= R.MSR_TERI; // trailing edge of RI
    this.msrLevels = levels;
  }

  /**
   * The IRQ line: INTR (an enabled interrupt pending) through the PC's OUT2 gate. In loopback
   * the OUT2 pin is forced inactive (datasheet: modem outputs go inactive), so no IRQ reaches
   * the PIC, although IIR still reports what is pending.
   */
  private updateIrq(): void {
    const gate = (this.mcr & (R.MCR_OUT2 | R.MCR_LOOP)) === R.MCR_OUT2;
    const level = gate && this.interruptId() !== R.IIR_NONE;
    if (level !== this.irqLevel) this.forceIrq(level);
  }

  private forceIrq(level: boolean): void {
    this.irqLevel = level;
    if (level) this.line?.raise();
    else this.line?.lower();
  }

  // ---- transmitter ------------------------------------------------------------------------

  private bitTicks(): number {
    return this.options.timing === "fast" ? 1 : this.timing.ticks(2, this.divisor);
  }

  private frameTicks(): number {
    return this.options.timing === "fast" ? 1 : this.timing.ticks(frameHalfBits(this.lcr), this.divisor);
  }

  /**
   * A byte written to THR. With the FIFO on it joins the transmitter FIFO (dropped when 16
   * are waiting); without, it replaces what is in the THR. An idle transmitter takes it one
   * bit time later (the datasheet's tSI), when THRE rises again.
   */
  private writeThr(value: number, now: number): void {
    if (this.txFifo.length < (this.fifoEnabled ? R.FIFO_DEPTH : 1)) {
      this.txFifo.push(value);
    } else if (!this.fifoEnabled) {
      this.txFifo[0] = value;
      this.preSent = Math.min(this.preSent, this.txPhase === TX_SHIFTING ? 1 : 0);
    }
    this.thriPending = false;
    if (this.txPhase === TX_IDLE) {
      this.txPhase = TX_STARTING;
      this.armTx(now + this.bitTicks());
    }
  }

  private onTxTimer(deadline: number): void {
    this.txTimer = undefined;
    if (this.txPhase === TX_SHIFTING) this.finishTxFrame(deadline);
    this.startTxFrame(deadline);
    this.updateIrq();
  }

  /** The stop bit of the character in the TSR has gone out: to the back end, or to the receiver in loopback. */
  private finishTxFrame(now: number): void {
    const byte = this.tsr & this.txMask;
    const alreadySent = this.preSent > 0;
    if (alreadySent) this.preSent--;
    this.transmitted++;
    if (this.txLoop) this.receive(byte, 0, now);
    else if (!alreadySent) this.backend.write(Uint8Array.of(byte));
  }

  /** Moves the next byte from THR/FIFO into the TSR and starts its frame, or goes idle. */
  private startTxFrame(now: number): void {
    if (this.txFifo.length === 0) {
      this.txPhase = TX_IDLE;
      return;
    }
    this.tsr = this.txFifo.shift()!;
    this.txLoop = this.loopback;
    this.txMask = wordMask(this.lcr);
    this.txPhase = TX_SHIFTING;
    if (this.txFifo.length === 0) this.thriPending = true; // THRE rises
    this.armTx(now + this.frameTicks());
  }

  private armTx(deadline: number): void {
    this.txTimer?.cancel();
    this.txDeadline = deadline;
    this.txTimer = this.clock.scheduleAt(deadline, (t) => this.onTxTimer(t), `${this.id} tx`);
  }

  // ---- receiver ---------------------------------------------------------------------------

  /** Starts the next host character on the line when the receiver is free and has room for it. */
  private pumpRx(now: number): void {
    if (this.rxBusy || this.loopback || this.hostQueue.length === 0) return;
    if (this.rxFifo.length >= this.rxCapacity) return; // host input waits: never overrun
    this.startRxFrame(this.hostQueue.shift()!, now);
  }

  private startRxFrame(value: number, now: number): void {
    this.rxBusy = true;
    this.rxValue = value;
    this.rxMask = wordMask(this.lcr);
    this.rxDeadline = now + this.frameTicks();
    this.rxTimer?.cancel();
    this.rxTimer = this.clock.scheduleAt(this.rxDeadline, (t) => this.onRxTimer(t), `${this.id} rx`);
  }

  private onRxTimer(deadline: number): void {
    this.rxTimer = undefined;
    this.rxBusy = false;
    // A break is received as one zero character with BI set (datasheet, LSR bit 4).
    if (this.rxValue === BREAK) this.receive(0, R.LSR_BI, deadline);
    else this.receive(this.rxValue & this.rxMask, 0, deadline);
    this.pumpRx(deadline);
    this.updateIrq();
  }

  /**
   * A character completed in the receiver shift register. FIFO mode: it joins the FIFO, or
   * with 16 waiting is lost and OE is set. 16450 mode: it replaces RBR, setting OE when RBR
   * was still full. Its error bits show in LSR once it is at the top.
   */
  private receive(byte: number, errors: number, now: number): void {
    const entry = byte | (errors << 8);
    if (this.fifoEnabled) {
      if (this.rxFifo.length >= R.FIFO_DEPTH) {
        this.overrun = true;
      } else {
        this.rxFifo.push(entry);
        if (this.rxFifo.length === 1) this.lineErrors |= errors;
      }
    } else {
      if (this.rxFifo.length > 0) {
        this.overrun = true;
        this.rxFifo[0] = entry;
      } else {
        this.rxFifo.push(entry);
      }
      this.lineErrors |= errors;
    }
    this.restartTimeout(now);
  }

  private readRbr(now: number): number {
    const e = this.rxFifo.shift();
    if (e === undefined) return this.lastRbr;
    this.lastRbr = e & 0xff;
    if (this.rxFifo.length > 0) this.lineErrors |= this.rxFifo[0]! >> 8;
    this.timeoutPending = false;
    this.restartTimeout(now);
    this.pumpRx(now);
    return this.lastRbr;
  }

  /**
   * The character timeout (FIFO mode): with characters waiting, and none received or read for
   * four character times, IIR reports a timeout until RBR is read.
   */
  private restartTimeout(now: number): void {
    this.cancelTimer("timeout");
    this.timeoutDeadline = -1;
    if (!this.fifoEnabled || this.rxFifo.length === 0) return;
    this.armTimeout(now + 4 * this.frameTicks());
  }

  private armTimeout(deadline: number): void {
    this.timeoutDeadline = deadline;
    this.timeoutTimer = this.clock.scheduleAt(deadline, () => this.onTimeout(), `${this.id} timeout`);
  }

  private onTimeout(): void {
    this.timeoutTimer = undefined;
    this.timeoutDeadline = -1;
    if (this.fifoEnabled && this.rxFifo.length > 0) this.timeoutPending = true;
    this.updateIrq();
  }

  private cancelTimer(which: "tx" | "rx" | "timeout"): void {
    if (which === "tx") {
      this.txTimer?.cancel();
      this.txTimer = undefined;
    } else if (which === "rx") {
      this.rxTimer?.cancel();
      this.rxTimer = undefined;
    } else {
      this.timeoutTimer?.cancel();
      this.timeoutTimer = undefined;
    }
  }

  private cancelTimers(): void {
    this.cancelTimer("tx");
    this.cancelTimer("rx");
    this.cancelTimer("timeout");
  }

  // ---- state ------------------------------------------------------------------------------

  saveState(): JsonValue {
    return state.save({
      divisor: this.divisor,
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      scr: this.scr,
      fifoEnabled: this.fifoEnabled,
      fcrBits: this.fcrBits,
      overrun: this.overrun,
      lineErrors: this.lineErrors,
      msrDelta: this.msrDelta,
      msrLevels: this.msrLevels,
      hostModem: this.hostModem,
      thriPending: this.thriPending,
      timeoutPending: this.timeoutPending,
      lastRbr: this.lastRbr,
      txFifo: [...this.txFifo],
      txPhase: this.txPhase,
      tsr: this.tsr,
      txLoop: this.txLoop,
      txMask: this.txMask,
      txDeadline: this.txDeadline,
      preSent: this.preSent,
      transmitted: this.transmitted,
      rxFifo: [...this.rxFifo],
      hostQueue: [...this.hostQueue],
      rxBusy: this.rxBusy,
      rxValue: this.rxValue,
      rxMask: this.rxMask,
      rxDeadline: this.rxDeadline,
      timeoutDeadline: this.timeoutDeadline,
    });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, `${this.id} state`);
    this.cancelTimers();
    Object.assign(this, {
      divisor: s.divisor,
      ier: s.ier,
      lcr: s.lcr,
      mcr: s.mcr,
      scr: s.scr,
      fifoEnabled: s.fifoEnabled,
      fcrBits: s.fcrBits & 0xc8,
      overrun: s.overrun,
      lineErrors: s.lineErrors,
      msrDelta: s.msrDelta,
      msrLevels: s.msrLevels & 0xf0,
      hostModem: s.hostModem & 0xf0,
      thriPending: s.thriPending,
      timeoutPending: s.timeoutPending,
      lastRbr: s.lastRbr,
      txPhase: s.txPhase,
      tsr: s.tsr,
      txLoop: s.txLoop,
      txMask: s.txMask,
      txDeadline: s.txDeadline,
      preSent: s.preSent,
      transmitted: s.transmitted,
      rxBusy: s.rxBusy,
      rxValue: s.rxValue,
      rxMask: s.rxMask,
      rxDeadline: s.rxDeadline,
    });
    this.txFifo.splice(0, this.txFifo.length, ...s.txFifo);
    this.rxFifo.splice(0, this.rxFifo.length, ...s.rxFifo);
    this.hostQueue.splice(0, this.hostQueue.length, ...s.hostQueue);
    if (this.txPhase !== TX_IDLE) this.armTx(this.txDeadline);
    if (this.rxBusy) this.rxTimer = this.clock.scheduleAt(this.rxDeadline, (t) => this.onRxTimer(t), `${this.id} rx`);
    this.timeoutDeadline = -1;
    if (s.timeoutDeadline >= 0) this.armTimeout(s.timeoutDeadline);
    const gate = (this.mcr & (R.MCR_OUT2 | R.MCR_LOOP)) === R.MCR_OUT2;
    this.forceIrq(gate && this.interruptId() !== R.IIR_NONE);
  }
}

/** The `uart` device plugin: options `port` (0x3F8), `irq` (by port), `backend` ("console"), `timing` ("baud"). */
export const uartPlugin = defineDevicePlugin({
  name: "uart",
  description: "National 16550A UART (COM1 at 0x3F8, IRQ 4 by default) timed at its baud rate; output to the console",
  options,
  device: Uart,
});
