import { CPU_STATE_VERSION } from "@ringlab/cpu";
import { ConfigError, type JsonValue, type StateObject, StateReader } from "@ringlab/sdk";
import type { Machine } from "./machine.js";

/** Version of {@link MachineSnapshot.state}'s own layout (the parts besides the CPU, devices and policy). */
export const MACHINE_STATE_VERSION = 1;

/**
 * A whole machine between two instructions: everything a run depends on from there on.
 * `state` is plain JSON; the large byte arrays travel beside it in `blobs` (RAM first, then
 * the bytes of each loader-mapped ROM, which `state.roms` indexes), so a file format can
 * compress them without turning them into text.
 */
export interface MachineSnapshot {
  state: StateObject;
  blobs: Uint8Array[];
}

/** What a snapshot needs the restoring build to have: schema versions by part and device. */
export interface StateSchemas {
  machine: number;
  cpu: number;
  /** The monitor policy by name (its state's shape is its own). */
  policy: string;
  /** By device id: the plugin it was made from and its state-schema version. */
  devices: Record<string, { plugin: string; version: number }>;
}

/** The schema versions this build writes for `machine` (what a snapshot's header records). */
export function stateSchemas(machine: Machine): StateSchemas {
  const devices: StateSchemas["devices"] = {};
  for (const d of machine.devices) devices[d.id] = { plugin: machine.devicePlugins.get(d.id) ?? d.id, version: d.stateVersion ?? 1 };
  return { machine: MACHINE_STATE_VERSION, cpu: CPU_STATE_VERSION, policy: machine.monitor.name, devices };
}

/**
 * Names the first difference between the schemas a snapshot was written with and this
 * build's, as one phrase ("device 'pit' state schema 2, this build reads 1"), or undefined.
 */
export function schemaDifference(saved: StateSchemas, here: StateSchemas): string | undefined {
  if (saved.machine !== here.machine) return `machine state schema ${saved.machine}, this build reads ${here.machine}`;
  if (saved.cpu !== here.cpu) return `CPU state schema ${saved.cpu}, this build reads ${here.cpu}`;
  if (saved.policy !== here.policy) return `monitor policy '${saved.policy}', this machine runs '${here.policy}'`;
  const ids = Object.keys(saved.devices);
  const missing = Object.keys(here.devices).filter((id) => !(id in saved.devices));
  const extra = ids.filter((id) => !(id in here.devices));
  if (missing.length || extra.length) {
    return `devices differ (in the snapshot only: ${extra.join(", ") || "none"}; in this machine only: ${missing.join(", ") || "none"})`;
  }
  for (const id of ids) {
    const a = saved.devices[id]!;
    const b = here.devices[id]!;
    if (a.plugin !== b.plugin) return `device '${id}' is plugin '${a.plugin}' in the snapshot, '${b.plugin}' here`;
    if (a.version !== b.version) return `device '${id}' (${a.plugin}) state schema ${a.version}, this build reads ${b.version}`;
  }
  return undefined;
}

/** Loader ROMs (`--rom`, `roms`): mapped after the machine was built, so a snapshot re-maps them. */
const LOADER_ROM = /^rom:/;

/**
 * Saves `machine` whole, between runs: RAM, the loader-mapped ROMs, the clock and its
 * deadline, the IRQ line levels, every device, the CPU, the monitor policy's state, the
 * event log and the bus's access counters (what `--stats` reports). Throws a `ConfigError`
 * when the policy cannot be saved.
 */
export function saveMachine(machine: Machine): MachineSnapshot {
  const policy = machine.monitor;
  if (!policy.saveState) {
    throw new ConfigError(`snapshots of the '${policy.name}' monitor policy are not supported (it has no saveState)`);
  }
  const blobs: Uint8Array[] = [machine.bus.memory.ram8];
  const roms: JsonValue[] = [];
  for (const r of machine.bus.memory.regions()) {
    if (!LOADER_ROM.test(r.owner)) continue;
    if (r.kind === "rom") {
      roms.push({ owner: r.owner, kind: "rom", base: r.base, size: r.size, blob: blobs.length });
      blobs.push(r.bytes!);
    } else if (r.kind === "ram") {
      // A BIOS shadowed in RAM (mapRomImage): its bytes are in the RAM blob.
      roms.push({ owner: r.owner, kind: "ram", base: r.base, size: r.size });
    }
  }
  const ev = machine.events.toTransfer();
  const base = machine.saveState();
  return {
    state: {
      version: MACHINE_STATE_VERSION,
      clock: base.clock,
      irqLevels: base.irqLevels,
      devices: base.devices,
      cpu: machine.cpu.saveState(),
      monitor: policy.saveState(),
      events: { retired: Array.from(ev.retired), packed: Array.from(ev.packed), eips: Array.from(ev.eips), errors: Array.from(ev.errors) },
      memoryCounters: { ...machine.bus.memory.stats(), lastUnmappedAddress: machine.bus.memory.stats().lastUnmappedAddress ?? null },
      unclaimedPorts: machine.bus.ports.unclaimedAccesses().map((u) => ({ port: u.port, reads: u.reads, writes: u.writes })),
      roms,
    },
    blobs,
  };
}

