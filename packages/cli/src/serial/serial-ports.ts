import { COM_PORTS, type Uart } from "@ringlab/devices-uart";
import type { Machine, MachineConfig } from "@ringlab/machine";
import { UserError } from "../user-error.js";
import { openSerialBackend, type SerialSpec } from "./serial-spec.js";
import type { TerminalInput } from "./terminal-input.js";

type DeviceList = MachineConfig["devices"];

/** The id and port of each `uart` entry of a device list. */
function uartEntries(devices: DeviceList): { id: string; port: number }[] {
  const out: { id: string; port: number }[] = [];
  for (const d of devices) {
    const entry = typeof d === "string" ? { plugin: d, id: undefined, options: {} as Record<string, unknown> } : d;
    if (entry.plugin !== "uart") continue;
    const port = typeof entry.options?.port === "number" ? entry.options.port : COM_PORTS[0]!.port;
    out.push({ id: entry.id ?? "uart", port });
  }
  return out;
}

/** True when the device list has a `uart` at the port of COM`index + 1`. */
export function hasComPort(devices: DeviceList, index: number): boolean {
  return uartEntries(devices).some((u) => u.port === COM_PORTS[index]?.port);
}

/**
 * The device list with a `uart` for each of the first `count` COM ports (COM1, COM2, ... in
 * `--serial` order, as QEMU assigns `-serial`), adding those the machine lacks, and the
 * device id serving each port.
 */
export function withComPorts(devices: DeviceList, count: number, where: string): { devices: DeviceList; ids: string[] } {
  if (count > COM_PORTS.length) throw new UserError(`${where}: a PC has ${COM_PORTS.length} COM ports, got ${count} serial back ends`);
  const list = [...devices];
  const present = uartEntries(list);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const com = COM_PORTS[i]!;
    const found = present.find((u) => u.port === com.port);
    if (found) {
      ids.push(found.id);
      continue;
    }
    const id = com.name.toLowerCase();
    list.push({ plugin: "uart", id, options: { port: com.port } });
    ids.push(id);
  }
  return { devices: list, ids };
}

/**
 * Connects each COM port's host back end; returns what closes them, to call once the run has
 * ended and the machine has flushed its devices. The first `stdio` port gets the terminal's
 * keys, if a `terminal` is given (QEMU gives stdin to its `-serial stdio` port the same way).
 */
export function connectComPorts(
  machine: Machine,
  ids: readonly string[],
  specs: readonly SerialSpec[],
  stdout: (bytes: Uint8Array) => void,
  where: string,
  terminal?: TerminalInput,
): () => void {
  const closers: (() => void)[] = [];
  const keysTo = specs.findIndex((s) => s.kind === "stdio");
  specs.forEach((spec, i) => {
    const opened = openSerialBackend(spec, stdout, where, i === keysTo ? terminal : undefined);
    machine.device<Uart>(ids[i]!).setBackend(opened.backend);
    closers.push(opened.close);
  });
  return () => {
    for (const c of closers) c();
  };
}
