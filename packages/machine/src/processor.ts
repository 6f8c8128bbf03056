import type { Cpu } from "@ringlab/cpu";
import type { InjectionToken } from "tsyringe";

/** The machine's CPU (`@ringlab/cpu`), for classes composed with it. */
export const CPU: InjectionToken<Cpu> = Symbol("ringlab.Cpu");

/**
 * What the machine loop needs of a processor. `@ringlab/cpu`'s `Cpu` satisfies it; tests of
 * the loop use a scripted stand-in.
 */
export type ProcessorStop =
  | { kind: "budget" }
  | { kind: "halt" }
  | { kind: "exception"; vector: number; errorCode?: number }
  | { kind: "shutdown"; why: string };

export interface Processor {
  /**
   * Retires at most `budget` instructions, advancing the virtual clock by what it retired,
   * and says why it stopped. Interrupts from the bus are taken inside, at instruction
   * boundaries.
   */
  run(budget: number): ProcessorStop;
  /** True when the processor would take a pending external interrupt now (IF=1, no shadow). */
  interruptsEnabled(): boolean;
  /** Ends the current slice after the instruction in progress (an exit was requested). */
  requestStop?(): void;
}

/** What a loader needs to set the entry state. */
export interface BootableProcessor extends Processor {
  /**
   * 32-bit protected mode, flat 4 GiB segments, CPL 0, paging off, IF=0, EIP=`eip`; CS is
   * `codeSel` and the data segments `dataSel` (default 0x08 and 0x10).
   */
  setFlat32(eip: number, codeSel?: number, dataSel?: number): void;
  /** The GDT register (a loader that enters with selectors of its own GDT sets it). */
  gdtrBase: number;
  gdtrLimit: number;
  /** Sets general register `i` (0=EAX ... 7=EDI). */
  setReg32(i: number, value: number): void;
}
