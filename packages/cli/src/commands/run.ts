import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type LoadPlan,
  type Machine,
  type RunOutcome,
  bootKernel,
  createMachine,
  isBzImage,
  mapRomImage,
  planLinux,
  planMultiboot,
  planRaw,
  saveMachine,
  stateSchemas,
} from "@ringlab/machine";
import { encodeSnapshot, SNAPSHOT_FORMAT, type SnapshotRun } from "../snapshot/snapshot-file.js";
import { RINGLAB_VERSION } from "../version.js";
import type { PostCodes } from "@ringlab/devices-debug";
import { ResourceConflictError, hex, quoteText } from "@ringlab/sdk";
import type { MachineFlags } from "../config/resolve-config.js";
import { machinePart, type RunConfig } from "../config/run-config.js";
import { ExitCode } from "../exit-codes.js";
import { readInputFile } from "../read-input.js";
import { type RgbaImage, encodePng } from "./png.js";
import { startTrace } from "./trace.js";
import { formatEventStats, startEventTrace } from "./trace-events.js";
import { UserError } from "../user-error.js";
import { formatRunReport } from "./run-report.js";
import { formatMonitorStats } from "./monitor-stats.js";
import { type Registries, loadPlugins } from "../plugins/load-plugins.js";
import { checkConfiguredPolicy } from "../config/policy-spec.js";
import { RunProgress } from "../output/run-progress.js";
import { connectComPorts, hasComPort, withComPorts } from "../serial/serial-ports.js";
import { parseSerialSpec, type SerialSpec } from "../serial/serial-spec.js";
import { TerminalInput } from "../serial/terminal-input.js";
import { withFwCfgItems } from "../fw-cfg/fw-cfg-items.js";
import type { Io } from "../program.js";
import { HostSignals } from "../host-signals.js";
import { type GdbAddress } from "../gdb/gdb-address.js";
import { runUnderGdb } from "../gdb/gdb-server.js";
import { GDB_KILL_REASON } from "@ringlab/machine";

/** Flags of `ringlab run` besides the machine flags. */
export interface RunFlags extends MachineFlags {
  load?: string;
  rom?: string[];
  postPort?: number;
  entry?: number;
  screen: "ansi" | "text" | "none";
  screenshot?: string;
  stats?: boolean;
  trace?: string;
  traceEvents?: string;
  /** `--gdb HOST:PORT`: serve the GDB remote protocol there (src/gdb). */
  gdb?: GdbAddress;
  gdbWait?: boolean;
  /** False with `--no-progress`: no progress line on a terminal. */
  progress?: boolean;
  /** `--snapshot FILE`: where a snapshot goes (at `--snapshot-at`, else on Ctrl-C / SIGTERM). */
  snapshot?: string;
  /** `--snapshot-at N`: stop after N instructions in all and write the snapshot. */
  snapshotAt?: number;
}

/** The guest `ringlab run` boots when given no kernel. */
export const DEMO_KERNEL = fileURLToPath(new URL("../../../../test/guests/demo/demo.bin", import.meta.url));

/** What the VGA device offers the front end (duck-typed: the CLI does not depend on the device). */
export interface ScreenSource {
  screenText(): string;
  screenAnsi(): string;
  screenImage(): RgbaImage;
}

const readImage = (path: string) => readInputFile(path, "the kernel image");

/**
 * `FILE@ADDR` → file and address; `flag` (or a config key) and `example` make the error
 * message. `parseAddress` is the CLI's address parser (below 4 GiB, never wrapped).
 */
export function parseLoadSpec(
  spec: string,
  parseAddress: (v: string) => number,
  flag = "--load",
  example = "nullkernel.bin@0x100000",
): { file: string; addr: number } {
  const at = spec.lastIndexOf("@");
  if (at <= 0) throw new UserError(`${flag}: expected FILE@ADDRESS such as ${example}, got ${quoteText(spec)}`);
  let addr: number;
  try {
    addr = parseAddress(spec.slice(at + 1));
  } catch (e) {
    const why = e instanceof Error ? e.message : `expected an address such as ${example.split("@")[1]}`;
    throw new UserError(`${flag}: the address after '@': ${why}`);
  }
  return { file: spec.slice(0, at), addr };
}

