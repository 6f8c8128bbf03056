import { ConfigError } from "../errors.js";
import { asDeviceError } from "../device/device-error.js";
import type { JsonValue } from "../json.js";
import { type Timer, TimerQueue } from "./timer-queue.js";

/** Options of the virtual clock. */
export interface ClockOptions {
  /**
   * TSC frequency in Hz: how many TSC ticks make one virtual second. A whole number from
   * 1 000 000 (1 MHz) to 100 000 000 000 (100 GHz); default {@link DEFAULT_TSC_HZ} (1 GHz).
   */
  tscHz?: number;
  /** TSC ticks each retired guest instruction advances the clock by: a whole number from 1 to 1000. Default 1. */
  cyclesPerInstruction?: number;
}

/** A handle to cancel a scheduled timer, returned by {@link VirtualClock.scheduleAt} and its kin. */
export interface TimerHandle {
  /** The absolute TSC tick the timer fires at, as scheduled (what its callback receives as `now`). */
  readonly deadline: number;
  /**
   * Stops the timer from firing. Cancelling a timer that already fired or was cancelled does
   * nothing, so a device may cancel its handle unconditionally before re-arming.
   */
  cancel(): void;
  /**
   * True until the timer fires, is cancelled, or is dropped by the clock ({@link
   * VirtualClock.reset}, {@link VirtualClock.loadState}): a device that keeps a handle to
   * skip re-arming an unchanged deadline must check it, or a restore that dropped the timer
   * leaves the device believing it still runs.
   */
  readonly active: boolean;
}

/** The TSC frequency a clock has when {@link ClockOptions.tscHz} is not given: 1 GHz, so one tick is one virtual nanosecond. */
export const DEFAULT_TSC_HZ = 1_000_000_000;

/**
 * Virtual time, counted in TSC ticks. Only the CPU advances it, by the instructions it
 * retires, so a run is reproducible to the instruction (the QEMU icount idea). Devices
 * schedule timers on it; the machine loop asks how many instructions remain to the next
 * deadline, runs the CPU that far, advances the clock and fires what is due. Nothing here
 * reads the wall clock.
 */
export class VirtualClock {
  /** TSC ticks per virtual second, fixed for the clock's life ({@link ClockOptions.tscHz}). */
  readonly tscHz: number;
  /** TSC ticks each retired instruction adds, fixed for the clock's life ({@link ClockOptions.cyclesPerInstruction}). */
  readonly cyclesPerInstruction: number;
  private tsc = 0;
  private retired = 0;
  private seq = 0;
  private readonly queue = new TimerQueue();
  private inFlight: (() => number) | null = null;
  private deadlineListener: ((deadline: number) => void) | null = null;

  /**
   * A clock at tick 0 with no timers. Throws a {@link ConfigError} (`clock.tscHz: expected
   * ...`) when an option is outside its range.
   */
  constructor(options: ClockOptions = {}) {
    const tscHz = options.tscHz ?? DEFAULT_TSC_HZ;
    const cpi = options.cyclesPerInstruction ?? 1;
    if (!Number.isInteger(tscHz) || tscHz < 1_000_000 || tscHz > 100_000_000_000) {
      throw new ConfigError(`clock.tscHz: expected a whole number of Hz from 1000000 to 100000000000, got ${tscHz}`);
    }
    if (!Number.isInteger(cpi) || cpi < 1 || cpi > 1000) {
      throw new ConfigError(`clock.cyclesPerInstruction: expected a whole number from 1 to 1000, got ${cpi}`);
    }
    this.tscHz = tscHz;
    this.cyclesPerInstruction = cpi;
  }

  /**
   * The time-stamp counter: TSC ticks since reset, including the instructions the CPU has
   * retired in its current slice (see {@link setInFlight}), so a device read in the middle
   * of a slice sees the exact time of the instruction that reads it.
   */
  get ticks(): number {
    return this.inFlight === null ? this.tsc : this.tsc + this.inFlight() * this.cyclesPerInstruction;
  }

  /** Guest instructions retired since reset, the current slice's included. */
  get instructions(): number {
    return this.inFlight === null ? this.retired : this.retired + this.inFlight();
  }

  /** Virtual nanoseconds since reset. */
  get nanoseconds(): number {
    return this.ticksToNs(this.ticks);
  }

  /**
   * The CPU tells the clock how to count the instructions it has retired in the slice it is
   * running but not yet reported with {@link retire} (it reports them when the slice ends,
   * keeping its hot loop free of clock calls). Null: none.
   */
  setInFlight(source: (() => number) | null): void {
    this.inFlight = source;
  }

  /**
   * Called with the deadline of every timer scheduled from then on: the machine loop uses it
   * to end a CPU slice early when a device, in the middle of the slice, schedules a timer
   * that falls before the slice's end. Null: none.
   */
  setDeadlineListener(listener: ((deadline: number) => void) | null): void {
    this.deadlineListener = listener;
  }

