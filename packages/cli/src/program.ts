import { BUILTIN_POLICY_NAMES } from "@ringlab/monitor";
import { IO_PORT, PHYSICAL_ADDRESS, parseAddressText } from "@ringlab/sdk";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type CompareFlags, compareCommand } from "./commands/compare.js";
import { parseJobs } from "./commands/compare-jobs.js";
import { disasmCommand } from "./commands/disasm.js";
import { type RunFlags, runCommand } from "./commands/run.js";
import { type ResumeFlags, resumeCommand } from "./commands/resume.js";
import { formatConfig } from "./commands/config.js";
import { formatDeviceListing, listDevices } from "./commands/devices.js";
import { formatCpuListing, listCpus } from "./commands/cpus.js";
import { type NewDeviceFlags, newDeviceCommand } from "./commands/new-device.js";
import { formatPolicyListing, listPolicies } from "./commands/policies.js";
import { type MachineFlags, addMachineOptions, pathOption, resolveRunConfig } from "./config/resolve-config.js";
import { checkConfiguredPolicy } from "./config/policy-spec.js";
import { ExitCode } from "./exit-codes.js";
import { UserError } from "./user-error.js";
import { loadPlugins } from "./plugins/load-plugins.js";
import type { ProgressStream } from "./output/run-progress.js";
import { parseGdbAddress } from "./gdb/gdb-address.js";

/** Where a command's output goes; the entry point passes the process streams. */
export interface Io {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  /** Passes on what stdout has collected (between run slices, so a prompt shows). */
  flushStdout?(): void;
  /** Whether stdout is a terminal (chooses ANSI colour for the screen). */
  isTty?: boolean;
  /**
   * Calls `listener` when stdout stops taking data (its reader closed the pipe, the disk is
   * full), so that a run can end instead of computing output nobody will see.
   */
  onStdoutFailure?(listener: () => void): void;
  /** Where a long run shows its progress: stderr when it is a terminal, else absent (none shown). */
  progressStream?: ProgressStream;
  /** Sets what runs before any output is written (the progress line clears itself); undefined removes it. */
  beforeOutput?(listener: (() => void) | undefined): void;
}

/** Ends a command with a status other than 0 without it being an error (a guest's exit). */
export class RunFinished {
  constructor(readonly exitCode: number) {}
}

