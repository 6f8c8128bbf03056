import { UserError } from "../user-error.js";

/** The names a generated device goes by, all derived from the one the user gave. */
export interface DeviceNames {
  /** The plugin name, as configs write it (`devices = [..., "beeper"]`). */
  plugin: string;
  /** The class, e.g. `Beeper` for `beeper`, `PortLogger` for `port-logger`. */
  className: string;
  /** The plugin constant, e.g. `beeperPlugin`. */
  pluginConst: string;
  /** The npm package name, `ringlab-device-<name>`. */
  packageName: string;
}

/**
 * Checks `name` the way `defineDevicePlugin` does (lower case letters, digits and dashes,
 * starting with a letter) and derives the other names from it.
 */
export function deviceNames(name: string): DeviceNames {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new UserError(
      `new-device: '${name}' is not a device name: expected lower case letters, digits and single dashes, starting with a letter (at most 40 characters), e.g. beeper or port-logger`,
    );
  }
  const className = name
    .split("-")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return {
    plugin: name,
    className,
    pluginConst: className[0]!.toLowerCase() + className.slice(1) + "Plugin",
    packageName: `ringlab-device-${name}`,
  };
}
