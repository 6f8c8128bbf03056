import { ConfigError, type DevicePlugin } from "@ringlab/sdk";

/** The device plugins a machine can be built from, by name. */
export class DeviceRegistry {
  private readonly plugins = new Map<string, DevicePlugin>();

  constructor(plugins: Iterable<DevicePlugin> = []) {
    for (const p of plugins) this.add(p);
  }

  /** Adds a plugin; a second plugin with the same name is an error. */
  add(plugin: DevicePlugin): this {
    if (this.plugins.has(plugin.name)) throw new ConfigError(`device plugin '${plugin.name}' is registered twice`);
    this.plugins.set(plugin.name, plugin);
    return this;
  }

  /** The plugin called `name`; an unknown name is a {@link ConfigError} listing the known ones. */
  get(name: string, where = "devices"): DevicePlugin {
    const p = this.plugins.get(name);
    if (!p) {
      throw new ConfigError(`${where}: unknown device plugin '${name}' (known: ${[...this.plugins.keys()].sort().join(", ")})`);
    }
    return p;
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  /** All plugins, sorted by name. */
  list(): DevicePlugin[] {
    return [...this.plugins.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
