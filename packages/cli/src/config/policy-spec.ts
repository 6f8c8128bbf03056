import { type PolicyRegistry, parsePolicyOptions } from "@ringlab/monitor";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";

/**
 * A policy as the command line names it: `NAME` or `NAME:KEY=VALUE[:KEY=VALUE…]`, e.g.
 * `scan-patch:ring=3`. Values read as TOML would give them: `true`/`false`, integers
 * (decimal or 0x hex), otherwise text.
 */
export interface PolicySpec {
  /** As written (trimmed): the label reports show for this run. */
  text: string;
  name: string;
  /** From the text, `true`/`false` and integers typed; or a config file's `monitor.options`. */
  options: Record<string, unknown>;
}

const FORM = "NAME or NAME:KEY=VALUE[:KEY=VALUE...] (see ringlab policies)";

/** Parses one spec; `where` names the flag in the error. */
export function parsePolicySpec(text: string, where: string): PolicySpec {
  const trimmed = text.trim();
  const [name = "", ...pairs] = trimmed.split(":");
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UserError(`${where}: expected ${FORM}, got '${text}'`, ExitCode.config);
  const options: Record<string, boolean | number | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? "" : pair.slice(0, eq);
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(key)) {
      throw new UserError(`${where}: policy '${name}': expected KEY=VALUE after ':', got '${pair}'`, ExitCode.config);
    }
    if (key in options) throw new UserError(`${where}: policy '${name}': option '${key}' is given twice`, ExitCode.config);
    options[key] = optionValue(pair.slice(eq + 1));
  }
  return { text: trimmed, name, options };
}

function optionValue(text: string): boolean | number | string {
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^-?\d+$/.test(text) || /^0x[0-9a-f]+$/i.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  return text;
}

/**
 * Checks that the spec names a registered policy with options its schema accepts; a
 * mistake is one ConfigError line naming `where` (a flag, or the config file and key).
 */
export function checkPolicySpec(spec: { name: string; options: unknown }, policies: PolicyRegistry, where: string, optionsWhere = where): void {
  parsePolicyOptions(policies.get(spec.name, where), spec.options, optionsWhere);
}

/**
 * Checks the configuration's `monitor.policy` and `monitor.options` against the registry
 * (plugins loaded): a mistake names `--policy` when the flag chose the policy, else the
 * config file's key.
 */
export function checkConfiguredPolicy(
  monitor: { policy: string; options: Record<string, unknown> },
  flags: { policy?: string; config?: string },
  policies: PolicyRegistry,
): void {
  const key = (k: string) => (flags.policy !== undefined ? "--policy" : flags.config !== undefined ? `${flags.config}: key '${k}'` : k);
  checkPolicySpec({ name: monitor.policy, options: monitor.options }, policies, key("monitor.policy"), key("monitor.options"));
}
