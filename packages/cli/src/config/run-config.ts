import { type MachineConfig, machineConfigSchema } from "@ringlab/machine";
import { ConfigError, formatZodIssue, parseAddressText, quoteText, z } from "@ringlab/sdk";
import { isSerialSpec, SERIAL_FORMS } from "../serial/serial-spec.js";
import { fwCfgItemSchema } from "../fw-cfg/fw-cfg-items.js";

/**
 * The configuration `ringlab run` works from: a machine configuration plus what to boot.
 * It comes from a TOML file (`--config`), then command-line flags override it.
 */
export const runConfigSchema = machineConfigSchema.extend({
  kernel: z
    .object({
      /** The kernel image; relative to the config file's folder. */
      file: z.string().min(1).optional(),
      /** The kernel's command line (Multiboot, or a Linux kernel's). */
      cmdline: z.string().default(""),
      /** A Linux kernel's initial RAM disk; relative to the config file's folder. */
      initrd: z.string().min(1).optional(),
      /**
       * Boot modules, each "FILE [ARGS...]" as GRUB writes them: the file (relative to the
       * config file's folder) is loaded, the whole string is the module's string.
       */
      modules: z.array(z.string().refine((m) => m.trim() !== "", "expected FILE [ARGS] such as \"initrd.img quiet\", got an empty path")).default([]),
    })
    .strict()
    .default({ cmdline: "", modules: [] }),
  /**
   * Device plugin modules (ES modules exporting `defineDevicePlugin(...)`), relative to the
   * config file's folder; their devices can then be listed in `devices`.
   */
  plugins: z.array(z.string().min(1)).default([]),
  /**
   * The host side of the COM ports, in order COM1, COM2, ...: "stdio" (the guest's output
   * on stdout), "file:PATH" or "none". A port listed here is added to the machine when its
   * devices lack it; unlisted ports keep their device's own `backend` option.
   */
  serial: z
    .array(z.string().refine(isSerialSpec, `expected ${SERIAL_FORMS}`))
    .max(4, "a PC has 4 COM ports")
    .default([]),
  /** ROM images, each "FILE@ADDRESS" (FILE relative to the config file's folder). */
  roms: z
    .array(
      z.string().superRefine((spec, ctx) => {
        const at = spec.lastIndexOf("@");
        if (at <= 0) return ctx.addIssue({ code: "custom", message: `expected FILE@ADDRESS such as test386.bin@0xE0000, got ${quoteText(spec)}` });
        const r = parseAddressText(spec.slice(at + 1));
        if ("error" in r) ctx.addIssue({ code: "custom", message: `the address after '@': ${r.error}` });
      }),
    )
    .default([]),
  /**
   * Named files for the QEMU firmware configuration device (`fw-cfg`), each `{ name, file }`
   * (FILE relative to the config file's folder), as QEMU's `-fw_cfg name=...,file=...`: SeaBIOS
   * loads the VGA BIOS from "vgaroms/...". Any entry adds the device when `devices` lacks it.
   */
  fwCfg: z.array(fwCfgItemSchema).default([]),
});

export type RunConfig = z.output<typeof runConfigSchema>;

/** Validates a run configuration; errors name `source`, the key and what was expected. */
export function parseRunConfig(input: unknown, source: string): RunConfig {
  const r = runConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${source}: ${formatZodIssue(r.error.issues[0]!, "key")}`);
  return r.data;
}

/** The machine part of a run configuration. */
export function machinePart(config: RunConfig): MachineConfig {
  const { kernel: _kernel, roms: _roms, plugins: _plugins, serial: _serial, fwCfg: _fwCfg, ...machine } = config;
  return machine;
}
