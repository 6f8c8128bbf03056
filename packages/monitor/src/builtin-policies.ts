import type { Cpu } from "@ringlab/cpu";
import { z } from "@ringlab/sdk";
import { DeprivilegingMonitor } from "./deprivileging-monitor.js";
import type { MonitorPolicy } from "./monitor-policy.js";
import { definePolicy, parsePolicyOptions } from "./policy-definition.js";
import { PolicyRegistry } from "./policy-registry.js";
import { PurePolicy } from "./pure-policy.js";
import { vtxOptions } from "./vtx-controls.js";
import { VtxPolicy } from "./vtx-policy.js";

/** `pure`: the reference; nothing is intercepted. */
export const purePolicy = definePolicy({
  name: "pure",
  description: "pure emulation: the CPU runs the guest at its own privilege levels; nothing is intercepted (the reference)",
  options: z.object({}).strict(),
  create: (cpu) => new PurePolicy(cpu),
});

/**
 * `scan-patch`: ring compression (the FreeMWare/plex86 plan). The guest kernel runs in
 * ring 1 — or ring 3, the "0/3/3" model of Uhlig et al., "Intel Virtualization Technology"
 * (IEEE Computer, 2005), where kernel and user share a ring and the kernel's pages must be
 * protected by other means; privileged instructions (CLI/STI included) fault and are
 * emulated, sensitive ones are patched before they run.
 */
export const scanPatchPolicy = definePolicy({
  name: "scan-patch",
  description: "ring compression: the guest kernel runs deprivileged, privileged instructions fault, sensitive ones are patched before they run",
  options: z
    .object({
      ring: z
        .union([z.literal(1), z.literal(3)], { error: "expected 1 (the 0/1/3 model) or 3 (0/3/3)" })
        .default(1)
        .describe("the ring the guest's ring 0 runs in: 1 (0/1/3 ring compression) or 3 (0/3/3, kernel and user share ring 3)"),
    })
    .strict(),
  create: (cpu, options, { patch }) => new DeprivilegingMonitor(cpu, { name: "scan-patch", kernelRing: options.ring, pvi: false, patch }),
});

/**
 * `pvi`: the guest kernel runs in ring 3 with CR4.PVI set (SDM vol.3 §20.4), so its CLI and
 * STI only change EFLAGS.VIF and do not exit; STI with an interrupt pending (VIP) does.
 * Everything else is as under scan-patch.
 */
export const pviPolicy = definePolicy({
  name: "pvi",
  description: "scan-patch with the guest kernel in ring 3 and CR4.PVI: CLI/STI change VIF without exiting",
  options: z.object({}).strict(),
  create: (cpu, _options, { patch }) => new DeprivilegingMonitor(cpu, { name: "pvi", kernelRing: 3, pvi: true, patch }),
});

/**
 * `vtx`: hardware-assisted virtualization (Intel VT-x): the guest runs at its own privilege
 * levels in VMX non-root operation and exits where the VM-execution controls (the options)
 * say; shadow page tables or nested paging (EPT). See vtx-policy.ts.
 */
export const vtxPolicy = definePolicy({
  name: "vtx",
  description: "hardware-assisted (VT-x): the guest runs at its own privilege levels in non-root mode; the VM-execution controls decide what exits (CPUID always does)",
  options: vtxOptions,
  create: (cpu, options) => new VtxPolicy(cpu, options),
});

/** The built-in policies, in the order reports show them. */
export const BUILTIN_POLICIES = [purePolicy, scanPatchPolicy, pviPolicy, vtxPolicy] as const;

/** The built-in policies' names, in that order. */
export const BUILTIN_POLICY_NAMES: readonly string[] = BUILTIN_POLICIES.map((p) => p.name);

/** A fresh registry holding the built-in policies (a plugin may add more to it). */
export function builtinPolicies(): PolicyRegistry {
  return new PolicyRegistry(BUILTIN_POLICIES);
}

/** How {@link createPolicy} builds a policy. */
export interface PolicyOptions {
  /** Patch sensitive instructions (default true); see PolicyContext.patch. */
  patch?: boolean;
  /** The policy's own options (validated by its schema; defaults filled in). */
  options?: Record<string, unknown>;
  /** Where to look the name up (default: the built-in policies). */
  registry?: PolicyRegistry;
}

/**
 * The policy called `name`, attached to `cpu` (it installs the CPU's exit and patch hooks).
 * Unknown names and bad options are a ConfigError.
 */
export function createPolicy(name: string, cpu: Cpu, options: PolicyOptions = {}): MonitorPolicy {
  const definition = (options.registry ?? builtinPolicies()).get(name);
  const own = parsePolicyOptions(definition, options.options, "monitor.options");
  return definition.create(cpu, own, { patch: options.patch ?? true });
}
