import { ConfigError, ResourceConflictError } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { ExitCode, UserError, describeError } from "../src/index.js";
import { ReportedError } from "../src/user-error.js";

describe("describeError", () => {
  it("keeps user errors to their message and status", () => {
    expect(describeError(new UserError("bad flag"), false)).toEqual({ line: "bad flag", exitCode: ExitCode.usage });
    expect(describeError(new ConfigError("vm.toml: unknown key 'x'"), false)).toEqual({
      line: "vm.toml: unknown key 'x'",
      exitCode: ExitCode.config,
    });
    expect(describeError(new ResourceConflictError("port 0x40 is claimed by both 'a' and 'b'"), false).exitCode).toBe(
      ExitCode.config,
    );
  });

  it("reports anything else as an internal error on one line, with the stack only when debugging", () => {
    const e = new TypeError("x is undefined\nmore");
    const quiet = describeError(e, false);
    expect(quiet.line).toBe("internal error: x is undefined (a ringlab bug; run with RINGLAB_DEBUG=1 for the stack)");
    expect(quiet.exitCode).toBe(ExitCode.internal);
    expect(quiet.stack).toBeUndefined();
    expect(describeError(e, true).stack).toMatch(/TypeError/);
  });

  it("repeats an error described in a worker thread as it was described there", () => {
    const inWorker = describeError(new TypeError("x is undefined"), true);
    const again = describeError(new ReportedError(inWorker.line, inWorker.exitCode, inWorker.stack), true);
    expect(again).toEqual(inWorker);
    expect(again.stack).toContain("TypeError: x is undefined");
    // Without RINGLAB_DEBUG in this thread, no stack either.
    expect(describeError(new ReportedError(inWorker.line, inWorker.exitCode, inWorker.stack), false)).toEqual({
      line: inWorker.line,
      exitCode: ExitCode.internal,
    });
    expect(describeError(new ReportedError("plugins: p.mjs: plugin 'a': boom", ExitCode.plugin), false)).toEqual({
      line: "plugins: p.mjs: plugin 'a': boom",
      exitCode: ExitCode.plugin,
    });
  });
});
