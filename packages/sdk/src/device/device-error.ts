import { RinglabError } from "../errors.js";

/**
 * A device's own code threw: its constructor, `attach`, `reset`, an access handler called by
 * the guest's port or MMIO access, or one of its timers. It names the device and where, so
 * that a third-party plugin's bug is reported as that plugin's, never as ringlab's.
 * {@link cause} is what the device threw.
 */
export class DeviceError extends RinglabError {
  /** The device plugin's name, when the machine knows it (filled in as the error passes). */
  plugin: string | undefined;

  constructor(
    /** The device instance id, or undefined when only a timer label is known. */
    readonly device: string | undefined,
    /** Where it threw, as a phrase: "its constructor", "its 8-bit read handler of port 0x0300". */
    readonly where: string,
    /**
     * What the device's code threw, as thrown: usually an `Error` (a `TypeError` from a bug,
     * a `RangeError`), but any value a `throw` can carry.
     */
    override readonly cause: unknown,
  ) {
    super("device", `${device !== undefined ? `device '${device}'` : "a device"}: ${where} threw ${describeThrown(cause)}`);
    this.name = "DeviceError";
  }
}

/** "TypeError: message" for an Error, the value for anything else. */
function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n")[0]}`;
  return typeof e === "string" ? JSON.stringify(e) : String(e);
}

/**
 * What a device's caller rethrows when device code threw `e`: a {@link DeviceError} naming
 * `device` and `where`, except for errors that already say what went wrong (a
 * {@link RinglabError}, such as a resource conflict or a nested DeviceError) and for
 * non-Error objects, which other layers throw as control flow through device code (the
 * CPU's faults, when a handler's side effect faults the guest).
 */
export function asDeviceError(e: unknown, device: string | undefined, where: string): unknown {
  if (e instanceof RinglabError) return e;
  if (typeof e === "object" && e !== null && !(e instanceof Error)) return e;
  return new DeviceError(device, where, e);
}