function plan(config: RunConfig, flags: RunFlags, parseNumber: (v: string) => number): LoadPlan | undefined {
  if (flags.load) {
    if (config.kernel.file) throw new UserError("run: give either a Multiboot kernel or --load FILE@ADDR, not both");
    const { file, addr } = parseLoadSpec(flags.load, parseNumber);
    const bytes = readInputFile(file, `the image ${file}`, "--load");
    if (bytes.length === 0) throw new UserError(`--load: ${file} is empty: expected an image of at least one byte`, ExitCode.dataError);
    return planRaw(file, bytes, addr, flags.entry ?? addr, flags.entry !== undefined ? "--entry" : undefined);
  }
  if (flags.entry !== undefined) throw new UserError("--entry: only applies to a raw image given with --load FILE@ADDR");
  // ROMs and no kernel: the CPU starts from its reset vector, as a PC does.
  if (!config.kernel.file && (flags.rom?.length || config.roms.length)) return undefined;
  const file = config.kernel.file ?? DEMO_KERNEL;
  const bytes = readImage(file);
  // A Linux bzImage carries its boot protocol header ("HdrS"); anything else must be Multiboot.
  return isBzImage(bytes) ? planLinux(file, bytes) : planMultiboot(file, bytes);
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
    case "reset":
      return ExitCode.reset;
    case "stopped":
      if (outcome.reason === GDB_KILL_REASON) return ExitCode.gdbKill;
      // The CLI stops a run only when stdout fails; the entry point turns this into the
      // failure's own status (quiet 141 for a vanished reader, 74 with a line otherwise).
      return ExitCode.ioError;
  }
}

/** A machine built from the configuration with its kernel, modules and ROMs loaded. */
export interface BootedMachine {
  machine: Machine;
  /** Where the CPU starts: the kernel's entry point, or the reset vector. */
  entry: number;
  /** Closes the host side of the COM ports (`serial`); call it once the run has ended. */
  closeSerial(): void;
  /** The terminal whose keys reach a `stdio` COM port, when there is one. */
  terminal?: TerminalInput;
  /** The host side of each COM port (as `--serial` takes it) and the device serving it: what a snapshot records. */
  serial: string[];
  serialIds: string[];
}

/**
 * Builds the machine of `config`, maps its ROMs and boots its kernel (or the bundled demo, or
 * nothing when only ROMs are given), with the guest's debug-console bytes going to `console`.
 */
