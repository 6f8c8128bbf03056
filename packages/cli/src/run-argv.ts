import { CommanderError, type Io, RunFinished, buildProgram } from "./program.js";
import { ExitCode } from "./exit-codes.js";
import { describeError } from "./user-error.js";

/**
 * Runs one `ringlab` command line against `io` and returns its exit status: what the
 * process entry does, without the process (main.ts adds the streams and the exit), so a
 * test or a fuzz target can drive the whole CLI in-process. Errors end as the user sees
 * them — one `ringlab: ...` line on stderr and a documented status; an error that is not a
 * user's (a bug) is status 70.
 */
export async function runArgv(version: string, io: Io, argv: string[], debug = false): Promise<number> {
  const program = buildProgram(version, io);
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
      io.stderr(`ringlab: ${e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")} (see 'ringlab --help')\n`);
      return ExitCode.usage;
    }
    const { line, exitCode, stack } = describeError(e, debug);
    io.stderr(`ringlab: ${line}\n`);
    if (stack) io.stderr(stack + "\n");
    return exitCode;
  }
}
