export { CollectingConsole, type MachineHost, createMachine } from "./create-machine.js";
export {
  CONVENTIONAL_RAM_END,
  EXTENDED_RAM_START,
  type LayoutRegion,
  type LayoutRegionKind,
  MemoryLayout,
  describeRegion,
  pcLayoutRegions,
} from "./memory-layout.js";
export { formatSize } from "./size-text.js";
export { DeviceRegistry } from "./device-registry.js";
export { builtinDevices, builtinRegistry } from "./builtin-devices.js";
export { Machine, type MachineState } from "./machine.js";
export {
  MACHINE_STATE_VERSION,
  type MachineSnapshot,
  restoreMachine,
  saveMachine,
  schemaDifference,
  type StateSchemas,
  stateSchemas,
} from "./machine-snapshot.js";
export { EventLog, type EventLogTransfer, type GuestEvent, eventVectorName, formatEvent } from "./event-log.js";
export { type LoopContext, MAX_SLICE, type RunOutcome, runLoop } from "./run-loop.js";
export {
  DEFAULT_DEVICES,
  type DeviceEntry,
  type DeviceEntryInput,
  type MachineConfig,
  type MachineConfigInput,
  type LayoutRegionInput,
  deviceEntries,
  layoutRegionSchema,
  machineConfigSchema,
  memoryLayoutOf,
  parseMachineConfig,
  parseSize,
} from "./machine-config.js";
export { type BootableProcessor, CPU, type Processor, type ProcessorStop } from "./processor.js";
export { type BootFile, type BootModule, type BootSummary, bootKernel } from "./boot.js";
export { BOOT_PARAMS_ADDR } from "./boot-linux.js";
export * from "./loaders/index.js";
export { GDB_KILL_REASON, MachineDebugTarget, type MachineDebugTargetOptions } from "./gdb-target.js";
export {
  type PolicyRun,
  allDifferences,
  comparisonTable,
  differences,
  exitsByReasonTable,
  formatComparison,
  groupDigits,
  measuredTable,
  policyRunOf,
  textScreenOf,
  verdictLines,
} from "./policy-comparison.js";
export { describeOutcome, outcomeText } from "./outcome-text.js";
