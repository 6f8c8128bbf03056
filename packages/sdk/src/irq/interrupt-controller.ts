/**
 * What the CPU sees of an interrupt controller: the INTR pin and the interrupt-acknowledge
 * cycle. The 8259 PIC pair implements it.
 *
 * Interrupt recognition is an event, not a poll: the CPU samples INTR only at the
 * instruction boundary after it was told that INTR may have changed, or after its own IF
 * became 1. A controller must therefore call {@link Bus.interruptRequestChanged} whenever
 * its INTR output may have gone high — a line raised, an IMR write, an EOI, initialization
 * words, a priority change — the way Bochs raises an asynchronous event or QEMU calls
 * `cpu_interrupt`. Calling it when nothing changed costs one check at the next boundary.
 */
export interface InterruptController {
  /** True while the controller drives INTR: an unmasked request is waiting for service. */
  hasPendingInterrupt(): boolean;
  /**
   * The INTA cycle: the controller commits to its highest-priority request and returns the
   * vector (0..255) the CPU must take. Called only after `hasPendingInterrupt()` was true.
   */
  acknowledge(): number;
  /**
   * Whether a request on some IRQ line could still drive INTR from the controller's present
   * state with no command from the CPU. False when every line is masked, locked out by a
   * level in service awaiting its EOI, or the controller is uninitialised: a CPU halted with
   * IF=1 can then never wake (no NMI source exists on ringlab's PC), and the machine ends the
   * run instead of idling for ever. A controller that cannot tell leaves it out (assumed true).
   */
  canInterrupt?(): boolean;
}

/** A controller that never interrupts: the bus's default until a PIC attaches. */
export const NO_INTERRUPT_CONTROLLER: InterruptController = {
  hasPendingInterrupt: () => false,
  canInterrupt: () => false,
  acknowledge: () => {
    throw new Error("acknowledge() called with no interrupt controller attached");
  },
};
