/**
 * Node module-resolution hooks (`module.register`) used while device plugins load: a plugin
 * imports `@ringlab/sdk`, `tsyringe` and `reflect-metadata`, and must get *ringlab's* copies
 * — the SDK's DI tokens and tsyringe's registry are per module instance, so a second copy
 * would build a device the machine cannot wire. These specifiers are therefore resolved as
 * if imported by ringlab's CLI, wherever the plugin file lives; a plugin needs no install.
 */

interface HookData {
  /** URL of a module inside ringlab's CLI, to resolve shared specifiers from. */
  base: string;
}

type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<unknown>;

let base = "";

/** The packages a plugin shares with ringlab. */
const SHARED = /^(@ringlab\/[a-z0-9-]+|tsyringe|reflect-metadata)(\/.*)?$/;

export function initialize(data: HookData): void {
  base = data.base;
}

export function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<unknown> {
  if (base !== "" && SHARED.test(specifier)) return nextResolve(specifier, { ...context, parentURL: base });
  return nextResolve(specifier, context);
}
