import type { Cpu } from "@ringlab/cpu";
import { ConfigError, formatZodIssue, z } from "@ringlab/sdk";
import type { MonitorPolicy } from "./monitor-policy.js";

/** What every policy is built with besides its own options. */
export interface PolicyContext {
  /**
   * `monitor.patch` (`--no-patch` sets it false): a policy that patches sensitive
   * instructions patches them only when this is true. False demonstrates what a guest can
   * then observe; policies that patch nothing ignore it.
   */
  readonly patch: boolean;
}

/**
 * A monitor policy the machine can run a guest under: a name to choose it by
 * (`--policy`, `monitor.policy`, `compare --policies`), one line for `ringlab policies`, a
 * schema for its options (with their defaults) and a factory. The factory attaches the
 * policy to the CPU — installing whatever hooks it needs — and returns it.
 *
 * ```ts
 * // definePolicy and purePolicy come from this package, z from the SDK.
 * export const tracingPolicy = definePolicy({
 *   name: "pure-traced",
 *   description: "pure emulation that counts every HLT",
 *   options: z.object({ verbose: z.boolean().default(false).describe("print each HLT") }).strict(),
 *   create: (cpu, options) => new MyPolicy(cpu, options),
 * });
 * ```
 *
 * An ES module given to `ringlab --plugin` may export policies made with this function, as
 * it exports devices.
 */
export interface PolicyDefinition<O = unknown> {
  /** Lower-case letters, digits and dashes, e.g. `"scan-patch"`. */
  readonly name: string;
  /** One line: how the policy runs the guest. */
  readonly description: string;
  /** Validates and completes the options; unknown keys should be rejected (`.strict()`). */
  readonly options: z.ZodType<O>;
  /** Attaches a new instance of the policy to `cpu`. */
  create(cpu: Cpu, options: O, context: PolicyContext): MonitorPolicy;
}

/** The name form every policy and device plugin shares. */
const NAME = /^[a-z][a-z0-9-]*$/;

/** Declares a {@link PolicyDefinition}; checks the name's form. */
export function definePolicy<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  options: S;
  create(cpu: Cpu, options: z.output<S>, context: PolicyContext): MonitorPolicy;
}): PolicyDefinition<z.output<S>> {
  if (!NAME.test(definition.name)) {
    throw new Error(`policy name '${definition.name}' must be lower case letters, digits and dashes`);
  }
  return definition as PolicyDefinition<z.output<S>>;
}

/**
 * Validates `options` against the policy's schema. On failure throws one
 * {@link ConfigError} line, `WHERE: policy 'vtx': option 'paging': expected …`.
 */
export function parsePolicyOptions<O>(definition: PolicyDefinition<O>, options: unknown, where: string): O {
  const result = definition.options.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new ConfigError(`${where}: policy '${definition.name}': ${formatZodIssue(result.error.issues[0]!)}`);
}

/** One option of a policy, as `ringlab policies` lists it (from the schema's JSON Schema). */
export interface PolicyOptionInfo {
  name: string;
  /** `boolean`, `integer`, `1 | 3`, `"shadow" | "nested"`, … */
  type: string;
  default?: unknown;
  description?: string;
}

/** The options a policy's schema declares, in declaration order (none for a non-object schema). */
export function policyOptionInfo(definition: PolicyDefinition): PolicyOptionInfo[] {
  let schema: Record<string, unknown>;
  try {
    schema = z.toJSONSchema(definition.options, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return [];
  }
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).map(([name, p]) => ({
    name,
    type: typeText(p),
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(typeof p.description === "string" ? { description: p.description } : {}),
  }));
}

/** A JSON Schema property's type, briefly. */
function typeText(p: Record<string, unknown>): string {
  if (Array.isArray(p.enum)) return p.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (p.const !== undefined) return JSON.stringify(p.const);
  const alternatives = (p.anyOf ?? p.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(alternatives)) return alternatives.map(typeText).join(" | ");
  return typeof p.type === "string" ? p.type : "any";
}
