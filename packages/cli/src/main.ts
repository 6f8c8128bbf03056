#!/usr/bin/env node
// The `ringlab` entry point: the only place that touches the process (argv, streams, exit).
import "reflect-metadata";
import { createRequire } from "node:module";
import { ExitCode } from "./exit-codes.js";
import { runArgv } from "./run-argv.js";
import { ProcessOutput } from "./output/process-output.js";
import { pluginStillLoading } from "./plugins/load-plugins.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
const debug = !!process.env.RINGLAB_DEBUG;

// The guest's console is collected into large writes (whole lines on a terminal); stderr is
// not buffered, and stdout is flushed before anything goes to stderr, so the two keep their
// order on a terminal.
const stdout = new ProcessOutput(process.stdout, "stdout", {
  maxBytes: 64 * 1024,
  lineFlush: process.stdout.isTTY === true,
  maxAgeMs: 50,
  now: () => performance.now(),
});
const stderr = new ProcessOutput(process.stderr, "stderr");
const toStderr = (s: string) => {
  stdout.flush();
  stderr.write(s);
};
/** What must happen before anything is written to the terminal (a progress line clears). */
let beforeOutput: (() => void) | undefined;
stdout.beforeWrite = stderr.beforeWrite = () => beforeOutput?.();

function main(argv: string[]): Promise<number> {
  const io = {
    stdout: (s: string | Uint8Array) => stdout.write(s),
    stderr: toStderr,
    flushStdout: () => stdout.flush(),
    isTty: process.stdout.isTTY === true,
    onStdoutFailure: (listener: () => void) => stdout.onFailure(listener),
    ...(process.stderr.isTTY === true ? { progressStream: process.stderr } : {}),
    beforeOutput: (listener: (() => void) | undefined) => (beforeOutput = listener),
  };
  return runArgv(version, io, argv, debug);
}

/**
 * A command's status, unless stdout failed under it: output was lost then, whatever the
 * command thought. A vanished reader ends quietly (as `cat | head` does); anything else is
 * one line. (A failing stderr has nobody left to tell.)
 */
function finalStatus(code: number): number {
  stdout.flush();
  const f = stdout.failure;
  if (!f) return code;
  if (f.code === "EPIPE") return ExitCode.brokenPipe;
  stderr.write(`ringlab: cannot write to stdout: ${f.meaning} (${f.code})\n`);
  return ExitCode.ioError;
}

// The event loop ran dry with the command unfinished: something it awaits can never settle.
// Only a plugin's top-level await can do that (ringlab's own waits all have an end).
let finished = false;
process.once("beforeExit", () => {
  if (finished) return;
  const plugin = pluginStillLoading();
  if (plugin) {
    toStderr(`ringlab: ${plugin.flag}: ${plugin.file}: the module never finished loading (a top-level await that never settles)\n`);
    process.exitCode = ExitCode.plugin;
  } else {
    toStderr("ringlab: internal error: the command stopped waiting on nothing (a ringlab bug)\n");
    process.exitCode = ExitCode.internal;
  }
});

main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    stdout.flush();
    // Let stdout drain before exiting, so no output is lost when piped. A write still queued
    // for a pipe can fail after this point, so the status is settled only at exit.
    process.exitCode = code;
    process.once("exit", () => (process.exitCode = finalStatus(code)));
  },
  (e: unknown) => {
    finished = true;
    toStderr(`ringlab: internal error: ${String(e)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
