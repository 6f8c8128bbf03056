// The command-line handling the package's long-run scripts share: the package folder, the
// arguments, `--name value` options and `--help`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The cpu package's folder. */
export const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The script's arguments. */
export const args = process.argv.slice(2);
/** The value after `--name`, or `def`. */
export const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
/** With `--help`, prints `usage` and exits 0. */
export function helpOrGoOn(usage) {
  if (!args.includes("--help")) return;
  console.log(usage);
  process.exit(0);
}
