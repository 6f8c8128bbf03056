import {
  type Bus,
  BUS,
  CLOCK,
  ConfigError,
  DEVICE,
  DeviceError,
  asDeviceError,
  type Device,
  type JsonValue,
  MACHINE_CONFIG,
  MONITOR_POLICY,
  type OwnerResources,
  type RunControl,
  type VirtualClock,
} from "@ringlab/sdk";
import type { Cpu } from "@ringlab/cpu";
import type { MonitorPolicy } from "@ringlab/monitor";
import { inject, injectAll, injectable } from "tsyringe";
import type { MachineConfig } from "./machine-config.js";
import { CPU, type Processor } from "./processor.js";
import { EventLog } from "./event-log.js";
import { MAX_SLICE, type RunOutcome, runLoop } from "./run-loop.js";

/** Names `plugin` on `e` when it is a {@link DeviceError} that names none yet; returns `e`. */
export function withPlugin(e: unknown, plugin: string | undefined): unknown {
  if (e instanceof DeviceError && e.plugin === undefined) e.plugin = plugin;
  return e;
}

/** Where the CPU fetches its first instruction after a reset (F000:FFF0, SDM vol.3 §9.1.4). */
const RESET_VECTOR = 0xfffffff0;

/** A saved machine: the clock, the IRQ line levels and every device, by id. */
export interface MachineState {
  clock: JsonValue;
  /** IRQ lines that were high. */
  irqLevels: number[];
  devices: Record<string, JsonValue>;
}

/**
 * One emulated PC: a bus, a clock and its devices, built by {@link createMachine} in a
 * container of its own. It owns nothing global, so any number can live in one process.
 */
@injectable()
export class Machine implements RunControl {
  private exitRequest: { status: number; reason: string } | undefined;
  private resetRequest: string | undefined;
  private stopRequest: string | undefined;
  private processor: Processor;
  /**
   * Every interrupt and exception delivered to the guest since power-on (see
   * {@link EventLog}): what `--trace-events`, `--stats` and `ringlab compare` show.
   */
  readonly events = new EventLog();
  /**
   * Most instructions one CPU slice may run with no timer pending (default
   * {@link MAX_SLICE}). Only how often the loop looks at exit requests and the limit depends
   * on it, never what the guest sees: tests change it to prove that.
   */
  maxSlice = MAX_SLICE;
  /** The plugin each device instance was made from, by device id (set by `createMachine`). */
  devicePlugins: ReadonlyMap<string, string> = new Map();

  constructor(
    @inject(BUS) readonly bus: Bus,
    @inject(CLOCK) readonly clock: VirtualClock,
    @injectAll(DEVICE) readonly devices: Device[],
    @inject(MACHINE_CONFIG) readonly config: MachineConfig,
    @inject(CPU) readonly cpu: Cpu,
    /** The monitor policy that runs the guest (`monitor.policy`): its exits and counters. */
    @inject(MONITOR_POLICY) readonly monitor: MonitorPolicy,
  ) {
    this.processor = monitor;
    cpu.deliveryHook = (vector, kind, cs, eip, errorCode) =>
      this.events.record(clock.instructions, vector, kind, cs, eip, errorCode);
  }

  /** The device with instance id `id`. */
  device<D extends Device = Device>(id: string): D {
    const d = this.devices.find((x) => x.id === id);
    if (!d) throw new ConfigError(`no device '${id}' in this machine (devices: ${this.devices.map((x) => x.id).join(", ")})`);
    return d as D;
  }

  /** Power-on: time back to 0, the CPU at its reset state, every device reset in order. */
  reset(): void {
    this.clock.reset();
    this.cpu.reset();
    this.monitor.reset();
    this.exitRequest = undefined;
    this.resetRequest = undefined;
    this.events.clear();
    for (const d of this.devices) {
      try {
        d.reset();
      } catch (e) {
        throw this.attributed(asDeviceError(e, d.id, "its reset()"));
      }
    }
  }

  /**
   * `e` with the plugin named, when it is a {@link DeviceError}: by its device id, or for a
   * timer (which knows only its label, "pit OUT0" by convention) by the id the label starts with.
   */
  attributed(e: unknown): unknown {
    if (!(e instanceof DeviceError) || e.plugin !== undefined) return e;
    if (e.device !== undefined) return withPlugin(e, this.devicePlugins.get(e.device));
    const label = /'(.*)'/.exec(e.where)?.[1] ?? "";
    const owner = this.devices.find((d) => label === d.id || label.startsWith(`${d.id} `));
    return withPlugin(e, owner && this.devicePlugins.get(owner.id));
  }