export function bootMachine(
  config: RunConfig,
  flags: RunFlags,
  parseNumber: (v: string) => number,
  console: (bytes: Uint8Array) => void,
  registries: Registries,
  openTerminal: () => TerminalInput | undefined = () => undefined,
): BootedMachine {
  const loadPlan = plan(config, flags, parseNumber);
  const machineConfig = machinePart(config);
  if (flags.postPort !== undefined) {
    machineConfig.devices = [...machineConfig.devices, { plugin: "post-codes", options: { port: flags.postPort } }];
  }
  const serialWhere = flags.serial?.length ? "--serial" : "serial";
  const serial: SerialSpec[] = config.serial.map((text) => parseSerialSpec(text, serialWhere));
  const serialTexts = [...config.serial];
  // A Linux kernel's console is COM1 (console=ttyS0): on stdio unless said otherwise, keys too.
  if (serial.length === 0 && loadPlan?.format === "linux" && hasComPort(machineConfig.devices, 0)) {
    serial.push({ kind: "stdio" });
    serialTexts.push("stdio");
  }
  const com = withComPorts(machineConfig.devices, serial.length, serialWhere);
  machineConfig.devices = withFwCfgItems(com.devices, config.fwCfg, flags.fwCfg?.length ? "--fw-cfg" : "fwCfg");
  // Plugins may add policies, so the name is checked only now; a mistake names its flag or key.
  checkConfiguredPolicy(config.monitor, flags, registries.policies);
  let machine: Machine;
  try {
    machine = createMachine(machineConfig, registries.devices, {
      console: { write: console },
      policies: registries.policies,
      ...(flags.config !== undefined ? { configSource: flags.config } : {}),
    });
  } catch (e) {
    // The POST-code recorder is there because of --post-port: a clash is that flag's.
    if (flags.postPort !== undefined && e instanceof ResourceConflictError && e.details.owners?.includes("post-codes")) {
      throw new UserError(`--post-port: ${e.message}: expected a port no other device claims`);
    }
    throw e;
  }
  const roms = [
    ...config.roms.map((spec) => ({ spec, where: `${flags.config ?? "config"}: key 'roms'` })),
    ...(flags.rom ?? []).map((spec) => ({ spec, where: "--rom" })),
  ];
  for (const { spec, where } of roms) {
    const { file, addr } = parseLoadSpec(spec, parseNumber, where, "test386.bin@0xE0000");
    mapRomImage(machine.bus, file, readInputFile(file, `the ROM image ${file}`, where), addr);
  }
  // Without a kernel the CPU keeps its reset state: F000:FFF0, CS base 0xFFFF0000.
  const moduleWhere = flags.module?.length ? "--module" : `${flags.config ?? "config"}: key 'kernel.modules'`;
  const modules = config.kernel.modules.map((spec) => {
    const file = spec.split(/\s/)[0]!;
    return { name: file, data: readInputFile(file, `the module ${file}`, moduleWhere), cmdline: spec };
  });
  if (!loadPlan && modules.length) throw new UserError("--module: boot modules need a Multiboot kernel");
  if (config.kernel.initrd && loadPlan?.format !== "linux") {
    throw new UserError(`--initrd: an initrd needs a Linux bzImage kernel${loadPlan ? ` (${loadPlan.image} is not one)` : ""}`);
  }
  const initrd = config.kernel.initrd ? { name: config.kernel.initrd, data: readInputFile(config.kernel.initrd, "the initrd") } : undefined;
  const entry = loadPlan
    ? bootKernel(machine, machine.cpu, loadPlan, {
        cmdline: config.kernel.cmdline,
        loaderName: "ringlab",
        modules,
        ...(initrd ? { initrd } : {}),
      }).entry
    : 0xfffffff0;
  // Last, so that a file is opened only once everything else is known to be right.
  const terminal = serial.some((s) => s.kind === "stdio") ? openTerminal() : undefined;
  const closeSerial = connectComPorts(machine, com.ids, serial, console, serialWhere, terminal);
  return {
    machine,
    entry,
    closeSerial: () => (closeSerial(), terminal?.close()),
    ...(terminal ? { terminal } : {}),
    serial: serialTexts,
    serialIds: com.ids,
  };
}

/** The VGA device of a machine, if it has one. */
export function screenOf(machine: Machine): ScreenSource | undefined {
  return machine.devices.find((d) => "screenText" in d) as unknown as ScreenSource | undefined;
}

/**
 * Boots a kernel and runs it to its end. Debug-console bytes stream to `stdout` as the guest
 * writes them; the end-of-run screen, stats and reports follow.
 */
export async function runCommand(
  config: RunConfig,
  flags: RunFlags,
  io: Pick<Io, "stdout" | "stderr" | "onStdoutFailure" | "flushStdout" | "progressStream" | "beforeOutput">,
  parseNumber: (v: string) => number,
): Promise<number> {
  if (flags.gdbWait && !flags.gdb) throw new UserError("--gdb-wait: needs --gdb HOST:PORT (where gdb connects)");
  checkSnapshotFlags(flags);
  const registries = await loadPlugins(config.plugins, flags.plugin ?? []);
  const booted = bootMachine(config, flags, parseNumber, (bytes) => io.stdout(bytes), registries, TerminalInput.fromProcess);
  const run: SnapshotRun = {
    entry: booted.entry,
    serial: booted.serial,
    serialIds: booted.serialIds,
    plugins: config.plugins,
    pluginFlags: (flags.plugin ?? []).map((f) => resolvePath(f)),
    ...(flags.postPort !== undefined ? { postPort: flags.postPort } : {}),
  };
  return driveMachine(booted, flags, io, run);
}

