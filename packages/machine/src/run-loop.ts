import type { Bus, VirtualClock } from "@ringlab/sdk";
import type { Processor } from "./processor.js";

/** Why a run ended. */
export type RunOutcome =
  | { kind: "exit"; status: number; reason: string }
  | { kind: "instruction-limit"; instructions: number }
  | { kind: "halted"; reason: string }
  | { kind: "shutdown"; why: string }
  | { kind: "exception"; vector: number; errorCode?: number }
  /** The guest asked for a system reset and nothing is at the reset vector to restart (no BIOS ROM). */
  | { kind: "reset"; reason: string }
  /** The host ended the run between instructions (see `Machine.stop`), e.g. because its output went away. */
  | { kind: "stopped"; reason: string };

/**
 * Most instructions one CPU slice may run with no timer pending, so that an exit request
 * or a limit is seen promptly even in a guest that programs no timer. It never decides
 * where an interrupt lands: the interrupt controller tells the CPU at once when its INTR
 * may have changed, and timers end a slice at their deadline.
 */
export const MAX_SLICE = 1 << 20;

/** What the loop needs from the machine besides the processor. */
export interface LoopContext {
  bus: Bus;
  clock: VirtualClock;
  /** The exit a device requested during the run, if any. */
  pendingExit(): { status: number; reason: string } | undefined;
  /** Why the host asked the run to stop, if it did. */
  pendingStop?(): string | undefined;
  /**
   * Carries out a system reset a device requested during the run, if any: returns nothing
   * when the CPU was restarted (the loop goes on), or the outcome that ends the run.
   */
  serviceReset?(): RunOutcome | undefined;
}

/**
 * The machine loop (QEMU icount / Bochs ips idea): run the CPU up to the next timer
 * deadline, let the clock fire what is due, and repeat. Devices are thus called only between
 * instructions, at an exact instruction count, so every run is reproducible. HLT skips
 * virtual time to the next deadline instead of spinning; an idle that nothing can end (IF=0,
 * no timer pending, no IRQ line that can reach the CPU) ends the run as `halted`.
 */
export function runLoop(ctx: LoopContext, cpu: Processor, limit: number, maxSlice = MAX_SLICE): RunOutcome {
  if (!(Number.isInteger(maxSlice) && maxSlice >= 1)) throw new RangeError(`maxSlice: expected a whole number >= 1, got ${maxSlice}`);
  const { clock } = ctx;
  // A device that schedules a timer in the middle of a slice (the guest programmed the PIT)
  // may need it before the slice would end: the slice then stops after that instruction.
  let sliceEnd = -Infinity;
  clock.setDeadlineListener((deadline) => {
    if (deadline < sliceEnd) {
      sliceEnd = -Infinity;
      cpu.requestStop?.();
    }
  });
  try {
    return loop(ctx, cpu, limit, maxSlice, (end) => (sliceEnd = end));
  } finally {
    clock.setDeadlineListener(null);
  }
}

function loop(ctx: LoopContext, cpu: Processor, limit: number, maxSlice: number, setSliceEnd: (tick: number) => void): RunOutcome {
  const { clock, bus } = ctx;
  for (;;) {
    const exit = ctx.pendingExit();
    if (exit) return { kind: "exit", ...exit };
    const stopped = ctx.pendingStop?.();
    if (stopped !== undefined) return { kind: "stopped", reason: stopped };
    const reset = ctx.serviceReset?.();
    if (reset) return reset;
    const left = limit - clock.instructions;
    if (left <= 0) return { kind: "instruction-limit", instructions: clock.instructions };
    const budget = Math.min(clock.instructionsUntilNextTimer(), left, maxSlice);
    if (budget === 0) {
      clock.runDueTimers();
      continue;
    }
    setSliceEnd(clock.ticks + budget * clock.cyclesPerInstruction);
    const stop = cpu.run(budget);
    setSliceEnd(-Infinity);
    clock.runDueTimers();
    switch (stop.kind) {
      case "budget":
        break;
      case "halt": {
        // An exit or stop requested by the last instruction is reported at the top of the loop.
        if (ctx.pendingExit() || ctx.pendingStop?.() !== undefined) break;
        if (!cpu.interruptsEnabled()) {
          return { kind: "halted", reason: "HLT with interrupts disabled: nothing can wake the CPU" };
        }
        if (bus.interrupts.hasPendingInterrupt()) break;
        const next = clock.nextDeadline();
        if (next === Infinity) {
          return { kind: "halted", reason: "HLT with interrupts enabled but no timer pending: nothing can wake the CPU" };
        }
        // Timers still fire, but into lines the controller will not pass on: only the CPU
        // could unmask them, and it sleeps (this used to idle for ever).
        if (bus.interrupts.canInterrupt?.() === false) {
          return {
            kind: "halted",
            reason: "HLT with interrupts enabled but no IRQ line can reach the CPU (all masked or awaiting EOI at the interrupt controller, or none attached): nothing can wake it",
          };
        }
        clock.skipTo(next);
        clock.runDueTimers();
        break;
      }
      case "shutdown":
        return { kind: "shutdown", why: stop.why };
      case "exception":
        return { kind: "exception", vector: stop.vector, ...(stop.errorCode !== undefined ? { errorCode: stop.errorCode } : {}) };
    }
  }
}
