import { resolve } from "node:path";
import { parseReplay } from "@ringlab/devices-vga";
import { CPU_MODEL_NAMES, ENGINES, HOT_THRESHOLD } from "@ringlab/cpu";
import { DEFAULT_DEVICES } from "@ringlab/machine";
import { BUILTIN_POLICY_NAMES } from "@ringlab/monitor";
import { parsePolicySpec } from "./policy-spec.js";
import { readInputFile } from "../read-input.js";
import { UserError } from "../user-error.js";
import { ConfigError } from "@ringlab/sdk";
import { type Command, InvalidArgumentError, Option } from "commander";
import { readConfigFile } from "./config-file.js";
import { deepMerge } from "./merge.js";
import { isSerialSpec, SERIAL_FORMS } from "../serial/serial-spec.js";
import { type RunConfig, parseRunConfig } from "./run-config.js";
import { parseFwCfgSpec, resolveFwCfgFiles } from "../fw-cfg/fw-cfg-items.js";

/** Flags every machine-building command accepts; each overrides the config file's key. */
export interface MachineFlags {
  config?: string;
  mem?: string;
  maxInstructions?: number;
  cmdline?: string;
  tscHz?: number;
  cpi?: number;
  vgaReplay?: string;
  module?: string[];
  initrd?: string;
  policy?: string;
  /** `--cpu NAME`: the CPU model (cpu.model). */
  cpu?: string;
  /** `--engine interp|jit`: the execution engine (cpu.engine). */
  engine?: string;
  /** `--jit-threshold N`: runs before a block is translated (cpu.jitThreshold). */
  jitThreshold?: number;
  /** False with `--no-patch` (commander sets true otherwise). */
  patch?: boolean;
  /** `--serial BACKEND`, repeatable: COM1, COM2, ... (replaces the config file's `serial`). */
  serial?: string[];
  /** `--plugin FILE`, repeatable: added to the config file's `plugins`. */
  plugin?: string[];
  /** `--fw-cfg name=NAME,file=PATH`, repeatable: added to the config file's `fwCfg`. */
  fwCfg?: string[];
}

/**
 * An option parser for a file name: an empty one would resolve to the working directory
 * (`--module ''` read the folder), so it is refused.
 */
export function pathOption(example: string) {
  return (v: string): string => {
    if (v.trim() === "") throw new InvalidArgumentError(`expected a file name such as ${example}, got an empty path`);
    return v;
  };
}

/** {@link pathOption} for a repeatable option: the values so far, then this one. */
function pathsOption(example: string) {
  const one = pathOption(example);
  return (v: string, prev: string[] = []): string[] => [...prev, one(v)];
}

