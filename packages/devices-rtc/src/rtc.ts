import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
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
  stateInts,
  z,
} from "@ringlab/sdk";
import { CalendarView, toBcd } from "./calendar.js";
import { type MemorySizes, memorySizesOf, writeChecksum, writeMemorySizes } from "./cmos-map.js";
import * as R from "./registers.js";
import { parseStartTime } from "./start-time.js";

const BIG = Number.MAX_SAFE_INTEGER;

/** The RTC's saved state: CMOS RAM (as numbers), the index, the flags and its time chain. */
const state = deviceState(
  z
    .object({
      cmos: stateInts(R.CMOS_SIZE, 0, 0xff).refine((cmos) => cmos.length === R.CMOS_SIZE, {
        error: (issue) => `expected an array of ${R.CMOS_SIZE} numbers, got ${JSON.stringify(issue.input).slice(0, 40)}`,
      }),
      index: stateInt(0, 0x7f),
      nmiMasked: stateBool(),
      flags: stateInt(0, R.C_PF | R.C_AF | R.C_UF),
      chainOrigin: stateInt(-BIG, BIG),
      frozenPosition: stateInt(0, BIG),
      syncedPosition: stateInt(-BIG, BIG),
      fallBackDate: stateInt(0, 0xff),
      baseMemoryKiB: stateInt(0, 640),
      extendedMemoryKiB: stateInt(0, 4 * 1024 * 1024),
    })
    .strict(),
);

/** The start time when none is given: fixed, so every run sees the same clock. */
export const DEFAULT_START_TIME = "2000-01-01T00:00:00Z";

const options = z
  .object({
    /** The index port; the data port is the next one. 0x70 on every PC. */
    port: ioPortOption(0x70, 2),
    /** The IRQ line the chip's IRQ output drives: 8 on a PC/AT. */
    irq: z.number().int().min(0).max(15).default(8),
    /** The time at virtual time 0, ISO 8601 with a zone, e.g. "2000-01-01T00:00:00Z". Never the host's clock. */
    time: z
      .string()
      .default(DEFAULT_START_TIME)
      .refine((s) => parseStartTime(s) !== undefined, {
        message: "expected an ISO 8601 date-time with a zone between 1900 and 2099, e.g. 2000-01-01T00:00:00Z",
      }),
    /** CMOS 0x15/0x16: KiB of conventional memory; default from the RAM mapped on the bus. */
    baseMemoryKiB: z.number().int().min(0).max(640).optional(),
    /** KiB of RAM from 1 MiB, for 0x17/0x18, 0x30/0x31 and 0x34/0x35; default from the bus. */
    extendedMemoryKiB: z.number().int().min(0).max(4 * 1024 * 1024).optional(),
    /** CMOS 0x14, the equipment byte (bit 0 floppy drives, bit 1 FPU, bits 4-5 display: 00 = VGA). */
    equipment: z.number().int().min(0).max(0xff).default(0x00),
  })
  .strict();

/** Validated options of the {@link Rtc}. */
export type RtcOptions = z.output<typeof options>;

/** Register A at power-on as a PC BIOS leaves it: 32.768 kHz time base, 1024 Hz periodic rate. */
const POWER_ON_A = R.DV_32K | 0x06;
/** Register B at power-on as a PC BIOS leaves it: 24-hour, BCD, no interrupts. */
const POWER_ON_B = R.B_24H;
const SECOND = R.OSC_HZ;
/** Where the divider chain starts when released from reset: the first update comes 500 ms later. */
const RELEASED_POSITION = SECOND / 2;

/**
 * The Motorola MC146818A real-time clock with its 128 bytes of CMOS RAM, on ports 0x70
 * (index, bit 7 = NMI mask) and 0x71 (data), driving IRQ 8.
 *
 * Time is a configurable start time plus virtual time: the 32.768 kHz oscillator is derived
 * from the TSC, and every event — the once-a-second update, UIP 244 us before it, the
 * periodic flag, the alarm — happens at an exact oscillator cycle. Registers are brought up
 * to date lazily whenever the guest touches the chip; timers run only for what must raise the
 * IRQ line on its own (the update, and the periodic interrupt when enabled).
 */
