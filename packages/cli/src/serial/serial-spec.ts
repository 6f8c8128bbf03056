import { closeSync, openSync, writeSync } from "node:fs";
import type { SerialBackend } from "@ringlab/devices-uart";
import { NullSerialBackend } from "@ringlab/devices-uart";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import type { TerminalInput } from "./terminal-input.js";

/**
 * Where one COM port's line goes on the host: `stdio` (the guest's transmitted bytes on
 * stdout, beside the debug console's), `file:PATH` (written as they are sent), or `none`.
 * The same words as QEMU's `-serial` for the ones both have.
 */
export type SerialSpec = { kind: "stdio" } | { kind: "none" } | { kind: "file"; path: string };

/** The forms a serial back end may take, for help and errors. */
export const SERIAL_FORMS = "stdio, file:PATH or none";

/** True when `text` is one of the {@link SERIAL_FORMS}. */
export function isSerialSpec(text: string): boolean {
  return text === "stdio" || text === "none" || (text.startsWith("file:") && text.length > "file:".length);
}

/** Parses one `--serial` value (or `serial` config entry); `where` names it in the error. */
export function parseSerialSpec(text: string, where: string): SerialSpec {
  if (!isSerialSpec(text)) throw new UserError(`${where}: expected ${SERIAL_FORMS}, got '${text}'`);
  if (text === "stdio" || text === "none") return { kind: text };
  return { kind: "file", path: text.slice("file:".length) };
}

/** A back end that appends every byte the UART sends to a file, unbuffered (none is lost at exit). */
class FileSerialBackend implements SerialBackend {
  constructor(private readonly fd: number) {}

  write(bytes: Uint8Array): void {
    writeSync(this.fd, bytes);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A back end that writes to the CLI's stdout (the guest's console output keeps its order)
 * and, when given the terminal, receives what the user types.
 */
class StdoutSerialBackend implements SerialBackend {
  constructor(
    private readonly out: (bytes: Uint8Array) => void,
    private readonly terminal: TerminalInput | undefined,
  ) {}

  write(bytes: Uint8Array): void {
    this.out(bytes);
  }

  onInput(receive: (bytes: Uint8Array) => void): void {
    this.terminal?.connect(receive);
  }
}

/**
 * Opens the host side of `spec`. `close` releases what was opened (a file); call it after the
 * machine's devices have flushed. `terminal`, given to a `stdio` port, brings the keys typed
 * on the terminal to the guest.
 */
export function openSerialBackend(
  spec: SerialSpec,
  stdout: (bytes: Uint8Array) => void,
  where: string,
  terminal?: TerminalInput,
): { backend: SerialBackend; close(): void } {
  switch (spec.kind) {
    case "stdio":
      return { backend: new StdoutSerialBackend(stdout, terminal), close() {} };
    case "none":
      return { backend: new NullSerialBackend(), close() {} };
    case "file": {
      let fd: number;
      try {
        fd = openSync(spec.path, "w");
      } catch (e) {
        throw new UserError(`${where}: cannot write ${spec.path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
      }
      const backend = new FileSerialBackend(fd);
      return { backend, close: () => backend.close() };
    }
  }
}
