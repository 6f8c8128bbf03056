import { dirname, resolve } from "node:path";
import { ConfigError } from "@ringlab/sdk";
import { TomlError, parse } from "smol-toml";
import { readInputText } from "../read-input.js";

/**
 * Reads a TOML config file into a plain object. A missing file or a TOML syntax error is one
 * line naming the file (and the line and column); validation happens in the schema.
 * Relative paths inside the file (the kernel) are later resolved against the file's folder,
 * so `dir` is returned with it.
 */
export function readConfigFile(path: string): { data: Record<string, unknown>; dir: string } {
  const text = readInputText(path, "the config file");
  try {
    return { data: parse(text) as Record<string, unknown>, dir: dirname(resolve(path)) };
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      throw new ConfigError(`${path}:${e.line}:${e.column}: TOML syntax error: ${first}`);
    }
    throw e;
  }
}
