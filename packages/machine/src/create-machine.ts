import "reflect-metadata";
import {
  asDeviceError,
  type Device,
  A20_GATE,
  A20GateInputs,
  BUS,
  Bus,
  CLOCK,
  CONSOLE,
  ConfigError,
  type ConsoleSink,
  DEVICE,
  DEVICE_ID,
  DEVICE_OPTIONS,
  MACHINE_CONFIG,
  MONITOR_POLICY,
  PCI_BUS,
  PciBus,
  RUN_CONTROL,
  type RunControl,
  FPU_ERROR,
  type FpuErrorSignal,
  VirtualClock,
  ResourceConflictError,
  formatRange,
  parseDeviceOptions,
} from "@ringlab/sdk";
import { Cpu, findCpuModel } from "@ringlab/cpu";
import { type MonitorPolicy, type PolicyRegistry, builtinPolicies, parsePolicyOptions } from "@ringlab/monitor";
import { type DependencyContainer, container as rootContainer } from "tsyringe";
import type { DeviceRegistry } from "./device-registry.js";
import { Machine, withPlugin } from "./machine.js";
import { CPU } from "./processor.js";
import {
  type MachineConfig,
  type MachineConfigInput,
  deviceEntries,
  memoryLayoutOf,
  parseMachineConfig,
} from "./machine-config.js";


/** What the front end provides to a machine. */
export interface MachineHost {
  /** Where the debug console's bytes go. Default: collected in {@link CollectingConsole}. */
  console?: ConsoleSink;
  /** Where the configuration came from (a file name), to name it in messages. */
  configSource?: string;
  /** The policies `monitor.policy` may name. Default: the built-in ones (`builtinPolicies()`). */
  policies?: PolicyRegistry;
}

/** A console sink that keeps what the guest wrote, for tests and browser front ends. */
export class CollectingConsole implements ConsoleSink {
  private chunks: Uint8Array[] = [];

  write(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
  }

  /** Forgets what was written (a harness reusing one machine for many runs). */
  clear(): void {
    this.chunks = [];
  }

  /** All bytes written so far, decoded as Latin-1 (the debug console is a byte stream). */
  text(): string {
    let out = "";
    for (const c of this.chunks) for (let i = 0; i < c.length; i++) out += String.fromCharCode(c[i]!);
    return out;
  }
}

/**
 * Builds a {@link Machine} from a configuration: a fresh child container of its own holds
 * the bus, the clock and the devices, so machines share no state. Devices are constructed
 * by DI with their validated options, attached in configuration order, then reset.
 * Uses no Node-only API, so a browser front end can call it too.
 */
