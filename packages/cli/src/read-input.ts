import { readFileSync } from "node:fs";
import { ExitCode } from "./exit-codes.js";
import { UserError } from "./user-error.js";

/** Why a file could not be read, as the system says it (`ENOENT`, `EACCES`, `EISDIR`...). */
function reason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/**
 * Reads an input file the user named. Failure is one {@link UserError} line,
 * `<prefix>: cannot read <what> (ENOENT)`, with the no-input exit status.
 */
export function readInputFile(path: string, what: string, prefix = path): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UserError(`${prefix}: cannot read ${what} (${reason(e)})`, ExitCode.noInput);
  }
}

/** {@link readInputFile} as UTF-8 text. */
export function readInputText(path: string, what: string, prefix = path): string {
  return Buffer.from(readInputFile(path, what, prefix)).toString("utf8");
}
