import { type ExitKind, vectors } from "@ringlab/cpu";

/** One interrupt or exception the guest received through its own IDT or IVT. */
export interface GuestEvent {
  /** Guest instructions retired when it was taken. */
  instructions: number;
  vector: number;
  kind: ExitKind;
  /** Where the guest was interrupted: CS selector and EIP (the faulting one for a fault). */
  cs: number;
  eip: number;
  /** The error code pushed, or -1. */
  errorCode: number;
}

/**
 * An {@link EventLog} as plain typed arrays, for `postMessage` between threads: each array
 * holds exactly `count` entries, and their buffers can go in the transfer list
 * ({@link EventLog.transferList}) so a long log moves without being copied again.
 */
export interface EventLogTransfer {
  count: number;
  retired: Float64Array<ArrayBuffer>;
  /** vector | kind << 8 | cs << 16, as the log keeps them. */
  packed: Float64Array<ArrayBuffer>;
  eips: Uint32Array<ArrayBuffer>;
  errors: Int32Array<ArrayBuffer>;
}

const KINDS: readonly ExitKind[] = ["fault", "trap", "software", "external"];
const KIND_CODE: Record<ExitKind, number> = { fault: 0, trap: 1, software: 2, external: 3 };

/**
 * The run's event log: every interrupt and exception delivered to the guest, as (retired
 * instructions, vector, kind, CS:EIP, error code). It is what the guest saw of the events
 * that interrupted it, so two runs the guest cannot tell apart have identical logs — the
 * monitor's own exits, which the guest never sees, are not in it. Kept in growable typed
 * arrays (a few bytes per event), so a long run's log stays small.
 */
export class EventLog {
  private count = 0;
  private retired = new Float64Array(256);
  /** vector | kind << 8 | cs << 16 */
  private packed = new Float64Array(256);
  private eips = new Uint32Array(256);
  private errors = new Int32Array(256);

  /** Events logged so far. */
  get length(): number {
    return this.count;
  }

  /** Logs one event (the CPU's delivery hook calls it). */
  record(instructions: number, vector: number, kind: ExitKind, cs: number, eip: number, errorCode: number): void {
    if (this.count === this.retired.length) this.grow();
    const i = this.count++;
    this.retired[i] = instructions;
    this.packed[i] = (vector & 0xff) | (KIND_CODE[kind] << 8) | ((cs & 0xffff) * 0x10000);
    this.eips[i] = eip;
    this.errors[i] = errorCode;
  }

