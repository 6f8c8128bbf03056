import type { Writable } from "node:stream";

/** Why an output stream stopped taking data. */
export interface OutputFailure {
  /** Which stream: "stdout" or "stderr". */
  stream: string;
  /** The errno code ("EPIPE", "ENOSPC", ...), or "unknown". */
  code: string;
  /** What the code means, in words ("no space left on device"). */
  meaning: string;
}

const MEANINGS: Record<string, string> = {
  EPIPE: "its reader has gone away",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
  EBADF: "it is not open",
  EFBIG: "the file is too large",
};

/**
 * How a {@link ProcessOutput} collects small writes. A guest prints its console one byte per
 * OUT, and one system call per byte was most of the host time of print-heavy guests (issue
 * 15: 80% of test386's run); collected, the bytes cost a copy each.
 */
export interface OutputBuffering {
  /** Capacity: a full buffer is passed on. */
  maxBytes: number;
  /** Pass on at every newline (a terminal shows whole lines as they come). */
  lineFlush: boolean;
  /**
   * Pass on once the oldest collected byte is this old, checked at each write, so a slow
   * trickle (a prompt with no newline) still shows; the run also flushes between its slices
   * and at its end.
   */
  maxAgeMs: number;
  /** The clock, in ms (performance.now in the CLI; a fake one in tests). */
  now: () => number;
}

/**
 * One of the process's output streams, made safe to write to whatever happens at the other
 * end. Node reports a write error on stdout (a reader that closed the pipe, a full disk) as
 * an `error` event that, unhandled, kills the process with a stack trace; here it becomes a
 * recorded {@link OutputFailure}, listeners are told at once (so a run can stop), and later
 * writes are dropped instead of piling up in memory.
 *
 * Writes to pipes and files are synchronous on POSIX, and Node marks the stream as errored
 * before `write` returns, so the failure is seen at the write that caused it even while a
 * synchronous guest run holds the event loop.
 */
export class ProcessOutput {
  private failed: OutputFailure | undefined;
  private readonly listeners: ((f: OutputFailure) => void)[] = [];
  /** Bytes written but not yet passed to the stream (buffered output only). */
  private readonly pending: Uint8Array;
  private used = 0;
  /** When the oldest pending byte was written (ms, from `policy.now`). */
  private since = 0;

  /**
   * @param buffer With a policy, byte writes are collected and passed on in large writes
   *   (see {@link OutputBuffering}); without one every write goes straight to the stream.
   */
  constructor(
    private readonly stream: Writable,
    private readonly name: string,
    private readonly buffer?: OutputBuffering,
  ) {
    // Without a listener the error event would be thrown as an uncaught exception.
    stream.on("error", (e) => this.fail(e));
    this.pending = new Uint8Array(buffer?.maxBytes ?? 0);
  }

  /**
   * Writes `data` unless the stream has already failed. Buffered, bytes are collected and
   * passed on when the buffer fills, at a newline when `lineFlush` is set, and once the oldest
   * collected byte is `maxAgeMs` old; text (reports, the screen) goes out at once, after them.
   */
  write(data: string | Uint8Array): void {
    if (this.failed) return;
    const b = this.buffer;
    if (b === undefined || typeof data === "string" || data.length > this.pending.length) {
      this.flush();
      this.writeNow(data);
      return;
    }
    if (this.used + data.length > this.pending.length) this.flush();
    if (this.used === 0) this.since = b.now();
    this.pending.set(data, this.used);
    this.used += data.length;
    if ((b.lineFlush && data.includes(0x0a)) || b.now() - this.since >= b.maxAgeMs) this.flush();
  }

  /** Passes every collected byte to the stream now. */
  flush(): void {
    if (this.used === 0) return;
    // A copy: the stream may hold on to what it is given after write() returns.
    const out = this.pending.slice(0, this.used);
    this.used = 0;
    this.writeNow(out);
  }

  /** Called before each write reaches the stream (a progress line clears itself). */
  beforeWrite: (() => void) | undefined;

  private writeNow(data: string | Uint8Array): void {
    if (this.failed) return;
    this.beforeWrite?.();
    try {
      this.stream.write(data);
    } catch (e) {
      this.fail(e);
      return;
    }
    const errored = (this.stream as Writable & { errored?: unknown }).errored;
    if (errored) this.fail(errored);
  }

  /** The failure, once the stream has failed. */
  get failure(): OutputFailure | undefined {
    return this.failed;
  }

  /** Calls `listener` once when the stream fails (at once if it already has). */
  onFailure(listener: (f: OutputFailure) => void): void {
    if (this.failed) listener(this.failed);
    else this.listeners.push(listener);
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    const code = typeof (e as NodeJS.ErrnoException)?.code === "string" ? (e as NodeJS.ErrnoException).code! : "unknown";
    this.failed = { stream: this.name, code, meaning: MEANINGS[code] ?? String((e as Error)?.message ?? e) };
    for (const l of this.listeners.splice(0)) l(this.failed);
  }
}
