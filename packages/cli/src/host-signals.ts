import type { Machine } from "@ringlab/machine";
import { ExitCode } from "./exit-codes.js";

const STATUS: Record<string, number> = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated };

/**
 * Ctrl-C and `kill` during a run: the run stops at the end of its current slice (the machine
 * is asked to stop, so it ends at an instruction boundary), and the command then flushes the
 * guest's output, prints what it was asked to and exits with the shell's status for the
 * signal. Without handlers Node would end the process at once, losing collected output. A
 * second signal while the first is being handled ends the process at once.
 */
export class HostSignals {
  /** The signal that stopped the run, if one did. */
  received: "SIGINT" | "SIGTERM" | undefined;
  private readonly handlers: [NodeJS.Signals, () => void][] = [];

  /**
   * @param onSignal Also told of the first signal: a run the machine loop does not drive
   *   (`--gdb`, where the debugger may hold the guest) ends through it.
   */
  constructor(machine: Machine, onSignal?: (name: "SIGINT" | "SIGTERM") => void) {
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      const handler = () => {
        if (this.received) process.exit(STATUS[this.received]);
        this.received = name;
        machine.stop(`interrupted by ${name}`); // for a run still in progress (an awaited one)
        onSignal?.(name);
      };
      process.on(name, handler);
      this.handlers.push([name, handler]);
    }
  }

  /** The exit status for the signal received. */
  get status(): number {
    return this.received ? STATUS[this.received]! : ExitCode.ok;
  }

  /** Puts Node's default handling back. */
  dispose(): void {
    for (const [name, handler] of this.handlers.splice(0)) process.off(name, handler);
  }
}
