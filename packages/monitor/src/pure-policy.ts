import type { Cpu, StopReason } from "@ringlab/cpu";
import { type JsonValue, StateReader } from "@ringlab/sdk";
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

  /**
   * Pure keeps nothing of the guest's (the CPU holds all of it): only what it counted. Its
   * exit statistics stay empty, but are saved all the same so a restored run reports alike.
   */
  saveState(): JsonValue {
    return { retired: this.retired, stats: this.stats.saveState() as unknown as JsonValue };
  }

  loadState(state: JsonValue): void {
    const r = new StateReader("monitor state (pure)");
    const o = r.object(state);
    const retired = r.int(o, "retired", 0, Number.MAX_SAFE_INTEGER);
    this.stats.loadState(o["stats"] ?? null);
    this.retired = retired;
  }

  counters(): MonitorCounters {
    return { direct: this.retired, emulated: 0, scanned: 0, patched: 0 };
  }
}
