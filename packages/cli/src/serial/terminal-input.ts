/**
 * Keys typed on the terminal, for the COM port whose host side is `stdio`: an interactive
 * guest shell. The terminal is put in raw mode, so every key (Ctrl-C included) goes to the
 * guest; as in QEMU, Ctrl-A x ends the run and Ctrl-A Ctrl-A sends a Ctrl-A. Only a terminal
 * is read: piped or redirected stdin is left alone, so scripted runs stay deterministic.
 */
export class TerminalInput {
  /** True once the user typed Ctrl-A x. */
  quitRequested = false;
  private receive: ((bytes: Uint8Array) => void) | undefined;
  private escape = false;
  private readonly onData = (chunk: Buffer) => this.typed(chunk);

  private constructor(private readonly stdin: NodeJS.ReadStream) {
    stdin.setRawMode(true);
    stdin.on("data", this.onData);
    stdin.resume();
  }

  /** Input from the process's terminal, or undefined when stdin is not one. */
  static fromProcess(): TerminalInput | undefined {
    return process.stdin.isTTY ? new TerminalInput(process.stdin) : undefined;
  }

  /** Where typed bytes go (the UART's receiver); bytes typed before this are dropped. */
  connect(receive: (bytes: Uint8Array) => void): void {
    this.receive = receive;
  }

  /** Gives the terminal back as it was. */
  close(): void {
    this.stdin.off("data", this.onData);
    this.stdin.setRawMode(false);
    this.stdin.pause();
  }

  private typed(chunk: Buffer): void {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) this.quitRequested = true;
        else if (b === CTRL_A) out.push(CTRL_A);
        continue;
      }
      if (b === CTRL_A) this.escape = true;
      else out.push(b);
    }
    if (out.length > 0) this.receive?.(Uint8Array.from(out));
  }
}

const CTRL_A = 0x01;
