/**
 * `@ringlab/sdk`: the contract between ringlab's CPU, monitor and device plugins. A device
 * imports only this package.
 */
export { type AccessHandlers, type AccessWidth, ALL_ONES, hex, servedWidths } from "./access.js";
export { Bus, type BusOptions, type OwnerResources, formatPortRange } from "./bus.js";
export { type ClockOptions, DEFAULT_TSC_HZ, type TimerHandle, VirtualClock } from "./clock/virtual-clock.js";
export type { Device } from "./device/device.js";
export { type StateObject, StateReader } from "./device/state-reader.js";
export { type DeviceClass, type DevicePlugin, defineDevicePlugin, formatZodIssue, parseDeviceOptions } from "./device/device-plugin.js";
export { ConfigError, ResourceConflictError, RinglabError, isRinglabError } from "./errors.js";
export { type InterruptController, NO_INTERRUPT_CONTROLLER } from "./irq/interrupt-controller.js";
export { type IrqLine, IrqLines, type IrqSink } from "./irq/irq-lines.js";
export type { JsonValue } from "./json.js";
export {
  ADDRESS_SPACE_SIZE,
  type MemoryCounters,
  MemoryMap,
  type MemoryRegion,
  PAGE_MASK,
  PAGE_SHIFT,
  PAGE_SIZE,
  type RegionKind,
} from "./memory/memory-map.js";
export { PORT_COUNT, type PortClaim, PortSpace, type UnclaimedPortCount } from "./ports/port-space.js";
export {
  BUS,
  CLOCK,
  CONSOLE,
  type ConsoleSink,
  DEVICE,
  DEVICE_ID,
  DEVICE_OPTIONS,
  MACHINE_CONFIG,
  MONITOR_POLICY,
  RUN_CONTROL,
  type RunControl,
  FPU_ERROR,
  type FpuErrorSignal,
} from "./tokens.js";
/** The schema library device options are declared with, re-exported so plugins need only the SDK. */
export { z } from "zod";