/** Adds the {@link MachineFlags} options to `cmd`. */
export function addMachineOptions(cmd: Command, parseNumber: (v: string) => number): Command {
  return cmd
    .option("-c, --config <file>", "machine configuration file (TOML); flags override its keys", pathOption("vm.toml"))
    .option("-m, --mem <size>", "RAM size, e.g. 32M: the top of RAM (memory.size); with a memory.layout it must match it")
    .option("--max-instructions <n>", "stop after N guest instructions (maxInstructions)", parseNumber)
    .option("--cmdline <text>", "the kernel's command line, Multiboot or Linux (kernel.cmdline)")
    .option("--initrd <file>", "initial RAM disk for a Linux bzImage (kernel.initrd)", pathOption("initrd.img"))
    .option(
      "--module <file-and-args>",
      'Multiboot boot module, e.g. "initrd.img quiet" (repeatable; kernel.modules)',
      pathsOption('"initrd.img quiet"'),
    )
    .addOption(new Option("--tsc-hz <hz>", "TSC frequency in Hz (clock.tscHz)").argParser(parseNumber))
    .addOption(new Option("--cpi <n>", "TSC ticks per instruction (clock.cyclesPerInstruction)").argParser(parseNumber))
    .option(
      "--policy <name[:key=value...]>",
      `monitor policy: ${BUILTIN_POLICY_NAMES.join(", ")} or one a --plugin adds, with its options, e.g. scan-patch:ring=3 (monitor.policy, monitor.options; see ringlab policies)`,
    )
    .option("--cpu <name>", `CPU model: ${CPU_MODEL_NAMES.join(", ")} (cpu.model; see ringlab cpus)`)
    .option("--engine <name>", `execution engine: ${ENGINES.join(", ")} (cpu.engine; default interp, the reference)`)
    .addOption(
      new Option("--jit-threshold <n>", `jit: runs of an instruction before the block starting there is translated (cpu.jitThreshold; default ${HOT_THRESHOLD})`).argParser(parseNumber),
    )
    .option("--no-patch", "scan-patch/pvi: run the guest deprivileged without patching its sensitive instructions, to see what it notices (monitor.patch = false)")
    .option(
      "--plugin <module.js>",
      "load device plugins from an ES module (repeatable; added to plugins); list their devices in the config's devices",
      pathsOption("my-device.mjs"),
    )
    .option(
      "--serial <backend>",
      "COM1's host side, then COM2's... (repeatable): stdio (on stdout), file:PATH or none (serial)",
      (v: string, prev: string[] = []) => {
        if (!isSerialSpec(v)) throw new InvalidArgumentError(`expected ${SERIAL_FORMS}, got '${v}'`);
        return [...prev, v];
      },
    )
    .option(
      "--fw-cfg <name=NAME,file=PATH>",
      "a named file for firmware, as QEMU's -fw_cfg, e.g. name=vgaroms/vgabios-isavga.bin,file=vgabios-isavga.bin (repeatable; adds the fw-cfg device; fwCfg)",
      (v: string, prev: string[] = []) => {
        const item = parseFwCfgSpec(v);
        if (typeof item === "string") throw new InvalidArgumentError(item);
        return [...prev, v];
      },
    )
    .option("--vga-replay <file>", "VGA power-on register replay file instead of the built-in mode 3 one (vga option 'replay')", pathOption("mode3.log"));
}

/**
 * The effective configuration: the file's (if any), overridden by flags, validated. A kernel
 * path from the file is resolved against the file's folder; one from the command line,
 * against the working directory.
 */
