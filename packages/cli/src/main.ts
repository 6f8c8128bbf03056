#!/usr/bin/env node
// The `ringlab` entry point: the only place that touches the process (argv, streams, exit).
import "reflect-metadata";
import { createRequire } from "node:module";
import { CommanderError, RunFinished, buildProgram } from "./program.js";
import { ExitCode } from "./exit-codes.js";
import { describeError } from "./user-error.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
const debug = !!process.env.RINGLAB_DEBUG;

async function main(argv: string[]): Promise<number> {
  const program = buildProgram(version, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTty: process.stdout.isTTY === true,
  });
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof RunFinished) return e.exitCode;
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (e.exitCode === 0) return ExitCode.ok;
      process.stderr.write(`ringlab: ${e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")} (see 'ringlab --help')\n`);
      return ExitCode.usage;
    }
    const { line, exitCode, stack } = describeError(e, debug);
    process.stderr.write(`ringlab: ${line}\n`);
    if (stack) process.stderr.write(stack + "\n");
    return exitCode;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let stdout drain before exiting, so no output is lost when piped.
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ringlab: internal error: ${String(e)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
