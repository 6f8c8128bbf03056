import { type PolicyOptionInfo, type PolicyRegistry, policyOptionInfo } from "@ringlab/monitor";
import { policyOrigin } from "../plugins/load-plugins.js";

/** One policy as `ringlab policies` shows it. */
export interface PolicyListing {
  name: string;
  description: string;
  options: PolicyOptionInfo[];
  /** The module a plugin policy came from; absent for a built-in one. */
  plugin?: string;
}

/** Every registered policy, built-in ones first, with the options its schema declares. */
export function listPolicies(policies: PolicyRegistry): PolicyListing[] {
  return policies.list().map((d) => {
    const origin = policyOrigin(d.name);
    return { name: d.name, description: d.description, options: policyOptionInfo(d), ...(origin ? { plugin: origin.file } : {}) };
  });
}

/** The listing as text: a line per policy, then one per option. */
export function formatPolicyListing(list: PolicyListing[]): string {
  const lines: string[] = [];
  for (const p of list) {
    lines.push(`${p.name}  ${p.description}`);
    if (p.plugin !== undefined) lines.push(`    from:    ${p.plugin}`);
    for (const o of p.options) {
      const dflt = o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : "";
      lines.push(`    option ${o.name}: ${o.type}${dflt}${o.description ? ` — ${o.description}` : ""}`);
    }
  }
  lines.push("", "Choose one with --policy NAME[:KEY=VALUE...] (monitor.policy, monitor.options), several with compare --policies.");
  return lines.join("\n") + "\n";
}
