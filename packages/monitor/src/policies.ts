import type { Cpu } from "@ringlab/cpu";
import { DeprivilegingMonitor } from "./deprivileging-monitor.js";
import type { MonitorPolicy, PolicyName } from "./monitor-policy.js";
import { PurePolicy } from "./pure-policy.js";

/** Options every policy accepts. */
export interface PolicyOptions {
  /**
   * scan-patch / pvi: patch sensitive instructions (default true). `false` runs the guest
   * deprivileged without patches — a demonstration of what the guest can then observe.
   */
  patch?: boolean;
}

/**
 * `scan-patch`: the guest kernel runs in ring 1 (ring compression); privileged instructions
 * (including CLI/STI) fault and are emulated; sensitive ones are patched before they run.
 */
export function scanPatchPolicy(cpu: Cpu, options: PolicyOptions = {}): DeprivilegingMonitor {
  return new DeprivilegingMonitor(cpu, { name: "scan-patch", kernelRing: 1, pvi: false, patch: options.patch ?? true });
}

/**
 * `pvi`: the guest kernel runs in ring 3 with CR4.PVI set (SDM vol.3 §20.4), so its CLI and
 * STI only change EFLAGS.VIF and do not exit; STI with an interrupt pending (VIP) does.
 * Everything else is as under scan-patch.
 */
export function pviPolicy(cpu: Cpu, options: PolicyOptions = {}): DeprivilegingMonitor {
  return new DeprivilegingMonitor(cpu, { name: "pvi", kernelRing: 3, pvi: true, patch: options.patch ?? true });
}

/** The policy called `name`, attached to `cpu` (it installs the CPU's exit and patch hooks). */
export function createPolicy(name: PolicyName, cpu: Cpu, options: PolicyOptions = {}): MonitorPolicy {
  switch (name) {
    case "pure":
      return new PurePolicy(cpu);
    case "scan-patch":
      return scanPatchPolicy(cpu, options);
    case "pvi":
      return pviPolicy(cpu, options);
  }
}