export function resolveRunConfig(flags: MachineFlags, kernelArg?: string): RunConfig {
  if (kernelArg !== undefined && kernelArg.trim() === "") throw new UserError("kernel: expected a kernel image file, got an empty path");
  let base: Record<string, unknown> = {};
  let source = "command line";
  if (flags.config) {
    const file = readConfigFile(flags.config);
    base = file.data;
    source = flags.config;
    const kernel = base.kernel as { file?: unknown; modules?: unknown; initrd?: unknown } | undefined;
    if (kernel && typeof kernel.file === "string") base = deepMerge(base, { kernel: { file: resolve(file.dir, kernel.file) } });
    if (kernel && typeof kernel.initrd === "string") base = deepMerge(base, { kernel: { initrd: resolve(file.dir, kernel.initrd) } });
    if (Array.isArray(base.plugins)) {
      base = { ...base, plugins: base.plugins.map((f) => (typeof f === "string" ? resolve(file.dir, f) : f)) };
    }
    if (Array.isArray(base.roms)) {
      const roms = base.roms.map((r) => (typeof r === "string" && r.includes("@") ? resolveAt(file.dir, r) : r));
      base = { ...base, roms };
    }
    if (Array.isArray(base.fwCfg)) {
      const items = base.fwCfg.map((i) => (isObject(i) && typeof i.file === "string" ? { ...i, file: resolve(file.dir, i.file) } : i));
      base = { ...base, fwCfg: items };
    }
    if (kernel && Array.isArray(kernel.modules)) {
      const modules = kernel.modules.map((m) => (typeof m === "string" ? resolveModule(file.dir, m) : m));
      base = deepMerge(base, { kernel: { modules } });
    }
  }
  const policySpec = flags.policy !== undefined ? parsePolicySpec(flags.policy, "--policy") : undefined;
  // The file's monitor.options belong to the file's policy: --policy brings its own.
  if (policySpec !== undefined && isObject(base.monitor)) base = { ...base, monitor: { ...base.monitor, options: {} } };
  const overrides: Record<string, unknown> = {
    memory: flags.mem !== undefined ? { size: flags.mem } : undefined,
    maxInstructions: flags.maxInstructions,
    serial: flags.serial,
    fwCfg: flags.fwCfg?.length
      ? [
          ...(Array.isArray(base.fwCfg) ? base.fwCfg : []),
          ...resolveFwCfgFiles(flags.fwCfg.map((v) => parseFwCfgSpec(v) as { name: string; file: string }), process.cwd()),
        ]
      : undefined,
    plugins: flags.plugin?.length
      ? [...(Array.isArray(base.plugins) ? base.plugins : []), ...flags.plugin.map((f) => resolve(f))]
      : undefined,
    monitor:
      policySpec !== undefined || flags.patch === false
        ? { policy: policySpec?.name, options: policySpec?.options, patch: flags.patch === false ? false : undefined }
        : undefined,
    cpu:
      flags.cpu !== undefined || flags.engine !== undefined || flags.jitThreshold !== undefined
        ? { model: flags.cpu, engine: flags.engine, jitThreshold: flags.jitThreshold }
        : undefined,
    clock: flags.tscHz !== undefined || flags.cpi !== undefined ? { tscHz: flags.tscHz, cyclesPerInstruction: flags.cpi } : undefined,
    kernel:
      kernelArg !== undefined || flags.cmdline !== undefined || flags.module !== undefined || flags.initrd !== undefined
        ? {
            file: kernelArg !== undefined ? resolve(kernelArg) : undefined,
            cmdline: flags.cmdline,
            initrd: flags.initrd !== undefined ? resolve(flags.initrd) : undefined,
            modules: flags.module?.map((m) => resolveModule(process.cwd(), m)),
          }
        : undefined,
  };
  if (flags.vgaReplay !== undefined) {
    // Byte for byte (Latin-1): the format is ASCII, and a message quoting a binary file's
    // line then shows its bytes as escapes (quoteText), not decoding replacements.
    const text = Buffer.from(readInputFile(flags.vgaReplay, flags.vgaReplay, "--vga-replay")).toString("latin1");
    parseReplay(text, flags.vgaReplay); // a bad line is named with the file, not the option
    overrides.devices = withVgaReplay(base.devices, text);
  }
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

/**
 * The device list with the replay text set on every `vga` device. Devices do no file I/O,
 * so the CLI reads the file and passes its text as the device's `replay` option.
 */
function withVgaReplay(devices: unknown, replay: string): unknown[] {
  const list = Array.isArray(devices) ? devices : [...DEFAULT_DEVICES];
  let found = false;
  const out = list.map((d) => {
    const entry = typeof d === "string" ? { plugin: d } : (d as { plugin?: unknown; options?: Record<string, unknown> });
    if (entry.plugin !== "vga") return d;
    found = true;
    return { ...entry, options: { ...(entry.options ?? {}), replay } };
  });
  if (!found) throw new UserError("--vga-replay: this machine has no 'vga' device");
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "FILE@ADDR" with FILE made absolute against `dir`. */
function resolveAt(dir: string, spec: string): string {
  const at = spec.lastIndexOf("@");
  return resolve(dir, spec.slice(0, at)) + spec.slice(at);
}

/** "FILE ARGS" with FILE made absolute against `dir`; the arguments are kept as written. */
function resolveModule(dir: string, spec: string): string {
  const trimmed = spec.trim();
  const space = trimmed.search(/\s/);
  const file = space < 0 ? trimmed : trimmed.slice(0, space);
  return resolve(dir, file) + (space < 0 ? "" : trimmed.slice(space));
}

/** The flag that sets each config key, to name it in errors. */
const FLAG_FOR_KEY: Record<string, string> = {
  "memory.size": "--mem",
  "monitor.policy": "--policy",
  "cpu.model": "--cpu",
  "cpu.engine": "--engine",
  "cpu.jitThreshold": "--jit-threshold",
  maxInstructions: "--max-instructions",
  "clock.tscHz": "--tsc-hz",
  "clock.cyclesPerInstruction": "--cpi",
  "kernel.cmdline": "--cmdline",
  "kernel.file": "kernel",
  serial: "--serial",
};