  /** Event `i` (0 = first). */
  at(i: number): GuestEvent {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`event ${i} is not in the log (${this.count} events)`);
    const p = this.packed[i]!;
    return {
      instructions: this.retired[i]!,
      vector: p & 0xff,
      kind: KINDS[(p >>> 8) & 3]!,
      cs: Math.floor(p / 0x10000),
      eip: this.eips[i]!,
      errorCode: this.errors[i]!,
    };
  }

  /** Index of the first event where this log and `other` differ, or -1 when they are identical. */
  firstDifference(other: EventLog): number {
    const n = Math.min(this.count, other.count);
    for (let i = 0; i < n; i++) {
      if (
        this.retired[i] !== other.retired[i] ||
        this.packed[i] !== other.packed[i] ||
        this.eips[i] !== other.eips[i] ||
        this.errors[i] !== other.errors[i]
      ) {
        return i;
      }
    }
    return this.count === other.count ? -1 : n;
  }

  /** How many events of each vector, with their kind (`0x20 external`), most frequent first. */
  summary(): { vector: number; kind: ExitKind; name: string; count: number }[] {
    const counts = new Map<number, number>();
    for (let i = 0; i < this.count; i++) {
      const key = this.packed[i]! % 0x10000; // vector and kind
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()]
      .map(([key, count]) => {
        const vector = key & 0xff;
        const kind = KINDS[(key >>> 8) & 3]!;
        return { vector, kind, name: eventVectorName(vector, kind), count };
      })
      .sort((a, b) => b.count - a.count || a.vector - b.vector);
  }

  /**
   * The log as plain typed arrays, for sending to another thread (a worker's `postMessage`).
   * The arrays are copies trimmed to the events logged, so this log stays usable and the
   * copies' buffers may be transferred. {@link EventLog.fromTransfer} rebuilds the log.
   */
  toTransfer(): EventLogTransfer {
    const n = this.count;
    return {
      count: n,
      retired: this.retired.slice(0, n),
      packed: this.packed.slice(0, n),
      eips: this.eips.slice(0, n),
      errors: this.errors.slice(0, n),
    };
  }

  /** The buffers of a {@link EventLogTransfer}: the transfer list for `postMessage`. */
  static transferList(t: EventLogTransfer): ArrayBuffer[] {
    return [t.retired.buffer, t.packed.buffer, t.eips.buffer, t.errors.buffer];
  }

  /**
   * Rebuilds a log from {@link EventLog.toTransfer}'s form (after `postMessage`), identical
   * event for event; it takes the arrays over. A form whose arrays are shorter than its
   * count is refused (RangeError): it was not made by `toTransfer`.
   */
  static fromTransfer(t: EventLogTransfer): EventLog {
    const n = t.count;
    if (!(Number.isSafeInteger(n) && n >= 0) || [t.retired, t.packed, t.eips, t.errors].some((a) => a.length < n)) {
      throw new RangeError(`an event log transfer of ${n} events with arrays of ${t.retired.length}, ${t.packed.length}, ${t.eips.length} and ${t.errors.length} entries`);
    }
    const log = new EventLog();
    log.count = n;
    log.retired = t.retired;
    log.packed = t.packed;
    log.eips = t.eips;
    log.errors = t.errors;
    return log;
  }

  /**
   * Replaces the log with the events in these parallel arrays (as {@link toTransfer} holds
   * them), for a restored machine snapshot: the log then reads as if the run had never
   * stopped. The caller checks the arrays have one length.
   */
  restore(retired: readonly number[], packed: readonly number[], eips: readonly number[], errors: readonly number[]): void {
    const n = retired.length;
    const size = Math.max(256, n);
    this.retired = new Float64Array(size);
    this.retired.set(retired);
    this.packed = new Float64Array(size);
    this.packed.set(packed);
    this.eips = new Uint32Array(size);
    this.eips.set(eips);
    this.errors = new Int32Array(size);
    this.errors.set(errors);
    this.count = n;
  }

  /** Forgets every event (power-on). */
  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    // A log rebuilt from an empty transfer has zero-length arrays: start again at 256.
    const n = Math.max(256, this.retired.length * 2);
    const retired = new Float64Array(n);
    retired.set(this.retired);
    const packed = new Float64Array(n);
    packed.set(this.packed);
    const eips = new Uint32Array(n);
    eips.set(this.eips);
    const errors = new Int32Array(n);
    errors.set(this.errors);
    this.retired = retired;
    this.packed = packed;
    this.eips = eips;
    this.errors = errors;
  }
}

/** `#GP` for a CPU exception, `int 0x80` for INT n, `vector 0x20` for a device interrupt. */
export function eventVectorName(vector: number, kind: ExitKind): string {
  const hex = `0x${vector.toString(16).padStart(2, "0")}`;
  if (kind === "software") return `int ${hex}`;
  if (kind === "external") return `vector ${hex}`;
  return vectors.vectorName(vector);
}

/**
 * One event as a line of `--trace-events` output: retired instructions, vector, kind,
 * CS:EIP and the error code when one was pushed, e.g.
 * `1834 0x0d fault 0008:00100a3c err=0000` (what `ringlab run --trace-events` writes).
 */
export function formatEvent(e: GuestEvent): string {
  const hex = (v: number, w: number) => v.toString(16).padStart(w, "0");
  const err = e.errorCode >= 0 ? ` err=${hex(e.errorCode, 4)}` : "";
  return `${e.instructions} 0x${hex(e.vector, 2)} ${e.kind} ${hex(e.cs, 4)}:${hex(e.eip, 8)}${err} ${eventVectorName(e.vector, e.kind)}`;
}
