import { type Machine, createMachine, parseMachineConfig, restoreMachine, schemaDifference, stateSchemas } from "@ringlab/machine";
import { isRinglabError } from "@ringlab/sdk";
import { ExitCode } from "../exit-codes.js";
import { readInputFile } from "../read-input.js";
import { UserError } from "../user-error.js";
import { loadPlugins } from "../plugins/load-plugins.js";
import { connectComPorts } from "../serial/serial-ports.js";
import { parseSerialSpec } from "../serial/serial-spec.js";
import { TerminalInput } from "../serial/terminal-input.js";
import { decodeSnapshot } from "../snapshot/snapshot-file.js";
import type { Io } from "../program.js";
import { type BootedMachine, checkSnapshotFlags, driveMachine, type RunFlags } from "./run.js";

/** Flags of `ringlab resume`: the output options of `run`, and what may differ from the snapshot. */
export interface ResumeFlags extends Pick<RunFlags, "screen" | "screenshot" | "stats" | "trace" | "traceEvents" | "snapshot" | "snapshotAt"> {
  /** A new instruction limit (in all, counted from power-on), instead of the snapshot's. */
  maxInstructions?: number;
  /** The engine may change: interpreter and JIT retire the same instructions alike. */
  engine?: string;
  /** Must be the snapshot's (stated to check it). */
  policy?: string;
  cpu?: string;
}

/**
 * `ringlab resume FILE`: rebuilds the machine a snapshot was taken of from the configuration
 * it records (no kernel is read: RAM, ROMs and every device come from the file), restores
 * it, and runs on as `ringlab run` would have, so that the output of the run that wrote the
 * snapshot followed by this one's is the output of one uninterrupted run.
 */
export async function resumeCommand(file: string, flags: ResumeFlags, io: Pick<Io, "stdout" | "stderr" | "onStdoutFailure" | "flushStdout">): Promise<number> {
  checkSnapshotFlags(flags);
  const snap = decodeSnapshot(readInputFile(file, "the snapshot"), file);
  const { header } = snap;
  const config = header.config;
  const mismatch = (why: string) => new UserError(`${file}: ${why}`, ExitCode.snapshotMismatch);
  if (flags.policy !== undefined && flags.policy !== config.monitor.policy) {
    throw mismatch(`taken under monitor policy '${config.monitor.policy}', --policy asks for '${flags.policy}': a run cannot change policy midway`);
  }
  if (flags.cpu !== undefined && flags.cpu !== config.cpu.model) {
    throw mismatch(`taken on CPU model '${config.cpu.model}', --cpu asks for '${flags.cpu}'`);
  }
  let machineConfig;
  try {
    machineConfig = parseMachineConfig({
      ...config,
      ...(flags.maxInstructions !== undefined ? { maxInstructions: flags.maxInstructions } : {}),
      ...(flags.engine !== undefined ? { cpu: { ...config.cpu, engine: flags.engine } } : {}),
    });
  } catch (e) {
    // --engine is the only value a user adds here; anything else is the file's.
    if (flags.engine !== undefined && isRinglabError(e) && /engine/.test(e.message)) throw new UserError(`--engine: ${e.message}`, ExitCode.usage);
    throw mismatch(`its machine configuration is not one this ringlab accepts (${isRinglabError(e) ? e.message : String(e)})`);
  }
  const registries = await loadPlugins(header.run.plugins, header.run.pluginFlags);
  let machine: Machine;
  try {
    machine = createMachine(machineConfig, registries.devices, { console: { write: (bytes) => io.stdout(bytes) }, policies: registries.policies });
  } catch (e) {
    if (!isRinglabError(e)) throw e;
    throw mismatch(`its machine cannot be built here (${e.message})`);
  }
  const differs = schemaDifference(header.schemas, stateSchemas(machine));
  if (differs !== undefined) throw mismatch(`written by ringlab ${header.ringlab} with ${differs}`);
  try {
    restoreMachine(machine, snap.body());
  } catch (e) {
    if (e instanceof UserError || !isRinglabError(e)) throw e;
    throw new UserError(`${file}: bad machine state: ${e.message}`, ExitCode.dataError);
  }
  const where = "the snapshot's serial ports";
  const specs = header.run.serial.map((text) => parseSerialSpec(text, where));
  const terminal = specs.some((s) => s.kind === "stdio") ? TerminalInput.fromProcess() : undefined;
  const closeSerial = connectComPorts(machine, header.run.serialIds, specs, (bytes) => io.stdout(bytes), where, terminal);
  const booted: BootedMachine = {
    machine,
    entry: header.run.entry,
    closeSerial: () => (closeSerial(), terminal?.close()),
    ...(terminal ? { terminal } : {}),
    serial: header.run.serial,
    serialIds: header.run.serialIds,
  };
  const runFlags: RunFlags = { ...flags, ...(header.run.postPort !== undefined ? { postPort: header.run.postPort } : {}) };
  return driveMachine(booted, runFlags, io, header.run);
}
