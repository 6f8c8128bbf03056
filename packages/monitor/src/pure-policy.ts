import type { Cpu, StopReason } from "@ringlab/cpu";
import { ExitStats } from "./exit-stats.js";
import type { MonitorCounters, MonitorPolicy } from "./monitor-policy.js";

/**
 * Pure emulation: the CPU runs the guest at its real privilege levels with its own
 * descriptor tables, flags and control registers. Nothing is intercepted, so there are no
 * exits — the reference every other policy must be indistinguishable from.
 */
export class PurePolicy implements MonitorPolicy {
  readonly name: string = "pure";
  readonly description = "the CPU runs the guest at its own privilege levels; nothing is intercepted";
  readonly stats = new ExitStats();
  private retired = 0;

  constructor(private readonly cpu: Cpu) {}

  run(budget: number): StopReason {
    const before = this.cpu.clock.instructions;
    try {
      return this.cpu.run(budget);
    } finally {
      this.retired += this.cpu.clock.instructions - before;
    }
  }

  interruptsEnabled(): boolean {
    return this.cpu.interruptsEnabled();
  }

  requestStop(): void {
    this.cpu.requestStop();
  }

  reset(): void {
    this.stats.reset();
    this.retired = 0;
  }

  counters(): MonitorCounters {
    return { direct: this.retired, emulated: 0, scanned: 0, patched: 0 };
  }
}