  /**
   * `ticks` TSC ticks in virtual nanoseconds, `ticks × 10⁹ / tscHz`, not rounded: a
   * fraction when the frequency is not a divisor of 1 GHz (at 1.193182 MHz one tick is
   * about 838.1 ns). {@link nsToTicks} is the way back, rounded up.
   */
  ticksToNs(ticks: number): number {
    return (ticks * 1e9) / this.tscHz;
  }

  /** Whole TSC ticks in `ns` nanoseconds, rounded up so a timer never fires early. */
  nsToTicks(ns: number): number {
    return Math.ceil((ns * this.tscHz) / 1e9);
  }

  /** Records `n` retired instructions; the clock moves by `n × cyclesPerInstruction`. */
  retire(n: number): void {
    this.retired += n;
    this.tsc += n * this.cyclesPerInstruction;
  }

  /**
   * Moves time forward to `tick` with no instructions retired: what HLT does while it waits
   * for the next interrupt. Fires nothing; call {@link runDueTimers} after.
   */
  skipTo(tick: number): void {
    if (tick > this.tsc) this.tsc = tick;
  }

  /**
   * Schedules `callback` at absolute TSC tick `deadline`. A deadline already past fires at
   * the next {@link runDueTimers}; the callback always receives its own deadline, so a
   * periodic device re-arming from it never drifts.
   */
  scheduleAt(deadline: number, callback: (now: number) => void, label = "timer"): TimerHandle {
    if (!Number.isFinite(deadline)) throw new RangeError(`${label}: timer deadline ${deadline} is not a finite tick`);
    const timer: Timer = { deadline, label, seq: this.seq++, callback, cancelled: false };
    this.queue.push(timer);
    this.deadlineListener?.(deadline);
    return {
      deadline: timer.deadline,
      cancel: () => {
        timer.cancelled = true;
      },
      get active() {
        return !timer.cancelled;
      },
    };
  }

  /** Schedules `callback` `ticks` TSC ticks from now. */
  scheduleIn(ticks: number, callback: (now: number) => void, label?: string): TimerHandle {
    return this.scheduleAt(this.ticks + ticks, callback, label);
  }

  /** Schedules `callback` `ns` virtual nanoseconds from now. */
  scheduleInNs(ns: number, callback: (now: number) => void, label?: string): TimerHandle {
    return this.scheduleAt(this.ticks + this.nsToTicks(ns), callback, label);
  }

  /** The earliest pending deadline, or `Infinity`. */
  nextDeadline(): number {
    return this.queue.peek()?.deadline ?? Infinity;
  }

  /**
   * How many instructions the CPU may retire before the next timer is due (rounded up, so
   * the deadline is reached), 0 when one is already due, `Infinity` when none is pending.
   */
  instructionsUntilNextTimer(): number {
    const d = this.nextDeadline();
    if (d === Infinity) return Infinity;
    return Math.max(0, Math.ceil((d - this.tsc) / this.cyclesPerInstruction));
  }

  /**
   * Fires every timer whose deadline has come, earliest first and in scheduling order within
   * one tick; a timer scheduled by a callback for a tick already reached fires in this call.
   * Returns how many fired.
   */
  runDueTimers(): number {
    let fired = 0;
    for (;;) {
      const t = this.queue.peek();
      if (!t || t.deadline > this.tsc) return fired;
      this.queue.pop();
      t.cancelled = true;
      try {
        t.callback(t.deadline);
      } catch (e) {
        // Timers are labelled by their device ("pit OUT0"), which is all the clock knows.
        throw asDeviceError(e, undefined, `its timer '${t.label}'`);
      }
      fired++;
    }
  }

  /**
   * Labels and deadlines of pending timers, earliest first and in scheduling order within
   * one tick (for reports and tests); cancelled timers are left out.
   */
  pendingTimers(): {
    /** The label given to {@link scheduleAt} (default `"timer"`): by convention the device and timer, `"pit OUT0"`. */
    label: string;
    /** The absolute TSC tick it is due at. */
    deadline: number;
  }[] {
    const out: { label: string; deadline: number }[] = [];
    const taken: Timer[] = [];
    for (let t = this.queue.pop(); t; t = this.queue.pop()) taken.push(t);
    for (const t of taken) {
      this.queue.push(t);
      if (!t.cancelled) out.push({ label: t.label, deadline: t.deadline });
    }
    return out;
  }

  /** Back to tick 0 with no timers (devices re-arm theirs in their own reset). */
  reset(): void {
    this.tsc = 0;
    this.retired = 0;
    this.queue.clear();
  }

  /** Time only: timers belong to devices, which re-schedule them when their state loads. */
  saveState(): JsonValue {
    return { ticks: this.tsc, instructions: this.retired };
  }

  /** Restores the time and drops every pending timer; load devices' state after this. */
  loadState(state: JsonValue): void {
    const s = state as { ticks?: unknown; instructions?: unknown } | null;
    if (!s || typeof s !== "object" || typeof s.ticks !== "number" || typeof s.instructions !== "number") {
      throw new ConfigError("clock state: expected { ticks: number, instructions: number }");
    }
    this.tsc = s.ticks;
    this.retired = s.instructions;
    this.queue.clear();
  }
}
