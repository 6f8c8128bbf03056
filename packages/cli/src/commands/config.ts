import { stringify } from "smol-toml";
import type { RunConfig } from "../config/run-config.js";

/** `33554432` as `"32M"` when it is a whole number of MiB or KiB, as a user would write it. */
function sizeText(n: number): string | number {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}M`;
  if (n % 1024 === 0) return `${n / 1024}K`;
  return n;
}

/** The effective configuration as TOML, with every default filled in. */
export function formatConfig(config: RunConfig): string {
  const shown = {
    ...config,
    memory: { ...config.memory, size: sizeText(config.memory.size) },
    // A device with no options is shown by its plugin name alone.
    devices: config.devices.map((d) =>
      typeof d === "string" || Object.keys(d.options).length > 0 || d.id !== undefined ? d : d.plugin,
    ),
  };
  // TOML has no undefined: drop absent optional keys.
  return stringify(JSON.parse(JSON.stringify(shown))) + "\n";
}
