/**
 * `@ringlab/monitor`: monitor policies, a registry of them (`definePolicy`), — `pure` emulation, `scan-patch` (ring compression,
 * virtual privileged state, patched sensitive instructions) and `pvi` (the same with
 * CR4.PVI), `vtx` (hardware-assisted, VT-x) — and the exit statistics each keeps.
 */
export { type ExitCount, type ExitReason, EXIT_REASONS, ExitStats } from "./exit-stats.js";
export { ExitTimeline, type ExitTimelineData } from "./exit-timeline.js";
export { type MonitorCounters, type MonitorPolicy } from "./monitor-policy.js";
export {
  definePolicy,
  parsePolicyOptions,
  type PolicyContext,
  type PolicyDefinition,
  type PolicyOptionInfo,
  policyOptionInfo,
} from "./policy-definition.js";
export { PolicyRegistry } from "./policy-registry.js";
export { PurePolicy } from "./pure-policy.js";
export { type DeprivilegeOptions, DeprivilegingMonitor } from "./deprivileging-monitor.js";
export { CodeScanner, PATCH_BYTES } from "./code-scanner.js";
export { ioInstruction, msrTrappedInstruction, privilegedInstruction, sensitiveInstruction } from "./sensitive-instructions.js";
export {
  BUILTIN_POLICIES,
  BUILTIN_POLICY_NAMES,
  builtinPolicies,
  createPolicy,
  type PolicyOptions,
  purePolicy,
  pviPolicy,
  scanPatchPolicy,
  vtxPolicy,
} from "./builtin-policies.js";
export { EPT_LEVELS, VtxPolicy } from "./vtx-policy.js";
export { type VtxControls, vtxOptions } from "./vtx-controls.js";
export { MONITOR_IDT_BASE, MONITOR_IDT_LIMIT } from "./virtual-state.js";
