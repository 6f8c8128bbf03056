import { formatSize } from "@ringlab/machine";
import { hex } from "@ringlab/sdk";
import { stringify } from "smol-toml";
import type { RunConfig } from "../config/run-config.js";

/**
 * The effective configuration as TOML, with every default filled in: sizes as a user would
 * write them (`"32M"`, `"640K"`), addresses in hexadecimal (`"0xFEC00000"`), and the memory
 * layout in effect even when it is the default PC one. The output reads back as a config file.
 */
export function formatConfig(config: RunConfig): string {
  const shown = {
    ...config,
    memory: {
      size: formatSize(config.memory.size),
      layout: config.memory.layout.map((r) => ({ kind: r.kind, start: hex(r.start), size: formatSize(r.size) })),
    },
    // A device with no options is shown by its plugin name alone.
    devices: config.devices.map((d) =>
      typeof d === "string" || Object.keys(d.options).length > 0 || d.id !== undefined ? d : d.plugin,
    ),
  };
  // TOML has no undefined: drop absent optional keys.
  return stringify(JSON.parse(JSON.stringify(shown))) + "\n";
}
