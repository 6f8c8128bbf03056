import { resolve } from "node:path";
import type { MachineConfig } from "@ringlab/machine";
import { encodeBase64, z } from "@ringlab/sdk";
import { readInputFile } from "../read-input.js";
import { UserError } from "../user-error.js";

type DeviceList = MachineConfig["devices"];

/** One named file for the fw_cfg device: QEMU's `-fw_cfg name=NAME,file=PATH`. */
export interface FwCfgItem {
  name: string;
  file: string;
}

/** How a `--fw-cfg` value is written, for help and errors. */
export const FW_CFG_FORM = "name=NAME,file=PATH";

/** Printable ASCII, at most 55 characters: what fits the fw_cfg directory's 56-byte field. */
const NAME = /^[\x20-\x7e]{1,55}$/;
const NAME_EXPECTED = "expected a name of 1 to 55 printable ASCII characters";

/** A `fwCfg` entry of the config file; `file` is relative to the config file's folder. */
export const fwCfgItemSchema = z
  .object({ name: z.string().regex(NAME, NAME_EXPECTED), file: z.string().min(1) })
  .strict();

/**
 * Parses one `--fw-cfg` value, `[name=]NAME,file=PATH` as QEMU's `-fw_cfg` takes it (the name
 * may come first without its key). Returns the error text when it is malformed.
 */
export function parseFwCfgSpec(text: string): FwCfgItem | string {
  const comma = text.indexOf(",file=");
  if (comma < 0) return `expected ${FW_CFG_FORM}, got '${text}'`;
  const name = text.slice(0, comma).replace(/^name=/, "");
  const file = text.slice(comma + ",file=".length);
  if (!NAME.test(name)) return `${NAME_EXPECTED} before ',file=', got '${name}'`;
  if (file.length === 0) return `expected a file after 'file=', got '${text}'`;
  return { name, file };
}

/** The items with each file made absolute against `dir`. */
export function resolveFwCfgFiles(items: readonly FwCfgItem[], dir: string): FwCfgItem[] {
  return items.map((i) => ({ name: i.name, file: resolve(dir, i.file) }));
}

/**
 * The device list with the items' files in the `fw-cfg` device's `files` option, adding the
 * device when the machine lacks it (only then: other guests see nothing at 0x510). Devices do
 * no file I/O, so the CLI reads each file here and passes its bytes as base64. `where` (the
 * flag or key) starts each error line.
 */
export function withFwCfgItems(devices: DeviceList, items: readonly FwCfgItem[], where: string): DeviceList {
  if (items.length === 0) return devices;
  const files: Record<string, string> = {};
  for (const { name, file } of items) {
    if (name in files) throw new UserError(`${where}: item '${name}' is given twice`);
    files[name] = encodeBase64(readInputFile(file, `the file of item '${name}'`, `${where}: ${file}`));
  }
  const list = [...devices];
  const at = list.findIndex((d) => (typeof d === "string" ? d : d.plugin) === "fw-cfg");
  if (at < 0) return [...list, { plugin: "fw-cfg", options: { files } }];
  const d = list[at]!;
  const entry = typeof d === "string" ? { plugin: d, options: {} } : d;
  const own = (entry.options?.files ?? {}) as Record<string, unknown>;
  list[at] = { ...entry, options: { ...entry.options, files: { ...own, ...files } } };
  return list;
}
