import type { InjectionToken } from "tsyringe";
import type { Bus } from "./bus.js";
import type { A20Gate } from "./memory/a20-gate.js";
import type { VirtualClock } from "./clock/virtual-clock.js";
import type { Device } from "./device/device.js";
import type { PciBus } from "./pci/pci-bus.js";

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
/** The A20 gate a device drives (the keyboard controller, port 0x92); see {@link A20Gate}. */
export const A20_GATE: InjectionToken<A20Gate> = Symbol("ringlab.A20Gate");
/** Receives run-control requests from devices, e.g. the exit port; see {@link RunControl}. */
export const RUN_CONTROL: InjectionToken<RunControl> = Symbol("ringlab.RunControl");

/** A byte sink for guest console output (stdout in the CLI, a buffer in tests). */
export interface ConsoleSink {
  /**
   * Takes bytes the guest wrote, in order, as raw bytes (no character decoding; one call may
   * carry several). Devices call it while the machine runs — from a port handler, a timer or
   * their `flush` — so a sink should return promptly; one that keeps the bytes past the call
   * should copy them, as the machine's `CollectingConsole` does.
   */
  write(bytes: Uint8Array): void;
}

/** What a device may ask of the machine that runs it. */
export interface RunControl {
  /** Ends the run after the current instruction; the front end exits with `status`. */
  requestExit(status: number, reason: string): void;
  /**
   * The guest asked for a system reset (the keyboard controller's reset line, port 0x92's
   * fast reset): after the current instruction the CPU restarts at its reset vector
   * (F000:FFF0), with memory and the other devices as they are — on a PC the reset line
   * goes to the CPU's RESET pin, and a BIOS finds why it was reset in the CMOS shutdown
   * byte. A machine with nothing to run at the reset vector (booted without a BIOS ROM)
   * ends the run instead, saying that the guest requested a reset. `reason` says who asked
   * and how, for that report.
   */
  requestReset(reason: string): void;
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

/**
 * The machine's PCI bus 0 ({@link PciBus}): a device plugin registers its PCI functions on
 * it; the host bridge's configuration mechanism reads and writes them through it.
 */
export const PCI_BUS: InjectionToken<PciBus> = Symbol("ringlab.PciBus");
