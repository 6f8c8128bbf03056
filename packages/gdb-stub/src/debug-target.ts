/**
 * What the GDB session needs of the machine it debugs. The session speaks the protocol;
 * a target is the emulator behind it (ringlab's machine adapter lives in `@ringlab/machine`).
 * Registers are numbered as in {@link I386_REGISTERS}; memory is addressed linearly.
 */

/** Why the target stopped, as the session reports it to gdb. */
export type StopEvent =
  /** Stopped with a signal: 5 (SIGTRAP) after a step, breakpoint or watchpoint; 2 (SIGINT) after Ctrl-C. */
  | { kind: "signal"; signal: number; watch?: { kind: WatchKind; address: number } }
  /** The guest ended (its exit port, a halt nothing can wake...): gdb sees the process exit with `status`. */
  | { kind: "exited"; status: number; why: string };

/** gdb's watchpoint kinds: Z2 write, Z3 read, Z4 access (read or write). */
export type WatchKind = "watch" | "rwatch" | "awatch";

/** Breakpoint and watchpoint kinds by the number of their Z packet. */
export type PointKind = "sw-break" | "hw-break" | WatchKind;

/** The emulator side of a debugging session. */
export interface DebugTarget {
  /** Register `n`'s value (an 80-bit x87 register as sign, exponent and significand in 80 bits). */
  readRegister(n: number): bigint;
  /** Sets register `n`; false when it cannot be written (the session answers an error). */
  writeRegister(n: number, value: bigint): boolean;
  /**
   * Up to `length` bytes from linear address `address`, stopping at the first unmapped page
   * (fewer bytes, possibly none). Must not change what the guest can observe.
   */
  readMemory(address: number, length: number): Uint8Array;
  /** Writes `data` at linear `address`; false (nothing written) when any of it is unmapped. */
  writeMemory(address: number, data: Uint8Array): boolean;
  /** Retires exactly one guest instruction (or less, if the guest ends). */
  step(): Promise<StopEvent>;
  /**
   * Runs until a breakpoint, a watchpoint, {@link interrupt} or the guest's end. The
   * instruction at the current address runs even if it has a breakpoint (the one gdb stopped at).
   */
  resume(): Promise<StopEvent>;
  /** Asks a {@link resume} in progress to stop soon with SIGINT. */
  interrupt(): void;
  /** Inserts a breakpoint or watchpoint; false when this kind is not supported. */
  insertPoint(kind: PointKind, address: number, length: number): boolean;
  /** Removes one; false when there was none. */
  removePoint(kind: PointKind, address: number, length: number): boolean;
  /**
   * Runs a `monitor` command (`qRcmd`): its output text, or undefined for an unknown command.
   * The session adds `help`, listing {@link monitorCommands}.
   */
  monitorCommand(command: string): string | undefined;
  /** The monitor commands with one line of help each. */
  monitorCommands(): readonly { name: string; help: string }[];
  /** gdb sent `k`: end the run. */
  kill(): void;
  /** gdb detached (`D`) or went away: the guest runs on freely. */
  detach(): void;
}