export function createMachine(
  configInput: MachineConfigInput | MachineConfig,
  registry: DeviceRegistry,
  host: MachineHost = {},
): Machine {
  const config = parseMachineConfig(configInput);
  const c: DependencyContainer = rootContainer.createChildContainer();

  // RAM is identity-mapped into one buffer as big as the top of RAM (see MemoryLayout);
  // reserved regions and gaps stay unmapped, so they read all-ones until a device maps them.
  const layout = memoryLayoutOf(config);
  const bus = new Bus({ ramSize: layout.topOfRam });
  for (const [start, end] of layout.ramRuns) bus.memory.mapRam("ram", start, end - start);
  const clock = new VirtualClock(config.clock);
  // The schema admits only listed model names.
  const cpu = new Cpu(bus, clock, findCpuModel(config.cpu.model)!);
  cpu.setEngine(config.cpu.engine, config.cpu.jitThreshold);

  // The machine answers devices' run-control requests; it exists only after the devices, so
  // they get a forwarder bound to it below.
  let machine: Machine | undefined;
  const runControl: RunControl = {
    requestExit: (status, reason) => machine?.requestExit(status, reason),
    requestReset: (reason) => machine?.requestReset(reason),
  };

  c.register(BUS, { useValue: bus });
  c.register(CLOCK, { useValue: clock });
  c.register(CPU, { useValue: cpu });
  // The policy installs its hooks on the CPU and drives it for the machine loop.
  c.register(MONITOR_POLICY, { useValue: attachPolicy(config, cpu, host) });
  c.register(MACHINE_CONFIG, { useValue: config });
  c.register(CONSOLE, { useValue: host.console ?? new CollectingConsole() });
  c.register(RUN_CONTROL, { useValue: runControl });
  c.register(FPU_ERROR, { useValue: fpuErrorSignal(cpu) });
  // The keyboard controller and port 0x92 drive it; open until one closes it.
  c.register(A20_GATE, { useValue: new A20GateInputs(bus.memory) });
  // PCI bus 0: the host bridge reaches it, PCI device plugins register functions on it.
  c.register(PCI_BUS, { useValue: new PciBus(bus) });

  const ids = new Set<string>();
  const pluginOf = new Map<string, string>();
  deviceEntries(config).forEach((entry, i) => {
    const where = `devices[${i}]`;
    const plugin = registry.get(entry.plugin, where);
    const id = entry.id ?? plugin.name;
    if (ids.has(id)) throw new ConfigError(`${where}: device id '${id}' is used twice (give one an 'id')`);
    ids.add(id);
    // From a config file, a bad option is named by the file and the entry's key as well.
    const optionsWhere = host.configSource !== undefined ? `${host.configSource}: key 'devices.${i}' (device '${id}')` : `device '${id}'`;
    const options = parseDeviceOptions(plugin, entry.options, optionsWhere);
    const child = c.createChildContainer();
    child.register(DEVICE_ID, { useValue: id });
    child.register(DEVICE_OPTIONS, { useValue: options });
    let device: Device;
    try {
      device = child.resolve(plugin.device);
    } catch (e) {
      throw withPlugin(asDeviceError(e, id, "its constructor"), plugin.name);
    }
    pluginOf.set(id, plugin.name);
    c.register(DEVICE, { useValue: device });
  });
  if (ids.size === 0) {
    // @injectAll fails on an unregistered token; a machine with no devices is still valid.
    machine = new Machine(bus, clock, [], config, cpu, c.resolve(MONITOR_POLICY) as MonitorPolicy);
  } else {
    machine = c.resolve(Machine);
  }
  machine.devicePlugins = pluginOf;
  for (const d of machine.devices) {
    try {
      d.attach(bus);
    } catch (e) {
      if (e instanceof ResourceConflictError) throw layoutConflict(e, d.id, host.configSource) ?? e;
      throw withPlugin(asDeviceError(e, d.id, "its attach()"), pluginOf.get(d.id));
    }
  }
  machine.reset();
  return machine;
}

/**
 * A device mapping memory over the layout's RAM (a `vga` whose window 0xA0000-0xBFFFF a RAM
 * region covers) is a mistake in `memory.layout`, not in the device: named as the key of
 * the configuration it came from, with the ranges involved. Other conflicts stay as they are.
 */
function layoutConflict(e: ResourceConflictError, device: string, source: string | undefined): ConfigError | undefined {
  const m = e.details.memory;
  if (!m || m.existing.owner !== "ram" || m.refused.owner === "ram") return undefined;
  const ram = formatRange(m.existing.base, m.existing.base + m.existing.size);
  const window = formatRange(m.refused.base, m.refused.base + m.refused.size);
  const kind = m.refused.kind === "mmio" ? "MMIO" : m.refused.kind.toUpperCase();
  return new ConfigError(
    `${source ?? "config"}: key 'memory.layout': RAM ${ram} covers ${window}, the ${kind} of device '${device}': ` +
      `expected that range outside RAM (a region of kind "reserved", as a PC's 0xA0000..0xFFFFF)`,
  );
}

/** The CPU's FERR# hook fanned out to the devices that listen (the PC's IRQ 13 latch). */
function fpuErrorSignal(cpu: Cpu): FpuErrorSignal {
  const listeners: (() => void)[] = [];
  return {
    onAssert(listener) {
      listeners.push(listener);
      cpu.ferrHook = () => {
        for (const l of listeners) l();
      };
    },
  };
}

/**
 * The policy `monitor.policy` names, built with `monitor.options` and attached to `cpu`.
 * An unknown name or a bad option is one ConfigError naming the key (and the file, when
 * the configuration came from one).
 */
function attachPolicy(config: MachineConfig, cpu: Cpu, host: MachineHost): MonitorPolicy {
  const key = (k: string) => (host.configSource !== undefined ? `${host.configSource}: key '${k}'` : k);
  const definition = (host.policies ?? builtinPolicies()).get(config.monitor.policy, key("monitor.policy"));
  const options = parsePolicyOptions(definition, config.monitor.options, key("monitor.options"));
  return definition.create(cpu, options, { patch: config.monitor.patch });
}
