import { DeviceError, isRinglabError } from "@ringlab/sdk";
import { ExitCode } from "./exit-codes.js";
import { pluginOrigin } from "./plugins/load-plugins.js";

/** An error the user caused, with the exit status it ends the command with. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/**
 * An error already described (by {@link describeError}) in another thread — a `compare
 * --jobs` worker — rethrown in the main thread so it ends the command with the same line,
 * status and (with RINGLAB_DEBUG) stack as it would have there.
 */
export class ReportedError extends Error {
  constructor(
    readonly line: string,
    readonly exitCode: number,
    readonly reportedStack?: string,
  ) {
    super(line);
    this.name = "ReportedError";
  }
}

/** The one stderr line and exit status for any error thrown out of a command. */
export function describeError(e: unknown, debug: boolean): { line: string; exitCode: number; stack?: string } {
  if (e instanceof UserError) return { line: e.message, exitCode: e.exitCode };
  if (e instanceof ReportedError) return { line: e.line, exitCode: e.exitCode, ...(debug && e.reportedStack ? { stack: e.reportedStack } : {}) };
  if (e instanceof DeviceError) {
    // A third-party plugin's bug is its own; a built-in device's is ringlab's.
    const origin = e.plugin !== undefined ? pluginOrigin(e.plugin) : undefined;
    if (origin) return { line: `${origin.flag}: ${origin.file}: plugin '${e.plugin}': ${e.message}`, exitCode: ExitCode.plugin };
    const stack = e.cause instanceof Error ? e.cause.stack : undefined;
    return {
      line: `internal error: ${e.message} (a ringlab bug; run with RINGLAB_DEBUG=1 for the stack)`,
      exitCode: ExitCode.internal,
      ...(debug && stack ? { stack } : {}),
    };
  }
  if (isRinglabError(e)) {
    const exitCode =
      e.code === "bad-image"
        ? ExitCode.dataError
        : e.code === "config" || e.code === "resource-conflict"
          ? ExitCode.config
          : ExitCode.usage;
    return { line: e.message, exitCode };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const line = `internal error: ${err.message.split("\n")[0]} (a ringlab bug; run with RINGLAB_DEBUG=1 for the stack)`;
  return { line, exitCode: ExitCode.internal, ...(debug && err.stack ? { stack: err.stack } : {}) };
}
