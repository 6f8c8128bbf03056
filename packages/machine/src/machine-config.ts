import { ConfigError, formatZodIssue, z } from "@ringlab/sdk";

/** Parses `32M`, `640K`, `1G` or a plain byte count. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(m[1]) * unit;
}

const size = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : parseSize(v);
  if (n === undefined || !Number.isInteger(n)) {
    ctx.addIssue({ code: "custom", message: `expected a size such as 32M, 640K or a byte count, got '${v}'` });
    return z.NEVER;
  }
  return n;
});

/** One device of a machine: which plugin, its instance id (default: the plugin name), options. */
export const deviceEntrySchema = z
  .object({
    plugin: z.string().min(1),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, "expected lower case letters, digits and dashes").optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** The devices a PC has when the config does not say. */
export const DEFAULT_DEVICES = ["pic", "pit", "vga", "debugcon", "exit-port"] as const;

/**
 * A machine's configuration. Sizes accept `32M`-style strings. The memory layout is a PC's:
 * RAM from 0 to 640 KiB, the legacy hole 0xA0000-0xFFFFF (VGA window, ROMs), RAM again from
 * 1 MiB to the configured size.
 */
export const machineConfigSchema = z
  .object({
    memory: z
      .object({
        size: size
          .default(32 * 1024 * 1024)
          .refine((n) => n >= 2 * 1024 * 1024 && n <= 3 * 1024 ** 3 && n % 4096 === 0, {
            message: "expected a multiple of 4K from 2M to 3G",
          }),
      })
      .strict()
      .default({ size: 32 * 1024 * 1024 }),
    clock: z
      .object({
        tscHz: z.number().int().min(1_000_000).max(100_000_000_000).default(1_000_000_000),
        cyclesPerInstruction: z.number().int().min(1).max(1000).default(1),
      })
      .strict()
      .default({ tscHz: 1_000_000_000, cyclesPerInstruction: 1 }),
    devices: z.array(z.union([z.string(), deviceEntrySchema])).default([...DEFAULT_DEVICES]),
    maxInstructions: z.number().int().positive().optional(),
  })
  .strict();

export type MachineConfigInput = z.input<typeof machineConfigSchema>;
export type MachineConfig = z.output<typeof machineConfigSchema>;
export type DeviceEntry = z.output<typeof deviceEntrySchema>;

/**
 * Validates a machine configuration. Errors are one {@link ConfigError} line naming `source`
 * (a file name, or "config"), the key and what was expected.
 */
export function parseMachineConfig(input: unknown, source = "config"): MachineConfig {
  const r = machineConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${source}: ${formatZodIssue(r.error.issues[0]!, "key")}`);
  return r.data;
}

/** The device list of a config, with string entries expanded and defaults filled in. */
export function deviceEntries(config: MachineConfig): DeviceEntry[] {
  return config.devices.map((d) => (typeof d === "string" ? { plugin: d, options: {} } : d));
}