  /** What each device claimed on the bus. */
  resources(): OwnerResources[] {
    return this.bus.resources();
  }

  /**
   * Makes {@link run} drive another processor than the machine's monitor policy (a scripted
   * stand-in in tests of the loop).
   */
  setProcessor(processor: Processor): void {
    this.processor = processor;
  }

  /** A device asked to end the run (the exit port). The CPU stops after this instruction. */
  requestExit(status: number, reason: string): void {
    this.exitRequest ??= { status, reason };
    this.processor?.requestStop?.();
  }

  /**
   * The host asks the run to end after the current instruction, with a `stopped` outcome
   * that names `reason` (the CLI does this when its stdout reader goes away). Unlike
   * {@link requestExit} it is not the guest's doing, so it carries no guest status.
   */
  stop(reason: string): void {
    this.stopRequest ??= reason;
    this.processor?.requestStop?.();
  }

  /** Why {@link stop} was called during the current run, if it was. */
  pendingStop(): string | undefined {
    return this.stopRequest;
  }

  /** A device asked for a system reset (see `RunControl.requestReset`). The CPU stops after this instruction. */
  requestReset(reason: string): void {
    this.resetRequest ??= reason;
    this.processor?.requestStop?.();
  }

  /**
   * Carries out a requested reset between instructions. With a ROM at the reset vector (a
   * BIOS) the CPU restarts there and the run goes on; RAM, virtual time and the devices stay
   * as they are, as on a PC, whose reset line goes to the CPU alone (the BIOS reads the CMOS
   * shutdown byte to learn why). The monitor forgets the guest's virtual state with it.
   * Without one, restarting would run whatever the address space holds there, so the run
   * ends with a "reset" outcome instead.
   */
  serviceReset(): RunOutcome | undefined {
    const reason = this.resetRequest;
    if (reason === undefined) return undefined;
    this.resetRequest = undefined;
    if (this.bus.memory.regionAt(RESET_VECTOR)?.kind !== "rom") return { kind: "reset", reason };
    this.cpu.reset();
    this.monitor.reset();
    return undefined;
  }

  /** The exit a device requested, if any. */
  pendingExit(): { status: number; reason: string } | undefined {
    return this.exitRequest;
  }

  /**
   * Runs the guest until it exits, halts for good, shuts down, or retires `limit`
   * instructions in all (default: the config's `maxInstructions`, else no limit).
   */
  run(limit = this.config.maxInstructions ?? Infinity): RunOutcome {
    this.exitRequest = undefined;
    this.stopRequest = undefined;
    try {
      return runLoop(this, this.processor, limit, this.maxSlice);
    } catch (e) {
      throw this.attributed(e);
    } finally {
      // Output a device still holds for the host (a UART's transmitter) is never lost.
      for (const d of this.devices) d.flush?.();
    }
  }

  /** The whole machine state as JSON. */
  saveState(): MachineState {
    const devices: Record<string, JsonValue> = {};
    for (const d of this.devices) devices[d.id] = d.saveState();
    return { clock: this.clock.saveState(), irqLevels: this.bus.irqs.saveLevels(), devices };
  }

  /**
   * Restores {@link saveState} output: the clock first, since devices re-arm timers on it,
   * then the IRQ levels (silently), then the devices.
   */
  loadState(state: MachineState): void {
    if (!state || typeof state !== "object" || !state.devices || typeof state.devices !== "object") {
      throw new ConfigError("machine state: expected { clock, devices }");
    }
    const missing = this.devices.filter((d) => !(d.id in state.devices)).map((d) => d.id);
    const extra = Object.keys(state.devices).filter((id) => !this.devices.some((d) => d.id === id));
    if (missing.length || extra.length) {
      throw new ConfigError(
        `machine state: devices differ from this machine (missing: ${missing.join(", ") || "none"}; unknown: ${extra.join(", ") || "none"})`,
      );
    }
    if (!Array.isArray(state.irqLevels)) throw new ConfigError("machine state: expected irqLevels: number[]");
    this.clock.loadState(state.clock);
    this.bus.irqs.restoreLevels(state.irqLevels);
    for (const d of this.devices) d.loadState(state.devices[d.id]!);
  }
}
