import { CollectingConsole, type DeviceRegistry, createMachine } from "@ringlab/machine";
import { type OwnerResources, formatPortRange, hex } from "@ringlab/sdk";

/** One plugin as `ringlab devices` shows it. */
export interface DeviceListing {
  name: string;
  description: string;
  defaults: unknown;
  ports: string[];
  memory: string[];
  irqs: number[];
  interruptController: boolean;
}

/**
 * Lists each registered plugin with what it claims under its default options: the plugin is
 * built alone in a scratch machine, so the listing shows real claims, not declarations.
 */
export function listDevices(registry: DeviceRegistry): DeviceListing[] {
  return registry.list().map((plugin) => {
    const m = createMachine({ devices: [plugin.name], memory: { size: "2M" } }, registry, {
      console: new CollectingConsole(),
    });
    const res: OwnerResources | undefined = m.resources().find((r) => r.owner === plugin.name);
    return {
      name: plugin.name,
      description: plugin.description,
      defaults: plugin.options.parse({}),
      ports: (res?.ports ?? []).map((p) => `${formatPortRange(p.base, p.count)} (${p.widths}-bit)`),
      memory: (res?.memory ?? []).map((r) => `${hex(r.base, 5)}-${hex(r.base + r.size - 1, 5)} ${r.kind}`),
      irqs: res?.irqs ?? [],
      interruptController: res?.interruptController ?? false,
    };
  });
}

/** The listing as aligned text. */
export function formatDeviceListing(list: DeviceListing[]): string {
  const lines: string[] = [];
  for (const d of list) {
    lines.push(`${d.name}  ${d.description}`);
    if (d.ports.length) lines.push(`    ports:   ${d.ports.join(", ")}`);
    if (d.memory.length) lines.push(`    memory:  ${d.memory.join(", ")}`);
    if (d.irqs.length) lines.push(`    irqs:    ${d.irqs.join(", ")}`);
    if (d.interruptController) lines.push(`    role:    interrupt controller (answers the CPU's INTA)`);
    lines.push(`    options: ${JSON.stringify(d.defaults)}`);
  }
  return lines.join("\n") + "\n";
}
