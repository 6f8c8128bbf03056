import { ConfigError } from "@ringlab/sdk";
import type { PolicyDefinition } from "./policy-definition.js";

/** The policies a machine can run a guest under, by name: the built-in ones and any a plugin adds. */
export class PolicyRegistry {
  private readonly policies = new Map<string, PolicyDefinition>();

  constructor(definitions: Iterable<PolicyDefinition> = []) {
    for (const d of definitions) this.add(d);
  }

  /** Adds a policy; a second one with the same name is an error. */
  add(definition: PolicyDefinition): this {
    if (this.policies.has(definition.name)) throw new ConfigError(`policy '${definition.name}' is registered twice`);
    this.policies.set(definition.name, definition);
    return this;
  }

  /** The policy called `name`; an unknown name is a {@link ConfigError} naming `where` and the known ones. */
  get(name: string, where = "monitor.policy"): PolicyDefinition {
    const d = this.policies.get(name);
    if (!d) throw new ConfigError(`${where}: unknown policy '${name}' (known: ${this.names().join(", ")})`);
    return d;
  }

  has(name: string): boolean {
    return this.policies.has(name);
  }

  /** The names in registration order: the built-in ones first, in the order reports show them. */
  names(): string[] {
    return [...this.policies.keys()];
  }

  /** All policies, in registration order. */
  list(): PolicyDefinition[] {
    return [...this.policies.values()];
  }
}
