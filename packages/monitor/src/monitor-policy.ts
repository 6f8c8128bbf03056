import type { StopReason } from "@ringlab/cpu";
import type { JsonValue } from "@ringlab/sdk";
import type { ExitStats } from "./exit-stats.js";

/** What a policy measured besides its exits. */
export interface MonitorCounters {
  /** Guest instructions retired while running deprivileged on the CPU (direct execution). */
  direct: number;
  /**
   * Guest instructions retired by the monitor's emulation: each exit's instruction run at the
   * guest's true privilege, plus whole stretches the guest spent where it cannot be
   * deprivileged (real mode, virtual-8086 mode).
   */
  emulated: number;
  /** Instructions the scanner examined before they first ran, and how many it patched. */
  scanned: number;
  patched: number;
  /**
   * Other events the policy counted that are not exits, by name (e.g. `vtx`'s page walks and
   * the memory references a nested-paging walk makes); absent when it counts none.
   */
  measured?: Readonly<Record<string, number>>;
}

/**
 * A monitor policy drives the CPU for the machine loop and handles every exit (DESIGN.md,
 * "monitor owns policy"). It has the machine's processor shape — `run(budget)` retires at
 * most `budget` guest instructions — so the machine runs any policy the same way, and the
 * guest sees the same virtual time under each.
 */
export interface MonitorPolicy {
  /** The name it is registered under (its PolicyDefinition's). */
  readonly name: string;
  /** One line on how this policy runs the guest (for reports). */
  readonly description: string;
  /** Exits by reason and instruction since the policy was attached. */
  readonly stats: ExitStats;
  counters(): MonitorCounters;
  /** Retires at most `budget` guest instructions; stops like `Cpu.run`. */
  run(budget: number): StopReason;
  /** True when the *guest* would take an external interrupt now (its IF, no shadow). */
  interruptsEnabled(): boolean;
  /** Ends the current run after the instruction in progress. */
  requestStop(): void;
  /** Power-on: forgets the guest's virtual state, held interrupts and statistics. */
  reset(): void;
  /**
   * Optional: the policy's own state as plain JSON, between runs, for a machine snapshot
   * (its counters and exit statistics, and whatever guest state it keeps virtual). A
   * policy without it cannot be snapshotted: the machine refuses, naming it.
   */
  saveState?(): JsonValue;
  /** Restores {@link saveState}'s output; throws a `ConfigError` naming a bad field. */
  loadState?(state: JsonValue): void;
}