/**
 * Restores {@link saveMachine}'s output into a machine built from the same configuration
 * (the caller checks that with {@link schemaDifference} first). Order matters: RAM and
 * ROMs, then the clock (devices re-arm their timers on it), the IRQ levels, the devices, and
 * the CPU last, so that whatever a device's restore changes under it (the A20 gate) is
 * followed by the CPU's own rebuild of its caches. Throws a `ConfigError` naming the first
 * field that is not what a snapshot holds.
 */
export function restoreMachine(machine: Machine, snap: MachineSnapshot): void {
  const r = new StateReader("machine state");
  const s = r.object(snap.state);
  const version = r.int(s, "version", 0, Number.MAX_SAFE_INTEGER);
  if (version !== MACHINE_STATE_VERSION) throw new ConfigError(`machine state: schema version ${version}, this build reads ${MACHINE_STATE_VERSION}`);
  const memory = machine.bus.memory;
  const ram = snap.blobs[0];
  if (!ram || ram.length !== memory.ram8.length) {
    throw new ConfigError(`machine state: RAM is ${ram?.length ?? 0} bytes, this machine has ${memory.ram8.length}`);
  }
  const roms = s["roms"];
  if (!Array.isArray(roms)) throw new ConfigError("machine state: field 'roms': expected an array");
  const romMaps = roms.map((x, i) => {
    const o = r.object(x, `roms.${i}`);
    const owner = o["owner"];
    if (typeof owner !== "string" || !LOADER_ROM.test(owner)) throw new ConfigError(`machine state: field 'roms.${i}.owner': expected rom:NAME`);
    const kind = r.choice(o, "kind", ["rom", "ram"] as const);
    const base = r.int(o, "base", 0, 0xffffffff);
    const size = r.int(o, "size", 1, 0x1_0000_0000 - base);
    const bytes = kind === "rom" ? snap.blobs[r.int(o, "blob", 1, snap.blobs.length - 1)] : undefined;
    if (bytes && bytes.length !== size) throw new ConfigError(`machine state: field 'roms.${i}': ${bytes.length} bytes for a ROM of ${size}`);
    return { owner, kind, base, size, bytes };
  });
  const ev = r.object(s["events"], "events");
  const n = Array.isArray(ev["retired"]) ? ev["retired"].length : -1;
  const retired = r.ints(ev, "retired", n, 0, Number.MAX_SAFE_INTEGER);
  const packed = r.ints(ev, "packed", n, 0, Number.MAX_SAFE_INTEGER);
  const eips = r.ints(ev, "eips", n, 0, 0xffffffff);
  const errors = r.ints(ev, "errors", n, -0x8000_0000, 0x7fff_ffff);
  if ([packed, eips, errors].some((a) => a.length !== n)) throw new ConfigError("machine state: field 'events': arrays of different lengths");
  const mc = r.object(s["memoryCounters"], "memoryCounters");
  const last = mc["lastUnmappedAddress"];
  const counters = {
    unmappedReads: r.int(mc, "unmappedReads", 0, Number.MAX_SAFE_INTEGER),
    unmappedWrites: r.int(mc, "unmappedWrites", 0, Number.MAX_SAFE_INTEGER),
    romWrites: r.int(mc, "romWrites", 0, Number.MAX_SAFE_INTEGER),
    lastUnmappedAddress: typeof last === "number" ? last : undefined,
  };
  const portsIn = s["unclaimedPorts"];
  if (!Array.isArray(portsIn)) throw new ConfigError("machine state: field 'unclaimedPorts': expected an array");
  const ports = portsIn.map((x, i) => {
    const o = r.object(x, `unclaimedPorts.${i}`);
    return { port: r.int(o, "port", 0, 0xffff), reads: r.int(o, "reads", 0, Number.MAX_SAFE_INTEGER), writes: r.int(o, "writes", 0, Number.MAX_SAFE_INTEGER) };
  });
  const policy = machine.monitor;
  if (!policy.loadState) throw new ConfigError(`snapshots of the '${policy.name}' monitor policy are not supported (it has no saveState)`);

  memory.ram8.set(ram);
  for (const m of romMaps) {
    // Already there (the caller mapped the same ROMs): nothing to do; else map it as saved.
    if (memory.regions().some((x) => x.owner === m.owner && x.base === m.base && x.size === m.size)) continue;
    if (m.kind === "rom") memory.mapRom(m.owner, m.base, m.bytes!.slice());
    else memory.mapRam(m.owner, m.base, m.size);
  }
  machine.loadState({ clock: s["clock"] ?? null, irqLevels: s["irqLevels"] as number[], devices: s["devices"] as Record<string, JsonValue> });
  policy.loadState(s["monitor"] ?? null);
  machine.cpu.loadState(s["cpu"] ?? null);
  machine.events.restore(retired, packed, eips, errors);
  memory.restoreCounters(counters);
  machine.bus.ports.restoreUnclaimed(ports);
}
