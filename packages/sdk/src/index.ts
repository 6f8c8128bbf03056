/**
 * `@ringlab/sdk`: the contract between ringlab's CPU, monitor and device plugins. A device
 * imports only this package.
 *
 * It also re-exports zod's `z` (zod 4), the schema library a plugin declares its options
 * with ({@link defineDevicePlugin}); zod documents it at https://zod.dev/api, so this
 * reference does not repeat it. The device testing kit is `@ringlab/sdk/testing`.
 *
 * @module @ringlab/sdk
 */
export { type AccessHandlers, type AccessWidth, ALL_ONES, hex, servedWidths } from "./access.js";
export {
  type AddressKind,
  FOUR_GIB,
  IO_PORT,
  PHYSICAL_ADDRESS,
  checkAddressValue,
  formatAddress,
  formatRange,
  parseAddressText,
  readAddressText,
} from "./address-text.js";
export { decodeBase64, encodeBase64 } from "./base64.js";
export { quoteText } from "./quoted-text.js";
export { Bus, type BusOptions, type OwnerResources, formatPortRange } from "./bus.js";
export { type ClockOptions, DEFAULT_TSC_HZ, type TimerHandle, VirtualClock } from "./clock/virtual-clock.js";
export type { Device } from "./device/device.js";
export { type StateObject, StateReader } from "./device/state-reader.js";
export { type DeviceState, deviceState, stateBool, stateChoice, stateInt, stateInts } from "./device/device-state.js";
export { type DeviceClass, type DevicePlugin, defineDevicePlugin, formatZodIssue, parseDeviceOptions } from "./device/device-plugin.js";
export {
  ConfigError,
  type MappedRange,
  ResourceConflictError,
  type ResourceConflictDetails,
  RinglabError,
  isRinglabError,
} from "./errors.js";
export { DeviceError, asDeviceError } from "./device/device-error.js";
export { ioPortOption } from "./device/port-option.js";
export { type InterruptController, NO_INTERRUPT_CONTROLLER } from "./irq/interrupt-controller.js";
export { type IrqLine, IrqLines, type IrqSink } from "./irq/irq-lines.js";
export type { JsonValue } from "./json.js";
export { type A20Gate, A20GateInputs } from "./memory/a20-gate.js";
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
  A20_GATE,
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
  PCI_BUS,
} from "./tokens.js";
export {
  PCI_DEVICES_PER_BUS,
  PCI_FUNCTIONS_PER_DEVICE,
  type PciAddress,
  checkPciAddress,
  formatPciAddress,
} from "./pci/pci-address.js";
export { type PciBarSpec, barDecodeBase, barMasks } from "./pci/pci-bar.js";
export { type PciInterruptRouter, PciBus, type PciSlot } from "./pci/pci-bus.js";
export { PCI_BAR_COUNT, PCI_CONFIG_SPACE_SIZE, PciCommand, PciConfig, PciStatus } from "./pci/pci-config-registers.js";
export { PciFunction, type PciFunctionHost, type PciFunctionSpec, type PciRegisterSpec } from "./pci/pci-function.js";
/** The schema library device options are declared with, re-exported so plugins need only the SDK. */
export { z } from "zod";