@injectable()
export class Rtc implements Device {
  private readonly cmos = new Uint8Array(R.CMOS_SIZE);
  private readonly calendar = new CalendarView(this.cmos, () => this.cmos[R.REG_B]!);
  private line: IrqLine | undefined;
  private irqLevel = false;
  private memory: MemorySizes = { baseKiB: 640, extendedKiB: 0 };
  private index = 0;
  private nmiMasked = false;
  /** PF, AF and UF (register C bits 6-4). */
  private flags = 0;
  /** Oscillator cycle at which the divider chain was at position 0 (when it runs). */
  private chainOrigin = 0;
  /** The chain position when it does not run. */
  private frozenPosition = 0;
  /** Chain position up to which events have been applied. */
  private syncedPosition = 0;
  /** Day of month on which the October fall-back was applied (0: none this month). */
  private fallBackDate = 0;
  private updateTimer: TimerHandle | undefined;
  private periodicTimer: TimerHandle | undefined;
  private readonly tscHz: bigint;
  private cachedTick = -1;
  private cachedCycle = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: RtcOptions,
    @inject(CLOCK) private readonly clock: VirtualClock,
  ) {
    this.tscHz = BigInt(clock.tscHz);
  }

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 2,
      handlers: {
        read8: (offset) => (offset === 0 ? 0xff : this.readData()),
        write8: (offset, value) => (offset === 0 ? this.writeIndex(value) : this.writeData(value & 0xff)),
      },
    });
    this.line = bus.irqs.claim(this.id, this.options.irq);
    const fromBus = memorySizesOf(bus.memory);
    this.memory = {
      baseKiB: this.options.baseMemoryKiB ?? fromBus.baseKiB,
      extendedKiB: this.options.extendedMemoryKiB ?? fromBus.extendedKiB,
    };
  }

  /**
   * Power-on at virtual time 0: the time and date of the `time` option (BCD, 24-hour),
   * register A 0x26, B 0x02, C 0, D 0x80 (VRT), alarms 0, index 0 with NMI unmasked, the
   * PC CMOS map (equipment, memory sizes, century, checksum) and the rest of RAM zero. The
   * divider chain's phase follows the start time's milliseconds.
   */
  reset(): void {
    this.cancelTimers();
    const t = parseStartTime(this.options.time)!;
    this.cmos.fill(0);
    this.cmos[R.REG_A] = POWER_ON_A;
    this.cmos[R.REG_B] = POWER_ON_B;
    this.cmos[R.REG_D] = R.D_VRT;
    this.cmos[R.SECONDS] = toBcd(t.seconds);
    this.cmos[R.MINUTES] = toBcd(t.minutes);
    this.cmos[R.HOURS] = toBcd(t.hours);
    this.cmos[R.DAY_OF_WEEK] = toBcd(t.dayOfWeek);
    this.cmos[R.DAY_OF_MONTH] = toBcd(t.day);
    this.cmos[R.MONTH] = toBcd(t.month);
    this.cmos[R.YEAR] = toBcd(t.year % 100);
    this.cmos[R.CMOS_CENTURY] = toBcd(Math.floor(t.year / 100));
    this.cmos[R.CMOS_EQUIPMENT] = this.options.equipment;
    writeMemorySizes(this.cmos, this.memory);
    writeChecksum(this.cmos);
    this.index = 0;
    this.nmiMasked = false;
    this.flags = 0;
    this.fallBackDate = 0;
    const position = Math.floor((t.millis * SECOND) / 1000);
    this.chainOrigin = this.cycleAt(this.clock.ticks) - position;
    this.frozenPosition = position;
    this.syncedPosition = position;
    this.rearm(this.clock.ticks);
    this.forceIrq(false);
  }

  // ---- host API ---------------------------------------------------------------------------

  /** Whether the last index write set bit 7 (NMI disabled, on a PC). The NMI line itself is not modelled. */
  get nmiDisabled(): boolean {
    return this.nmiMasked;
  }

  /** CMOS byte `index` (0-127) as the guest would read it, without the read's side effects on register C. */
  peek(index: number): number {
    this.sync(this.clock.ticks);
    if (index === R.REG_A) return this.registerA();
    if (index === R.REG_C) return this.registerC();
    return this.cmos[index & 0x7f]!;
  }

  /** Writes CMOS RAM byte `index` (0x0E-0x7F) from the host side; does not touch the checksum. */
  poke(index: number, value: number): void {
    if (index < R.RAM_START || index >= R.CMOS_SIZE) throw new RangeError(`${this.id}: CMOS RAM is 0x0E-0x7F, not ${index}`);
    this.cmos[index] = value & 0xff;
  }

  /**
   * Fills the memory fields of the CMOS map (0x15-0x18, 0x30/0x31, 0x34/0x35) and updates the
   * checksum: what a machine with a memory layout of its own calls after attach.
   */
  setMemorySizes(sizes: MemorySizes): void {
    this.memory = { ...sizes };
    writeMemorySizes(this.cmos, this.memory);
    writeChecksum(this.cmos);
  }

  /** Recomputes the checksum at 0x2E/0x2F over 0x10-0x2D (a BIOS setup does this after changing CMOS). */
  updateChecksum(): void {
    writeChecksum(this.cmos);
  }

  /** The level driven on the IRQ line (register C's IRQF). */
  get irqOutput(): boolean {
    return this.irqLevel;
  }

  // ---- ports ------------------------------------------------------------------------------

  private writeIndex(value: number): void {
    this.index = value & 0x7f;
    this.nmiMasked = (value & 0x80) !== 0;
  }

  private readData(): number {
    const now = this.clock.ticks;
    this.sync(now);
    switch (this.index) {
      case R.REG_A:
        return this.registerA();
      case R.REG_C: {
        const v = this.registerC();
        this.flags = 0; // read-and-clear
        this.updateIrq();
        return v;
      }
      default:
        return this.cmos[this.index]!;
    }
  }

  private writeData(value: number): void {
    const now = this.clock.ticks;
    this.sync(now);
    switch (this.index) {
      case R.REG_A:
        this.writeRegisterA(value, now);
        break;
      case R.REG_B: {
        let v = value;
        // Setting SET stops updates and clears UIE (datasheet: "UIE is cleared when SET is set").
        if (v & R.B_SET) v &= ~R.B_UIE;
        this.cmos[R.REG_B] = v;
        this.rearm(now);
        break;
      }
      case R.REG_C:
      case R.REG_D:
        return; // read-only
      default:
        this.cmos[this.index] = value;
    }
    this.updateIrq();
  }

  /**
   * Register A: bit 7 (UIP) is read-only. DV = 11x holds the divider chain in reset; leaving
   * reset for 010 starts it so that the first update comes 500 ms later. Other DV values stop
   * the chain where it is (ringlab's oscillator is 32.768 kHz; other time bases do not run).
   */
  private writeRegisterA(value: number, now: number): void {
    const wasRunning = this.running;
    const wasReset = this.inReset;
    const position = this.position(this.cycleAt(now));
    this.cmos[R.REG_A] = value & 0x7f;
    if (this.inReset) {
      this.frozenPosition = 0;
    } else if (this.running && !wasRunning) {
      const start = wasReset ? RELEASED_POSITION : this.frozenPosition;
      this.chainOrigin = this.cycleAt(now) - start;
    } else if (!this.running && wasRunning) {
      this.frozenPosition = position;
    }
    this.syncedPosition = this.position(this.cycleAt(now));
    this.rearm(now);
  }

  private registerA(): number {
    return this.cmos[R.REG_A]! | (this.updateInProgress() ? R.A_UIP : 0);
  }

  private registerC(): number {
    return this.flags | (this.irqf() ? R.C_IRQF : 0);
  }

  private get regB(): number {
    return this.cmos[R.REG_B]!;
  }

  private get running(): boolean {
    return (this.cmos[R.REG_A]! & R.A_DV_MASK) === R.DV_32K;
  }

  private get inReset(): boolean {
    return (this.cmos[R.REG_A]! & 0x60) === 0x60;
  }

  /** UIP: the last 244 us before an update, while updates happen (chain running, SET clear). */
  private updateInProgress(): boolean {
    if (!this.running || this.regB & R.B_SET) return false;
    const p = this.position(this.cycleAt(this.clock.ticks));
    return p % SECOND >= SECOND - R.UIP_CYCLES;
  }

  private irqf(): boolean {
    const b = this.regB;
    return (
      ((this.flags & R.C_PF) !== 0 && (b & R.B_PIE) !== 0) ||
      ((this.flags & R.C_AF) !== 0 && (b & R.B_AIE) !== 0) ||
      ((this.flags & R.C_UF) !== 0 && (b & R.B_UIE) !== 0)
    );
  }

  private updateIrq(): void {
    const level = this.irqf();
    if (level !== this.irqLevel) this.forceIrq(level);
  }

  private forceIrq(level: boolean): void {
    this.irqLevel = level;
    if (level) this.line?.raise();
    else this.line?.lower();
  }

  // ---- time -------------------------------------------------------------------------------

  /** Oscillator cycles elapsed by TSC tick `tick`: floor(tick × 32768 / tscHz), exactly. */
  private cycleAt(tick: number): number {
    if (tick !== this.cachedTick) {
      this.cachedTick = tick;
      this.cachedCycle = Number((BigInt(Math.floor(tick)) * BigInt(R.OSC_HZ)) / this.tscHz);
    }
    return this.cachedCycle;
  }

  /** The first TSC tick at which oscillator cycle `cycle` has happened. */
  private tickOfCycle(cycle: number): number {
    const num = BigInt(cycle) * this.tscHz;
    const den = BigInt(R.OSC_HZ);
    const q = num / den;
    return Number(num % den > 0n ? q + 1n : q);
  }

  /** The divider chain position at oscillator cycle `cycle`. */
  private position(cycle: number): number {
    return this.running ? cycle - this.chainOrigin : this.frozenPosition;
  }

  /** Applies every update and periodic edge between the last sync and tick `now`, in order. */
  private sync(now: number): void {
    if (!this.running) return;
    const to = this.position(this.cycleAt(now));
    const from = this.syncedPosition;
    if (to <= from) return;
    const period = R.periodCycles(this.cmos[R.REG_A]! & R.A_RS_MASK);
    if (period > 0 && Math.floor(to / period) > Math.floor(from / period)) this.flags |= R.C_PF;
    const updates = Math.floor(to / SECOND) - Math.floor(from / SECOND);
    for (let i = 0; i < updates; i++) this.update();
    this.syncedPosition = to;
  }

  /** One update cycle: the time advances a second (unless SET), then the alarm is compared; UF and AF set. */
  private update(): void {
    if (this.regB & R.B_SET) return;
    this.calendar.tick();
    if (this.regB & R.B_DSE) this.daylightSaving();
    if (this.calendar.alarmMatches()) this.flags |= R.C_AF;
    this.flags |= R.C_UF;
  }

  /**
   * DSE (US rules of the datasheet): on the last Sunday in April 1:59:59 AM is followed by
   * 3:00:00 AM; on the last Sunday in October the first 1:59:59 AM is followed by 1:00:00 AM.
   */
  private daylightSaving(): void {
    const c = this.calendar;
    const month = c.get(R.MONTH);
    if (month !== 10) this.fallBackDate = 0;
    if (c.get(R.SECONDS) !== 0 || c.get(R.MINUTES) !== 0 || c.hours24() !== 2 || c.get(R.DAY_OF_WEEK) !== 1) return;
    const date = c.get(R.DAY_OF_MONTH);
    if (month === 4 && date >= 24) c.setHours24(3);
    else if (month === 10 && date >= 25 && this.fallBackDate !== date) {
      c.setHours24(1);
      this.fallBackDate = date;
    }
  }

  /**
   * Schedules what must raise the IRQ line by itself: the next update (whenever updates
   * happen: UF/AF are set even with their interrupts off) and, with PIE, the next periodic edge.
   */
  private rearm(now: number): void {
    this.cancelTimers();
    if (!this.running) return;
    const pos = this.position(this.cycleAt(now));
    if (!(this.regB & R.B_SET)) {
      const next = (Math.floor(pos / SECOND) + 1) * SECOND;
      this.updateTimer = this.clock.scheduleAt(this.tickAtPosition(next), (t) => this.onTimer(t), `${this.id} update`);
    }
    const period = R.periodCycles(this.cmos[R.REG_A]! & R.A_RS_MASK);
    if (this.regB & R.B_PIE && period > 0) {
      const next = (Math.floor(pos / period) + 1) * period;
      this.periodicTimer = this.clock.scheduleAt(this.tickAtPosition(next), (t) => this.onTimer(t), `${this.id} periodic`);
    }
  }

  private tickAtPosition(position: number): number {
    return this.tickOfCycle(position + this.chainOrigin);
  }

  private onTimer(deadline: number): void {
    this.sync(deadline);
    this.rearm(deadline);
    this.updateIrq();
  }

  private cancelTimers(): void {
    this.updateTimer?.cancel();
    this.periodicTimer?.cancel();
    this.updateTimer = this.periodicTimer = undefined;
  }

  // ---- state ------------------------------------------------------------------------------

  saveState(): JsonValue {
    this.sync(this.clock.ticks);
    return state.save({
      cmos: Array.from(this.cmos),
      index: this.index,
      nmiMasked: this.nmiMasked,
      flags: this.flags,
      chainOrigin: this.chainOrigin,
      frozenPosition: this.frozenPosition,
      syncedPosition: this.syncedPosition,
      fallBackDate: this.fallBackDate,
      baseMemoryKiB: this.memory.baseKiB,
      extendedMemoryKiB: this.memory.extendedKiB,
    });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, `${this.id} state`);
    const cmos = s.cmos;
    this.cmos.set(cmos);
    this.cmos[R.REG_A] = cmos[R.REG_A]! & 0x7f;
    this.index = s.index;
    this.nmiMasked = s.nmiMasked;
    this.flags = s.flags & (R.C_PF | R.C_AF | R.C_UF);
    this.chainOrigin = s.chainOrigin;
    this.frozenPosition = s.frozenPosition;
    this.syncedPosition = s.syncedPosition;
    this.fallBackDate = s.fallBackDate;
    this.memory = { baseKiB: s.baseMemoryKiB, extendedKiB: s.extendedMemoryKiB };
    this.rearm(this.clock.ticks);
    this.forceIrq(this.irqf());
  }
}

/** The `rtc` device plugin: options `port` (0x70), `irq` (8), `time`, `baseMemoryKiB`, `extendedMemoryKiB`, `equipment`. */
export const rtcPlugin = defineDevicePlugin({
  name: "rtc",
  description: "Motorola MC146818A RTC and CMOS RAM on ports 0x70-0x71 (IRQ 8), on virtual time from a fixed start date",
  options,
  device: Rtc,
});
