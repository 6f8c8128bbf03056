import { builtinRegistry } from "@ringlab/machine";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { formatConfig } from "./commands/config.js";
import { formatDeviceListing, listDevices } from "./commands/devices.js";
import { type MachineFlags, addMachineOptions, resolveRunConfig } from "./config/resolve-config.js";
import { ExitCode } from "./exit-codes.js";
import { UserError } from "./user-error.js";

/** Where a command's output goes; the entry point passes the process streams. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
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
    .action((opts: { json?: boolean }) => {
      const list = listDevices(builtinRegistry());
      io.stdout(opts.json ? JSON.stringify(list, null, 2) + "\n" : formatDeviceListing(list));
    });

  addMachineOptions(
    program
      .command("config")
      .description("show the effective configuration: the config file's keys, overridden by flags, with defaults")
      .option("--print", "print it as TOML (the default action)"),
    parseNumberOption,
  ).action((opts: MachineFlags) => {
    io.stdout(formatConfig(resolveRunConfig(opts)));
  });

  program
    .command("run")
    .description("boot a kernel (not available yet: needs the CPU core)")
    .argument("[kernel]", "kernel image")
    .action(() => {
      throw new UserError(
        "run: not available yet: booting a guest needs the CPU core and the loaders, which have not landed (use 'ringlab devices')",
        ExitCode.unavailable,
      );
    });

  return program;
}

/** Parses a number written in decimal or with a 0x prefix; for option parsers. */
export function parseNumberOption(value: string): number {
  const n = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a number such as 4096 or 0x1000, got '${value}'`);
  return n;
}

export { CommanderError };