/** Builds the `ringlab` command tree. Throws {@link CommanderError} / {@link UserError}. */
export function buildProgram(version: string, io: Io): Command {
  const program = new Command("ringlab")
    .description("An IA-32 PC emulator for studying how to virtualize x86")
    .version(version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "show help for a command")
    .addHelpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      // Commander's own messages ("error: unknown option '--x'") become our one line.
      writeErr: (s) => io.stderr(s),
      outputError: () => {},
    });

  program
    .command("devices")
    .description("list the device plugins with the ports, memory and IRQs they claim")
    .option("--json", "print the listing as JSON")
    .option("--plugin <module.js>", "also list the device plugins of an ES module (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .action(async (opts: { json?: boolean; plugin?: string[] }) => {
      const list = listDevices((await loadPlugins(opts.plugin ?? [])).devices);
      io.stdout(opts.json ? JSON.stringify(list, null, 2) + "\n" : formatDeviceListing(list));
    });

  program
    .command("policies")
    .description("list the monitor policies (--policy, monitor.policy; compare --policies) with their options")
    .option("--json", "print the listing as JSON")
    .option("--plugin <module.js>", "also list the policies of an ES module (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .action(async (opts: { json?: boolean; plugin?: string[] }) => {
      const list = listPolicies((await loadPlugins(opts.plugin ?? [])).policies);
      io.stdout(opts.json ? JSON.stringify(list, null, 2) + "\n" : formatPolicyListing(list));
    });

  program
    .command("cpus")
    .description("list the CPU models (--cpu, cpu.model) with their CPUID identity, features and instruction groups")
    .option("--json", "print the listing as JSON")
    .action((opts: { json?: boolean }) => {
      const list = listCpus();
      io.stdout(opts.json ? JSON.stringify(list, null, 2) + "\n" : formatCpuListing(list));
    });

  program
    .command("new-device")
    .description("create a device plugin package (source, test, build, README) in an empty folder")
    .argument("<name>", "the device's plugin name: lower case letters, digits and dashes, e.g. beeper")
    .option("--dir <folder>", "where to create it (default: ./NAME); it must be empty or not exist")
    .action((name: string, opts: NewDeviceFlags) => newDeviceCommand(name, opts, io));

  addMachineOptions(
    program
      .command("config")
      .description("show the effective configuration: the config file's keys, overridden by flags, with defaults")
      .option("--print", "print it as TOML (the default action)"),
    parseNumberOption,
  ).action(async (opts: MachineFlags) => {
    const config = resolveRunConfig(opts);
    checkConfiguredPolicy(config.monitor, opts, (await loadPlugins(config.plugins, opts.plugin ?? [])).policies);
    io.stdout(formatConfig(config));
  });

  addMachineOptions(
    program
      .command("run")
      .description("boot a Multiboot kernel (or the bundled demo guest) and run it to its end")
      .argument("[kernel]", "Multiboot kernel image (ELF32 or a.out kludge); default: the bundled demo guest")
      .option("--load <file@addr>", "load a raw image at an address instead, e.g. nullkernel.bin@0x100000", onlyOnce("--load"))
      .option("--entry <addr>", "entry point of a --load image, inside it (default: its first byte)", parseAddressOption)
      .option(
        "--rom <file@addr>",
        "map a ROM image (repeatable); with no kernel the CPU starts at the reset vector, e.g. test386.bin@0xE0000",
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option("--post-port <port>", "record the POST codes the guest writes to this port (0..0xFFFF) and print them at the end", parsePortOption)
      .addOption(
        new Option("--screen <mode>", "print the VGA text screen at the end")
          .choices(["ansi", "text", "none"])
          .default(io.isTty ? "ansi" : "text", io.isTty ? "ansi on a terminal" : "text when not a terminal"),
      )
      .option("--screenshot <file.png>", "write the VGA screen as a PNG image at the end", pathOption("screen.png"))
      .option("--stats", "print instructions retired, virtual time and unclaimed accesses to stderr")
      .option("--no-progress", "on a terminal, do not show the progress line (instructions, M/s, virtual time, exits) on stderr")
      .option("--trace <file>", "write every instruction executed (number, CS:EIP, disassembly) to a file; slow", pathOption("trace.txt"))
      .option(
        "--trace-events <file>",
        "write every interrupt and exception delivered to the guest (instruction count, vector, kind, CS:EIP) to a file",
        pathOption("events.txt"),
      )
      .option(
        "--gdb <host:port>",
        "serve the GDB remote protocol on a loopback address (e.g. 127.0.0.1:1234; port 0 picks one); gdb: target remote HOST:PORT",
        parseGdbAddress,
      )
      .option("--gdb-wait", "with --gdb: hold the guest at its first instruction until gdb connects")
      .option("--snapshot <file>", "write a snapshot of the whole machine to FILE: at --snapshot-at, else when Ctrl-C or SIGTERM stops the run", pathOption("run.snap"))
      .option("--snapshot-at <n>", "stop after N guest instructions in all and write the --snapshot (continue with: ringlab resume FILE)", parseNumberOption),
    parseNumberOption,
  ).action(async (kernel: string | undefined, opts: RunFlags) => {
    const config = resolveRunConfig(opts, kernel);
    const status = await runCommand(config, opts, io, parseAddressOption);
    throw new RunFinished(status);
  });

  program
    .command("resume")
    .description("continue a run from a snapshot (ringlab run --snapshot): its output continues the first run's exactly")
    .argument("<snapshot>", "the snapshot file")
    .addOption(
      new Option("--screen <mode>", "print the VGA text screen at the end")
        .choices(["ansi", "text", "none"])
        .default(io.isTty ? "ansi" : "text", io.isTty ? "ansi on a terminal" : "text when not a terminal"),
    )
    .option("--screenshot <file.png>", "write the VGA screen as a PNG image at the end", pathOption("screen.png"))
    .option("--stats", "print instructions retired, virtual time and unclaimed accesses to stderr (counted from power-on)")
    .option("--trace <file>", "write every instruction executed from here on to a file; slow", pathOption("trace.txt"))
    .option("--trace-events <file>", "write every interrupt and exception delivered to the guest since power-on to a file", pathOption("events.txt"))
    .option("--max-instructions <n>", "stop after N guest instructions in all, counted from power-on (default: the snapshot's limit)", parseNumberOption)
    .option("--engine <name>", "execution engine from here on (the engines run every guest alike)")
    .option("--policy <name>", "must be the snapshot's monitor policy (a mismatch is refused)")
    .option("--cpu <name>", "must be the snapshot's CPU model (a mismatch is refused)")
    .option("--snapshot <file>", "write another snapshot: at --snapshot-at, else on Ctrl-C or SIGTERM", pathOption("run.snap"))
    .option("--snapshot-at <n>", "stop after N guest instructions in all and write the --snapshot", parseNumberOption)
    .action(async (file: string, opts: ResumeFlags) => {
      const status = await resumeCommand(file, opts, io);
      throw new RunFinished(status);
    });

  const compare = addMachineOptions(
    program
      .command("compare")
      .description(
        "run a guest under each monitor policy from the same power-on state, show what each intercepted, " +
          "and check the guest could not tell them apart (exit 124 if it could)",
      )
      .argument("[kernel]", "Multiboot kernel image; default: the bundled demo guest")
      .option(
        "--policies <list>",
        `comma-separated policies, each NAME or NAME:KEY=VALUE[:KEY=VALUE...], the first one the reference (default: ${BUILTIN_POLICY_NAMES.join(",")}; see ringlab policies)`,
      )
      .option("--load <file@addr>", "load a raw image at an address instead, e.g. nullkernel.bin@0x100000", onlyOnce("--load"))
      .option("--entry <addr>", "entry point of a --load image, inside it (default: its first byte)", parseAddressOption)
      .option("--rom <file@addr>", "map a ROM image (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
      .option("--json", "print every run (outcome, instructions, console output, screen, exits, exit timeline) as JSON")
      .option("--html <file>", "also write the comparison as one self-contained HTML page (verdict, table, charts of exits by reason and over the run)", pathOption("report.html"))
      .option(
        "--jobs <n>",
        "run the policies in worker threads, n at a time (0 or 'auto': one per core; default 1: one after another, no threads); results are the same",
        parseJobsOption,
      ),
    parseNumberOption,
  );
  // compare chooses its policies with --policies; --policy is refused with that hint.
  compare.options.find((o) => o.long === "--policy")?.hideHelp();
  compare.action(async (kernel: string | undefined, opts: CompareFlags & MachineFlags) => {
    if (opts.policy !== undefined) throw new UserError("--policy: compare runs several policies; choose them with --policies");
    const config = resolveRunConfig(opts, kernel);
    const status = await compareCommand(config, opts, { stdout: (t) => io.stdout(t), version }, parseAddressOption);
    throw new RunFinished(status);
  });

  program
    .command("disasm")
    .description("disassemble a flat binary image in Intel syntax")
    .argument("<image>", "the file to disassemble")
    .option("--org <addr>", "address of the file's first byte (below 4 GiB)", parseAddressOption, 0)
    .option("--bits <16|32>", "default operand and address size", parseNumberOption, 32)
    .action((image: string, opts: { org: number; bits: number }) => {
      if (opts.bits !== 16 && opts.bits !== 32) throw new UserError(`--bits: expected 16 or 32, got ${opts.bits}`);
      io.stdout(disasmCommand(image, opts.org, opts.bits === 32));
    });

  return program;
}

/**
 * An option parser that refuses a second use: commander would keep the last value and drop
 * the first without a word (`--load a@0x100000 --load b@0x200000` loaded only b).
 */
function onlyOnce(flag: string) {
  return (v: string, prev: string | undefined): string => {
    if (prev !== undefined) throw new InvalidArgumentError(`${flag} is given twice ('${prev}', then '${v}'): expected one raw image`);
    return v;
  };
}

/**
 * Parses a guest physical address for an option (`--entry`, `--org`): decimal, 0x-prefixed
 * hexadecimal or with a size suffix (`1M`), below 4 GiB — read exactly, never wrapped.
 */
export function parseAddressOption(value: string): number {
  const r = parseAddressText(value, PHYSICAL_ADDRESS);
  if ("error" in r) throw new InvalidArgumentError(r.error);
  return r.value;
}

/** Parses `compare --jobs` (see {@link parseJobs}) for commander. */
function parseJobsOption(value: string): number {
  try {
    return parseJobs(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Parses an I/O port number for an option (`--post-port`): 0..0xFFFF. */
export function parsePortOption(value: string): number {
  const r = parseAddressText(value, IO_PORT);
  if ("error" in r) throw new InvalidArgumentError(r.error);
  return r.value;
}

/** Parses a number written in decimal or with a 0x prefix; for option parsers. */
export function parseNumberOption(value: string): number {
  const n = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a number such as 4096 or 0x1000, got '${value}'`);
  return n;
}

export { CommanderError };
