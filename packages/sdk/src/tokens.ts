import type { InjectionToken } from "tsyringe";
import type { Bus } from "./bus.js";
import type { VirtualClock } from "./clock/virtual-clock.js";
import type { Device } from "./device/device.js";

/**
 * Injection tokens. Everything is injected by explicit token (`@inject(BUS)`,
 * `@injectAll(DEVICE)`), never by emitted parameter types, so classes work under any
 * TypeScript transform.
 */

/** The machine's {@link Bus}. */
export const BUS: InjectionToken<Bus> = Symbol("ringlab.Bus");
/** The machine's {@link VirtualClock}. */
export const CLOCK: InjectionToken<VirtualClock> = Symbol("ringlab.Clock");
/** Every device of the machine (`@injectAll(DEVICE)`). */
export const DEVICE: InjectionToken<Device> = Symbol("ringlab.Device");
/** The validated options of the device being constructed. */
export const DEVICE_OPTIONS: InjectionToken<unknown> = Symbol("ringlab.DeviceOptions");
/** The instance id of the device being constructed (e.g. `"pit"`, `"uart1"`). */
export const DEVICE_ID: InjectionToken<string> = Symbol("ringlab.DeviceId");
/** Where a device writes console output (the debug console); see {@link ConsoleSink}. */
export const CONSOLE: InjectionToken<ConsoleSink> = Symbol("ringlab.Console");
/** The machine's monitor policy (type defined by `@ringlab/monitor`). */
export const MONITOR_POLICY: InjectionToken<unknown> = Symbol("ringlab.MonitorPolicy");
/** The machine's validated configuration (type defined by `@ringlab/machine`). */
export const MACHINE_CONFIG: InjectionToken<unknown> = Symbol("ringlab.MachineConfig");
/** Receives run-control requests from devices, e.g. the exit port; see {@link RunControl}. */
export const RUN_CONTROL: InjectionToken<RunControl> = Symbol("ringlab.RunControl");

/** A byte sink for guest console output (stdout in the CLI, a buffer in tests). */
export interface ConsoleSink {
  write(bytes: Uint8Array): void;
}

/** What a device may ask of the machine that runs it. */
export interface RunControl {
  /** Ends the run after the current instruction; the front end exits with `status`. */
  requestExit(status: number, reason: string): void;
}

/** The processor's FERR# output, for the board logic that routes it; see {@link FpuErrorSignal}. */
export const FPU_ERROR: InjectionToken<FpuErrorSignal> = Symbol("ringlab.FpuError");

/**
 * The processor's FERR# pin as a device sees it. With CR0.NE = 0 the x87 reports an unmasked
 * exception not as #MF but by asserting FERR# when the next waiting x87 instruction finds it
 * pending (SDM vol.1 §8.7 and appendix D, "MS-DOS compatibility" mode); a PC/AT latches it onto
 * IRQ 13 and clears the latch on a write to port 0xF0.
 */
export interface FpuErrorSignal {
  /** Calls `listener` each time the CPU asserts FERR#. */
  onAssert(listener: () => void): void;
}
