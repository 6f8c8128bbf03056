import { RinglabError } from "../errors.js";

/** Devices per PCI bus segment: IDSEL lines AD[31:11] select device 0..31 (PCI 3.0 §3.2.2.3.5). */
export const PCI_DEVICES_PER_BUS = 32;
/** Functions per device (PCI 3.0 §6.2.1, header type bit 7). */
export const PCI_FUNCTIONS_PER_DEVICE = 8;

/** Where a function sits: bus number, device number (0..31) and function number (0..7). */
export interface PciAddress {
  /** Bus number; ringlab models bus 0 only (there are no PCI-to-PCI bridges). */
  readonly bus: number;
  /**
   * Device number on the bus, 0..31 ({@link PCI_DEVICES_PER_BUS}), in effect the slot: bits
   * 15:11 of a configuration mechanism #1 address (PCI 3.0 §3.2.2.3.2).
   */
  readonly device: number;
  /** Function number within the device, 0..7 ({@link PCI_FUNCTIONS_PER_DEVICE}): bits 10:8 of that address. */
  readonly function: number;
}

/** `00:01.0`: how Linux and lspci print an address on bus 0, in hexadecimal. */
export function formatPciAddress(a: PciAddress): string {
  const h = (n: number) => n.toString(16).padStart(2, "0");
  return `${h(a.bus)}:${h(a.device)}.${a.function}`;
}

/** Throws a {@link RinglabError} unless `a` is a bus-0 device/function address. */
export function checkPciAddress(owner: string, a: PciAddress): void {
  const ok =
    a.bus === 0 &&
    Number.isInteger(a.device) &&
    a.device >= 0 &&
    a.device < PCI_DEVICES_PER_BUS &&
    Number.isInteger(a.function) &&
    a.function >= 0 &&
    a.function < PCI_FUNCTIONS_PER_DEVICE;
  if (!ok) {
    throw new RinglabError(
      "bad-claim",
      `${owner}: PCI address ${a.bus}:${a.device}.${a.function} is not on bus 0 (device 0..31, function 0..7)`,
    );
  }
}