/** `--snapshot` / `--snapshot-at` make sense together and without a debugger. */
export function checkSnapshotFlags(flags: Pick<RunFlags, "snapshot" | "snapshotAt" | "gdb">): void {
  if (flags.snapshotAt !== undefined && flags.snapshot === undefined) throw new UserError("--snapshot-at: needs --snapshot FILE (where the snapshot is written)");
  if (flags.snapshot !== undefined && flags.gdb) throw new UserError("--snapshot: cannot be combined with --gdb (a debugger may stop the guest anywhere)");
}

/**
 * Runs a booted (or restored) machine to its end and reports it as `ringlab run` does:
 * the screen, `--screenshot`, `--stats`, the run report, the exit status. With
 * `--snapshot-at N` the run stops after N instructions in all and writes the snapshot
 * instead of reporting, so that a resumed run's output continues this one's exactly.
 */
export async function driveMachine(
  booted: BootedMachine,
  flags: RunFlags,
  io: Pick<Io, "stdout" | "stderr" | "onStdoutFailure" | "flushStdout" | "progressStream" | "beforeOutput">,
  run: SnapshotRun,
): Promise<number> {
  const { machine, entry, closeSerial, terminal } = booted;
  if (flags.snapshot !== undefined && !machine.monitor.saveState) {
    closeSerial();
    throw new UserError(
      `--snapshot: snapshots of the '${machine.monitor.name}' monitor policy are not supported (it has no saveState)`,
      ExitCode.unavailable,
    );
  }
  if (flags.snapshotAt !== undefined && flags.snapshotAt < machine.clock.instructions) {
    closeSerial();
    throw new UserError(`--snapshot-at: ${flags.snapshotAt} is before the snapshot's instruction ${machine.clock.instructions}: expected a later count`);
  }
  const maxInstructions = machine.config.maxInstructions ?? Infinity;
  const limit = Math.min(maxInstructions, flags.snapshotAt ?? Infinity);
  // Nobody will see what the guest prints once stdout is gone: end the run, not the process.
  io.onStdoutFailure?.(() => machine.stop("stdout can no longer be written"));
  const stopTrace = flags.trace ? startTrace(machine, flags.trace) : undefined;
  const writeEvents = flags.traceEvents ? startEventTrace(machine, flags.traceEvents) : undefined;
  let outcome;
  // On a terminal, a line of progress on stderr — not under gdb (which owns the run's pace)
  // nor with a guest's serial console taking the keyboard.
  const progress =
    io.progressStream !== undefined && flags.progress !== false && !flags.gdb && terminal === undefined
      ? new RunProgress(io.progressStream, machine, Number.isFinite(limit) ? limit : undefined)
      : undefined;
  if (progress) io.beforeOutput?.(() => progress.clear());
  let stopGdbRun: ((reason: string) => void) | undefined;
  const signals = new HostSignals(machine, (name) => stopGdbRun?.(`interrupted by ${name}`));
  try {
    outcome = flags.gdb
      ? await runUnderGdb(machine, {
          address: flags.gdb,
          wait: flags.gdbWait === true,
          statusOf: exitStatusOf,
          stderr: io.stderr,
          quitRequested: () => terminal?.quitRequested === true,
          hostStop: (stop) => (stopGdbRun = stop),
          flush: () => io.flushStdout?.(),
        })
      : await runInSlices(
          machine,
          limit,
          terminal,
          () => {
            io.flushStdout?.();
            progress?.update();
          },
          () => signals.received,
        );
  } finally {
    progress?.stop();
    io.beforeOutput?.(undefined);
    signals.dispose();
    stopTrace?.();
    writeEvents?.();
    closeSerial();
  }
  const snapshotNow = flags.snapshotAt !== undefined && outcome.kind === "instruction-limit" && machine.clock.instructions === flags.snapshotAt;
  if (flags.snapshot !== undefined && (snapshotNow || signals.received)) {
    // Between slices: a clean instruction boundary, the loop's state all in the machine.
    writeSnapshot(flags.snapshot, machine, run);
    io.stderr(`ringlab: snapshot at instruction ${machine.clock.instructions} written to ${flags.snapshot} (continue it with: ringlab resume ${flags.snapshot})\n`);
    if (!signals.received) return ExitCode.ok;
  }
  if (signals.received) {
    // Ctrl-C or a kill: the statistics so far, one line, and the shell's status for it.
    if (flags.stats) io.stderr(formatStats(machine, entry));
    io.stderr(`ringlab: interrupted by ${signals.received} after ${machine.clock.instructions} instructions\n`);
    return signals.status;
  }
  if (outcome.kind === "stopped" && outcome.reason !== GDB_KILL_REASON) return exitStatusOf(outcome);
  if (flags.postPort !== undefined) {
    const post = machine.device<PostCodes>("post-codes");
    const codes = post.codes().map((c) => c.toString(16).toUpperCase().padStart(2, "0"));
    io.stderr(`ringlab: POST codes at port ${hex(flags.postPort)}: ${codes.join(" ") || "none"}\n`);
  }

  const vga = screenOf(machine);
  if (flags.screen !== "none") {
    if (!vga) throw new UserError("--screen: this machine has no VGA device (add 'vga' to devices, or use --screen none)");
    io.stdout(flags.screen === "ansi" ? vga.screenAnsi() : vga.screenText() + "\n");
  }
  if (flags.screenshot) {
    if (!vga) throw new UserError("--screenshot: this machine has no VGA device");
    try {
      writeFileSync(flags.screenshot, encodePng(vga.screenImage()));
    } catch (e) {
      throw new UserError(`--screenshot: cannot write ${flags.screenshot} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
    }
  }
  if (flags.stats) io.stderr(formatStats(machine, entry));
  if (outcome.kind !== "exit") io.stderr(formatRunReport(machine, outcome));
  if (flags.snapshotAt !== undefined) {
    io.stderr(`ringlab: --snapshot-at ${flags.snapshotAt}: the run ended at instruction ${machine.clock.instructions}, before it: no snapshot written\n`);
  }
  return exitStatusOf(outcome);
}

/** Writes `machine`'s snapshot to `file`; a failure is one line with status 73. */
function writeSnapshot(file: string, machine: Machine, run: SnapshotRun): void {
  const bytes = encodeSnapshot(
    {
      ringlab: RINGLAB_VERSION,
      format: SNAPSHOT_FORMAT,
      instructions: machine.clock.instructions,
      config: machine.config,
      run,
      schemas: stateSchemas(machine),
    },
    saveMachine(machine),
  );
  try {
    writeFileSync(file, bytes);
  } catch (e) {
    throw new UserError(`--snapshot: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
  }
}

/**
 * Instructions between looks at the host (tens of ms of host time): typed keys, Ctrl-C, a
 * prompt to show. Slicing does not change the run: virtual time counts instructions.
 */
const SLICE = 2_000_000;

/**
 * Runs the machine in slices, letting Node deliver what happened in between (keys typed,
 * signals) and passing on the collected output. Only a terminal makes the run's course
 * depend on the host, since a key reaches the guest when it is typed.
 */
async function runInSlices(
  machine: Machine,
  limit: number,
  terminal: TerminalInput | undefined,
  flush: () => void,
  interrupted: () => string | undefined,
): Promise<RunOutcome> {
  for (;;) {
    const step = Math.min(limit, machine.clock.instructions + SLICE);
    const outcome = machine.run(step);
    if (outcome.kind !== "instruction-limit" || step >= limit) return outcome;
    flush();
    await new Promise((done) => setImmediate(done));
    const signal = interrupted();
    if (signal) return { kind: "stopped", reason: `interrupted by ${signal}` };
    // A stop asked for between slices (stdout failing at the flush above) would be cleared
    // by the next run: honour it here.
    const asked = machine.pendingStop();
    if (asked !== undefined) return { kind: "stopped", reason: asked };
    if (terminal?.quitRequested) return { kind: "exit", status: 0, reason: "the user typed Ctrl-A x" };
  }
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
  lines.push(...formatEventStats(m));
  lines.push(...formatMonitorStats(m.monitor));
  return lines.map((l) => `[stats] ${l}\n`).join("");
}
