import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { ExitCode } from "../exit-codes.js";
import { deviceNames } from "../new-device/device-name.js";
import { type TemplateSdk, deviceTemplateFiles } from "../new-device/device-template.js";
import type { Io } from "../program.js";
import { UserError } from "../user-error.js";

/** `ringlab new-device NAME [--dir DIR]`. */
export interface NewDeviceFlags {
  /** Where to create the package (default: ./NAME); it must be empty or not exist. */
  dir?: string;
}

/**
 * Creates a device plugin package — source, a test on the SDK's testing kit, a build, a
 * README and a machine config that loads it — in an empty folder. The result installs,
 * builds and passes its test as generated, and loads into ringlab with `--plugin`.
 */
export function newDeviceCommand(name: string, flags: NewDeviceFlags, io: Io): void {
  const names = deviceNames(name);
  const target = resolve(flags.dir ?? name);
  const flag = flags.dir === undefined ? "new-device" : "--dir";
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UserError(`${flag}: ${target} exists and is not a folder`, ExitCode.cannotWrite);
    if (readdirSync(target).length > 0) {
      throw new UserError(`${flag}: ${target} is not empty: give an empty or new folder (--dir DIR)`, ExitCode.cannotWrite);
    }
  }
  const files = deviceTemplateFiles(names, ringlabSdk());
  for (const [path, text] of Object.entries(files)) {
    const file = join(target, path);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: "wx" });
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new UserError(`new-device: cannot write ${file} (${why})`, ExitCode.cannotWrite);
    }
  }
  const shown = relative(process.cwd(), target) || ".";
  io.stdout(
    `created ${shown}/: the device plugin package ${names.packageName} (device '${names.plugin}', ${Object.keys(files).length} files)\n` +
      `next:\n` +
      `  cd ${shown} && npm install && npm run build && npm test\n` +
      `  ringlab devices --plugin ${join(shown, "dist/index.js")}\n` +
      `  ringlab run --config ${join(shown, "machine.toml")}\n`,
  );
}

/**
 * This ringlab's SDK package: its folder (what the new package depends on, as `file:`), and
 * the versions of the DI libraries it is built with, which the new package must share.
 */
function ringlabSdk(): TemplateSdk {
  const entry = createRequire(import.meta.url).resolve("@ringlab/sdk");
  let dir = dirname(entry);
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${entry}`);
    dir = up;
  }
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const dep = (n: string) => {
    const v = pkg.dependencies?.[n];
    if (v === undefined) throw new Error(`@ringlab/sdk's package.json has no dependency ${n}`);
    return v;
  };
  return { dir, tsyringe: dep("tsyringe"), reflectMetadata: dep("reflect-metadata") };
}
