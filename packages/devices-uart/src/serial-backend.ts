import type { ConsoleSink } from "@ringlab/sdk";

/**
 * The host side of a serial line: where the bytes the UART transmits go, and where the bytes
 * it receives come from. The CLI connects stdin/stdout or a file; tests use
 * {@link BufferSerialBackend} or the UART's `inject()`.
 */
export interface SerialBackend {
  /** Bytes the UART finished transmitting, in order (one call may carry several). */
  write(bytes: Uint8Array): void;
  /**
   * Called once when the back end is connected: `receive` delivers host input to the UART
   * (as `Uart.inject` does). A back end with no input leaves it out.
   */
  onInput?(receive: (bytes: Uint8Array) => void): void;
  /** Pushes out anything the back end buffers; called by `Uart.flush()`. */
  flush?(): void;
}

/** Discards output and has no input. */
export class NullSerialBackend implements SerialBackend {
  write(_bytes: Uint8Array): void {}
}

/** Sends output to the machine's console sink (stdout in the CLI, like the debug console). */
export class ConsoleSerialBackend implements SerialBackend {
  constructor(private readonly sink: ConsoleSink) {}

  write(bytes: Uint8Array): void {
    this.sink.write(bytes);
  }
}

/** Keeps every byte transmitted, for tests and browser front ends. */
export class BufferSerialBackend implements SerialBackend {
  private readonly out: number[] = [];
  private receive: ((bytes: Uint8Array) => void) | undefined;

  write(bytes: Uint8Array): void {
    for (const b of bytes) this.out.push(b);
  }

  onInput(receive: (bytes: Uint8Array) => void): void {
    this.receive = receive;
  }

  /** Host input: hands `bytes` (or a Latin-1 string) to the connected UART. */
  type(bytes: Uint8Array | string): void {
    const data = typeof bytes === "string" ? Uint8Array.from(bytes, (c) => c.charCodeAt(0) & 0xff) : bytes;
    this.receive?.(data);
  }

  /** The bytes transmitted so far. */
  get bytes(): number[] {
    return [...this.out];
  }

  /** The bytes transmitted so far, as Latin-1 text. */
  text(): string {
    return String.fromCharCode(...this.out);
  }
}
