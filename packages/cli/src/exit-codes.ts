/**
 * The `ringlab` command's exit statuses. Statuses 0..63 are left to the guest (its write to
 * the exit port); ringlab's own follow BSD sysexits(3) so scripts can tell them apart.
 */
export const ExitCode = {
  ok: 0,
  /** A bad flag, argument or command. */
  usage: 64,
  /** An input file that is not what it should be (bad kernel image). */
  dataError: 65,
  /** An input file that cannot be read. */
  noInput: 66,
  /** An output file that cannot be written (--screenshot). */
  cannotWrite: 73,
  /** stdout could not be written (a full disk, an I/O error): one line on stderr says why. */
  ioError: 74,
  /** A bug in ringlab: please report it. */
  internal: 70,
  /** A feature that is not built yet, or a service the run needs (`--gdb`'s port is taken). */
  unavailable: 69,
  /** A bad configuration value (config file, device option). */
  config: 78,
  /**
   * A third-party device plugin failed: its module never finished loading, or its code threw
   * (constructor, attach, reset, an access handler or a timer). The line names the plugin's
   * file, the device and where.
   */
  plugin: 79,
  /**
   * `resume`: the snapshot cannot be loaded by this build or into this machine — a newer (or
   * older) snapshot format, another state schema of the CPU, the machine or a device, or a
   * flag asking for another configuration than the snapshot's. The line names what differs.
   * (A snapshot file that is not one, truncated or corrupted is a data error, 65.)
   */
  snapshotMismatch: 80,
  /** `run`: the instruction limit was reached before the guest exited. */
  instructionLimit: 120,
  /** `run`: the guest triple-faulted (or reached another unrecoverable CPU state). */
  shutdown: 121,
  /** `run`: the guest halted where nothing can wake it (HLT with IF=0, or no timer). */
  halted: 122,
  /** `run`: an exception or interrupt was claimed by the host and not handled. */
  unhandledExit: 123,
  /**
   * `compare`: the guest could tell the policies apart (its console output, screen,
   * instruction count or outcome differed from the first policy's).
   */
  policiesDiffer: 124,
  /**
   * `run`: the guest asked for a system reset (keyboard controller command 0xFE, port 0x92)
   * and no BIOS ROM is at the reset vector to restart it — how a Linux `reboot` ends.
   */
  reset: 125,
  /**
   * stdout's reader went away (`ringlab run ... | head`): the run ends quietly, with the
   * status a process killed by SIGPIPE reports (128 + 13), as `cat` does.
   */
  brokenPipe: 141,
  /** `run --gdb`: gdb killed the run (`kill`), reported as a process killed by SIGKILL (128 + 9). */
  gdbKill: 137,
  /**
   * `run`: stopped by Ctrl-C (SIGINT) — the guest's output so far flushed, `--stats` printed,
   * one line saying so — with the status a shell gives a process SIGINT killed (128 + 2).
   */
  interrupted: 130,
  /** `run`: stopped by SIGTERM (`kill`), as for SIGINT (128 + 15). */
  terminated: 143,
} as const;
