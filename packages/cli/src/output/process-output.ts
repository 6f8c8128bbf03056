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

  constructor(
    private readonly stream: Writable,
    private readonly name: string,
  ) {
    // Without a listener the error event would be thrown as an uncaught exception.
    stream.on("error", (e) => this.fail(e));
  }

  /** Writes `data` unless the stream has already failed. */
  write(data: string | Uint8Array): void {
    if (this.failed) return;
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
