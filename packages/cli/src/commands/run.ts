import { readFileSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type LoadPlan,
  type Machine,
  type RunOutcome,
  builtinRegistry,
  bootKernel,
  createMachine,
  planMultiboot,
  planRaw,
} from "@ringlab/machine";
import { hex } from "@ringlab/sdk";
import type { MachineFlags } from "../config/resolve-config.js";
import { machinePart, type RunConfig } from "../config/run-config.js";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import { formatRunReport } from "./run-report.js";

/** Flags of `ringlab run` besides the machine flags. */
export interface RunFlags extends MachineFlags {
  load?: string;
  entry?: number;
  screen: "ansi" | "text" | "none";
  screenshot?: string;
  stats?: boolean;
}

/** The guest `ringlab run` boots when given no kernel. */
export const DEMO_KERNEL = fileURLToPath(new URL("../../../../test/guests/demo/demo.bin", import.meta.url));

/** What the VGA device offers the front end (duck-typed: the CLI does not depend on the device). */
interface ScreenSource {
  screenText(): string;
  screenAnsi(): string;
  screenshotPng(): Uint8Array;
}

function readImage(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UserError(`${path}: cannot read the kernel image (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.noInput);
  }
}

/** `FILE@ADDR` → file and address. */
export function parseLoadSpec(spec: string, parseNumber: (v: string) => number): { file: string; addr: number } {
  const at = spec.lastIndexOf("@");
  if (at <= 0) throw new UserError(`--load: expected FILE@ADDRESS such as nullkernel.bin@0x100000, got '${spec}'`);
  let addr: number;
  try {
    addr = parseNumber(spec.slice(at + 1));
  } catch {
    throw new UserError(`--load: expected an address such as 0x100000 after '@', got '${spec.slice(at + 1)}'`);
  }
  return { file: spec.slice(0, at), addr };
}

function plan(config: RunConfig, flags: RunFlags, parseNumber: (v: string) => number): LoadPlan {
  if (flags.load) {
    if (config.kernel.file) throw new UserError("run: give either a Multiboot kernel or --load FILE@ADDR, not both");
    const { file, addr } = parseLoadSpec(flags.load, parseNumber);
    return planRaw(file, readImage(file), addr, flags.entry ?? addr);
  }
  if (flags.entry !== undefined) throw new UserError("--entry: only applies to a raw image given with --load FILE@ADDR");
  const file = config.kernel.file ?? DEMO_KERNEL;
  return planMultiboot(file, readImage(file));
}

/** The process exit status for an outcome. */
export function exitStatusOf(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case "exit":
      return outcome.status;
    case "instruction-limit":
      return ExitCode.instructionLimit;
    case "shutdown":
      return ExitCode.shutdown;
    case "halted":
      return ExitCode.halted;
    case "exception":
      return ExitCode.unhandledExit;
  }
}

/**
 * Boots a kernel and runs it to its end. Debug-console bytes stream to `stdout` as the guest
 * writes them; the end-of-run screen, stats and reports follow.
 */
export function runCommand(
  config: RunConfig,
  flags: RunFlags,
  io: { stdout(s: string | Uint8Array): void; stderr(s: string): void },
  parseNumber: (v: string) => number,
): number {
  const loadPlan = plan(config, flags, parseNumber);
  const machine: Machine = createMachine(machinePart(config), builtinRegistry(), {
    console: { write: (bytes) => io.stdout(bytes) },
  });
  const summary = bootKernel(machine, machine.cpu, loadPlan, { cmdline: config.kernel.cmdline, loaderName: "ringlab" });
  const outcome = machine.run();

  const vga = machine.devices.find((d) => "screenText" in d) as unknown as ScreenSource | undefined;
  if (flags.screen !== "none") {
    if (!vga) throw new UserError("--screen: this machine has no VGA device (add 'vga' to devices, or use --screen none)");
    io.stdout(flags.screen === "ansi" ? vga.screenAnsi() : vga.screenText() + "\n");
  }
  if (flags.screenshot) {
    if (!vga) throw new UserError("--screenshot: this machine has no VGA device");
    try {
      writeFileSync(flags.screenshot, vga.screenshotPng());
    } catch (e) {
      throw new UserError(`--screenshot: cannot write ${flags.screenshot} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.noInput);
    }
  }
  if (flags.stats) io.stderr(formatStats(machine, summary.entry));
  if (outcome.kind !== "exit") io.stderr(formatRunReport(machine, outcome));
  return exitStatusOf(outcome);
}

function formatStats(m: Machine, entry: number): string {
  const lines = [
    `instructions retired: ${m.clock.instructions}`,
    `virtual time:         ${(m.clock.nanoseconds / 1e6).toFixed(3)} ms (${m.clock.ticks} TSC ticks at ${m.clock.tscHz} Hz)`,
    `entry point:          ${hex(entry, 8)}`,
  ];
  const unclaimed = m.bus.ports.unclaimedAccesses();
  lines.push(`unclaimed ports:      ${unclaimed.length === 0 ? "none" : ""}`);
  for (const u of unclaimed) lines.push(`  ${hex(u.port, 4)}  reads ${u.reads}  writes ${u.writes}`);
  const mem = m.bus.memory.stats();
  lines.push(`unmapped memory:      reads ${mem.unmappedReads}, writes ${mem.unmappedWrites}, ROM writes ${mem.romWrites}`);
  return lines.map((l) => `[stats] ${l}\n`).join("");
}
