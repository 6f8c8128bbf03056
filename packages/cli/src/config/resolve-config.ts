import { resolve } from "node:path";
import { ConfigError } from "@ringlab/sdk";
import { type Command, Option } from "commander";
import { readConfigFile } from "./config-file.js";
import { deepMerge } from "./merge.js";
import { type RunConfig, parseRunConfig } from "./run-config.js";

/** Flags every machine-building command accepts; each overrides the config file's key. */
export interface MachineFlags {
  config?: string;
  mem?: string;
  maxInstructions?: number;
  cmdline?: string;
  tscHz?: number;
  cpi?: number;
}

/** Adds the {@link MachineFlags} options to `cmd`. */
export function addMachineOptions(cmd: Command, parseNumber: (v: string) => number): Command {
  return cmd
    .option("-c, --config <file>", "machine configuration file (TOML); flags override its keys")
    .option("-m, --mem <size>", "RAM size, e.g. 32M (memory.size)")
    .option("--max-instructions <n>", "stop after N guest instructions (maxInstructions)", parseNumber)
    .option("--cmdline <text>", "Multiboot command line (kernel.cmdline)")
    .addOption(new Option("--tsc-hz <hz>", "TSC frequency in Hz (clock.tscHz)").argParser(parseNumber))
    .addOption(new Option("--cpi <n>", "TSC ticks per instruction (clock.cyclesPerInstruction)").argParser(parseNumber));
}

/**
 * The effective configuration: the file's (if any), overridden by flags, validated. A kernel
 * path from the file is resolved against the file's folder; one from the command line,
 * against the working directory.
 */
export function resolveRunConfig(flags: MachineFlags, kernelArg?: string): RunConfig {
  let base: Record<string, unknown> = {};
  let source = "command line";
  if (flags.config) {
    const file = readConfigFile(flags.config);
    base = file.data;
    source = flags.config;
    const kernel = base.kernel as { file?: unknown } | undefined;
    if (kernel && typeof kernel.file === "string") base = deepMerge(base, { kernel: { file: resolve(file.dir, kernel.file) } });
  }
  const overrides: Record<string, unknown> = {
    memory: flags.mem !== undefined ? { size: flags.mem } : undefined,
    maxInstructions: flags.maxInstructions,
    clock: flags.tscHz !== undefined || flags.cpi !== undefined ? { tscHz: flags.tscHz, cyclesPerInstruction: flags.cpi } : undefined,
    kernel:
      kernelArg !== undefined || flags.cmdline !== undefined
        ? { file: kernelArg !== undefined ? resolve(kernelArg) : undefined, cmdline: flags.cmdline }
        : undefined,
  };
  // The file alone first, so that its mistakes name the file; then with the flags, whose
  // mistakes name the flag.
  if (flags.config) parseRunConfig(base, source);
  try {
    return parseRunConfig(deepMerge(base, overrides), "command line");
  } catch (e) {
    const m = e instanceof ConfigError ? /^command line: key '([^']+)': (.*)$/.exec(e.message) : null;
    const flag = m ? FLAG_FOR_KEY[m[1]!] : undefined;
    if (m && flag) throw new ConfigError(`${flag}: ${m[2]}`);
    throw e;
  }
}

/** The flag that sets each config key, to name it in errors. */
const FLAG_FOR_KEY: Record<string, string> = {
  "memory.size": "--mem",
  maxInstructions: "--max-instructions",
  "clock.tscHz": "--tsc-hz",
  "clock.cyclesPerInstruction": "--cpi",
  "kernel.cmdline": "--cmdline",
  "kernel.file": "kernel",
};
