import { existsSync } from "node:fs";
import { register } from "node:module";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { type DeviceRegistry, builtinRegistry } from "@ringlab/machine";
import { type PolicyDefinition, type PolicyRegistry, builtinPolicies } from "@ringlab/monitor";
import type { DevicePlugin } from "@ringlab/sdk";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";

let hooksRegistered = false;

/** What the machine can be built from: device plugins and monitor policies, built-in and loaded. */
export interface Registries {
  devices: DeviceRegistry;
  policies: PolicyRegistry;
}

/** Where each third-party plugin came from, by plugin name: for errors that name it. */
const origins = new Map<string, { flag: string; file: string }>();
/** Where each third-party policy came from, by policy name. */
const policyOrigins = new Map<string, { flag: string; file: string }>();

/** The flag (or config key) and file a third-party policy was loaded from; undefined for a built-in one. */
export function policyOrigin(name: string): { flag: string; file: string } | undefined {
  return policyOrigins.get(name);
}

/** The plugin module being imported right now, if any: for a load that never finishes. */
let loading: { flag: string; file: string } | undefined;

/** The flag (or config key) and file a third-party device plugin was loaded from; undefined for a built-in one. */
export function pluginOrigin(name: string): { flag: string; file: string } | undefined {
  return origins.get(name);
}

/**
 * The plugin module whose import has not settled, if one is being loaded: when the event
 * loop runs dry with this set, its top-level await can never settle.
 */
export function pluginStillLoading(): { flag: string; file: string } | undefined {
  return loading;
}

/** Whether `v` has the shape `defineDevicePlugin` returns. */
function isDevicePlugin(v: unknown): v is DevicePlugin {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  const options = p.options as { safeParse?: unknown } | undefined;
  return (
    typeof p.name === "string" &&
    typeof p.description === "string" &&
    typeof p.device === "function" &&
    typeof options === "object" &&
    options !== null &&
    typeof options.safeParse === "function"
  );
}

/** Whether `v` has the shape `definePolicy` returns. */
function isPolicyDefinition(v: unknown): v is PolicyDefinition {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  const options = p.options as { safeParse?: unknown } | undefined;
  return (
    typeof p.name === "string" &&
    typeof p.description === "string" &&
    typeof p.create === "function" &&
    typeof options === "object" &&
    options !== null &&
    typeof options.safeParse === "function"
  );
}

/**
 * The built-in device plugins and policies plus those exported by each module in `files`
 * (ES modules: the default export and every named export made with `defineDevicePlugin` or
 * `definePolicy`). `fromFlag` lists the files given with `--plugin`: errors name that flag
 * for them, else the config key `plugins`.
 */
export async function loadPlugins(files: readonly string[], fromFlag: readonly string[] = files): Promise<Registries> {
  const registry = builtinRegistry();
  const policies = builtinPolicies();
  if (files.length === 0) return { devices: registry, policies };
  if (!hooksRegistered) {
    register(new URL("./shared-modules-hooks.js", import.meta.url), { data: { base: import.meta.url } });
    hooksRegistered = true;
  }
  const flagged = new Set(fromFlag.map((f) => resolvePath(f)));
  for (const file of files) {
    const path = resolvePath(file);
    const flag = flagged.has(path) ? "--plugin" : "plugins";
    if (!existsSync(path)) throw new UserError(`${flag}: cannot read ${file} (ENOENT)`, ExitCode.noInput);
    let mod: Record<string, unknown>;
    try {
      loading = { flag, file };
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      throw new UserError(`${flag}: ${file}: cannot load the module: ${why}`, ExitCode.dataError);
    } finally {
      loading = undefined;
    }
    const plugins = [...new Set(Object.values(mod).filter(isDevicePlugin))];
    const definitions = [...new Set(Object.values(mod).filter(isPolicyDefinition))];
    if (plugins.length === 0 && definitions.length === 0) {
      throw new UserError(
        `${flag}: ${file}: exports no device plugin or policy (expected defineDevicePlugin({...}) or definePolicy({...}) as its default or a named export)`,
        ExitCode.dataError,
      );
    }
    for (const d of definitions) {
      if (policies.has(d.name)) throw new UserError(`${flag}: ${file}: policy '${d.name}' is already registered`, ExitCode.config);
      policies.add(d);
      policyOrigins.set(d.name, { flag, file });
    }
    for (const p of plugins) {
      if (registry.has(p.name)) throw new UserError(`${flag}: ${file}: device plugin '${p.name}' is already registered`, ExitCode.config);
      registry.add(p);
      origins.set(p.name, { flag, file });
    }
  }
  return { devices: registry, policies };
}
