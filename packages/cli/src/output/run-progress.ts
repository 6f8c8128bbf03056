import type { Writable } from "node:stream";
import type { Machine } from "@ringlab/machine";
import cliProgress from "cli-progress";

/** What a progress line needs of its stream: a terminal's width, if it is one. */
export type ProgressStream = Writable & { columns?: number };

/**
 * A long run's progress on a terminal (stderr): instructions retired, the host's speed in
 * millions of instructions per second, virtual time and the monitor's exits, on one line
 * drawn by cli-progress — with a bar when the run has an instruction limit. Only made when
 * stderr is a terminal; output to a pipe or file gets none of it.
 */
export class RunProgress {
  private readonly bar: cliProgress.SingleBar;
  private lastInstructions = 0;
  private lastTime = performance.now();
  private mips = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly machine: Machine,
    private readonly limit: number | undefined,
  ) {
    const values = "{instructions} instructions | {mips} M/s | virtual {virtual} | {exits} exits";
    this.bar = new cliProgress.SingleBar({
      stream,
      format: limit !== undefined ? `{bar} {percentage}% | ${values}` : values,
      barsize: 24,
      hideCursor: false,
      clearOnComplete: true,
      fps: 8,
      noTTYOutput: false,
      // ringlab's own handlers (HostSignals) decide what Ctrl-C does.
      gracefulExit: false,
    });
  }

  /** Redraws the line with the machine's current counts (throttled by cli-progress). */
  update(): void {
    const m = this.machine;
    const now = performance.now();
    const n = m.clock.instructions;
    if (now - this.lastTime >= 250) {
      this.mips = (n - this.lastInstructions) / (now - this.lastTime) / 1000;
      this.lastInstructions = n;
      this.lastTime = now;
    }
    const payload = {
      instructions: n.toLocaleString("en-US"),
      mips: this.mips.toFixed(1),
      virtual: `${(m.clock.nanoseconds / 1e9).toFixed(3)} s`,
      exits: m.monitor.stats.total.toLocaleString("en-US"),
    };
    const value = this.limit !== undefined ? Math.min(n, this.limit) : 0;
    if (!this.drawn) {
      this.bar.start(this.limit ?? 1, value, payload);
      this.drawn = true;
    } else this.bar.update(value, payload);
  }

  /**
   * Takes the line away before other output goes to the terminal; the next update draws it
   * again below that output. (cli-progress saves the cursor when a bar starts and restores
   * it when it stops, so a bar is stopped before anything else is written and started anew.)
   */
  clear(): void {
    this.stop();
  }

  /** Removes the line (and stops cli-progress's redraw timer, which would keep Node alive). */
  stop(): void {
    if (!this.drawn) return;
    this.drawn = false;
    this.bar.stop();
  }
}
