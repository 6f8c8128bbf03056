/**
 * What the CPU sees of an interrupt controller: the INTR pin and the interrupt-acknowledge
 * cycle. The 8259 PIC pair implements it; the CPU asks between instructions when IF=1.
 */
export interface InterruptController {
  /** True while the controller drives INTR: an unmasked request is waiting for service. */
  hasPendingInterrupt(): boolean;
  /**
   * The INTA cycle: the controller commits to its highest-priority request and returns the
   * vector (0..255) the CPU must take. Called only after `hasPendingInterrupt()` was true.
   */
  acknowledge(): number;
}

/** A controller that never interrupts: the bus's default until a PIC attaches. */
export const NO_INTERRUPT_CONTROLLER: InterruptController = {
  hasPendingInterrupt: () => false,
  acknowledge: () => {
    throw new Error("acknowledge() called with no interrupt controller attached");
  },
};
