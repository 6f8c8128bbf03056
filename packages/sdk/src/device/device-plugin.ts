import { z } from "zod";
import { ConfigError } from "../errors.js";
import type { Device } from "./device.js";

/** A device class, constructed by the DI container from injection tokens. */
// tsyringe constructs with any arguments, matching its own `constructor<T>` type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DeviceClass = new (...args: any[]) => Device;

/**
 * A device type the machine can instantiate: a name to refer to it in configs, a schema that
 * validates its options (with defaults), and the class to construct. The class receives its
 * options through `@inject(DEVICE_OPTIONS)`.
 *
 * ```ts
 * export const debugConsolePlugin = defineDevicePlugin({
 *   name: "debugcon",
 *   description: "Bochs/QEMU debug console on port 0xE9",
 *   options: z.object({ port: ioPortOption(0xe9) }).strict(),
 *   device: DebugConsole,
 * });
 * ```
 */
export interface DevicePlugin<O = unknown> {
  /** Name used in machine configs, e.g. `"pit"`. Lower case, digits and dashes. */
  readonly name: string;
  /** One line for `ringlab devices`. */
  readonly description: string;
  /** Validates and completes the options; unknown keys should be rejected (`.strict()`). */
  readonly options: z.ZodType<O>;
  /** The device class. */
  readonly device: DeviceClass;
}

/** Declares a {@link DevicePlugin}; checks the name's form. */
export function defineDevicePlugin<S extends z.ZodType>(plugin: {
  name: string;
  description: string;
  options: S;
  device: DeviceClass;
}): DevicePlugin<z.output<S>> {
  if (!/^[a-z][a-z0-9-]*$/.test(plugin.name)) {
    throw new Error(`device plugin name '${plugin.name}' must be lower case letters, digits and dashes`);
  }
  return plugin as DevicePlugin<z.output<S>>;
}

/**
 * Validates `options` against the plugin's schema. On failure throws one {@link ConfigError}
 * line naming the device, the option and what was expected, e.g.
 * `device 'pit': option 'irq': expected number, received string`.
 */
export function parseDeviceOptions<O>(plugin: DevicePlugin<O>, options: unknown, where = `device '${plugin.name}'`): O {
  const result = plugin.options.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new ConfigError(`${where}: ${formatZodIssue(result.error.issues[0]!)}`);
}

/** One zod issue as `option 'a.b': message`. */
export function formatZodIssue(issue: z.core.$ZodIssue, noun = "option"): string {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${path ? path + "." : ""}${k}'`).join(", ");
    return `unknown ${noun}${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  return path ? `${noun} '${path}': ${issue.message}` : issue.message;
}
