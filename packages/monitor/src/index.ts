/**
 * `@ringlab/monitor`: monitor policies — `pure` emulation, `scan-patch` (ring compression,
 * virtual privileged state, patched sensitive instructions) and `pvi` (the same with
 * CR4.PVI) — and the exit statistics each keeps.
 */
export { type ExitCount, type ExitReason, EXIT_REASONS, ExitStats } from "./exit-stats.js";
export { type MonitorCounters, type MonitorPolicy, type PolicyName, POLICY_NAMES } from "./monitor-policy.js";
export { PurePolicy } from "./pure-policy.js";
export { type DeprivilegeOptions, DeprivilegingMonitor } from "./deprivileging-monitor.js";
export { CodeScanner, PATCH_BYTES } from "./code-scanner.js";
export { ioInstruction, msrTrappedInstruction, privilegedInstruction, sensitiveInstruction } from "./sensitive-instructions.js";
export { createPolicy, type PolicyOptions, pviPolicy, scanPatchPolicy } from "./policies.js";
export { MONITOR_IDT_BASE, MONITOR_IDT_LIMIT } from "./virtual-state.js";
