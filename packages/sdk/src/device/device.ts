import type { Bus } from "../bus.js";
import type { JsonValue } from "../json.js";

/**
 * A device model. The machine constructs it (by DI, with {@link DEVICE_OPTIONS} and
 * whatever tokens it injects), calls {@link attach} once so it claims its ports, memory and
 * IRQ lines, then {@link reset}. It is only ever called between guest instructions.
 */
export interface Device {
  /** Instance id, unique in a machine: the owner name in every claim it makes. */
  readonly id: string;
  /** Claims ports, MMIO/RAM windows and IRQ lines on `bus`. Called once. */
  attach(bus: Bus): void;
  /** Power-on state. Re-arms the device's timers on the clock if it has any. */
  reset(): void;
  /**
   * Optional: the version of {@link saveState}'s schema (1 when absent). A machine snapshot
   * records it per device and refuses to load a state written with another version, naming
   * the device, so bump it whenever a saved field changes meaning.
   */
  readonly stateVersion?: number;
  /** The whole device state as plain JSON (no functions, no typed arrays). */
  saveState(): JsonValue;
  /**
   * Restores a state from {@link saveState}. Throws a {@link ConfigError} naming the field
   * when the state is not one this device wrote. Timers are re-scheduled from the state.
   */
  loadState(state: JsonValue): void;
  /**
   * Optional: the run ended (the guest exited, halted, shut down or hit the limit). A device
   * that buffers output for the host (a UART's transmitter, a log) hands it all over now, so
   * nothing the guest wrote is lost. It must not change what the guest sees.
   */
  flush?(): void;
}
