import type { AccessWidth } from "../access.js";
import { ALL_ONES } from "../access.js";
import type { Bus } from "../bus.js";
import { ResourceConflictError } from "../errors.js";
import { type PciAddress, checkPciAddress, formatPciAddress, PCI_FUNCTIONS_PER_DEVICE } from "./pci-address.js";
import type { PciFunction, PciFunctionHost } from "./pci-function.js";

/**
 * Who turns the functions' INTx# pins into interrupt requests: on a PC the ISA bridge, whose
 * PIRQ route registers steer the board's four PCI interrupt lines to 8259 inputs.
 */
export interface PciInterruptRouter {
  /** The function at `address` drives its pin `pin` (1 = INTA# .. 4 = INTD#) to `asserted`. */
  pciIntxChanged(address: PciAddress, pin: number, asserted: boolean): void;
}

/** One registered function with its owner. */
export interface PciSlot {
  /** The device id that registered it: the owner of its BARs' port claims and MMIO regions. */
  readonly owner: string;
  /** Where it sits: always bus 0. */
  readonly address: PciAddress;
  /** The function itself. */
  readonly fn: PciFunction;
}

/**
 * The machine's PCI bus 0 (inject it with `@inject(PCI_BUS)`): the functions device plugins
 * register at device/function numbers, the configuration accesses a host bridge's
 * configuration mechanism forwards to them, and the INTx# wiring to the interrupt router.
 *
 * A configuration read of an address with no function returns all-ones — vendor ID 0xFFFF,
 * "nothing there", what a master abort returns on a host bridge (PCI 3.0 §6.1) — and a write
 * there is dropped. Only bus 0 exists: there are no PCI-to-PCI bridges.
 *
 * ```ts
 * const fn = new PciFunction({ vendorId: 0x8086, deviceId: 0x7010, classCode: 0x010180,
 *   bars: [undefined, undefined, undefined, undefined, { kind: "io", size: 16, handlers }] });
 * pci.register(this.id, { bus: 0, device: 1, function: 1 }, fn);
 * ```
 */
export class PciBus implements PciFunctionHost {
  private readonly slots = new Map<number, PciSlot>();
  private router: { owner: string; router: PciInterruptRouter } | undefined;

  /** An empty PCI bus 0 whose functions' BARs map on `bus`. */
  constructor(
    /** The machine bus the functions' BARs are mapped on (ports and memory) when they decode. */
    readonly bus: Bus,
  ) {}

  /**
   * Registers `fn` at `address` for `owner` (a device id). Throws {@link ResourceConflictError}
   * naming both owners when the address is taken, and a RinglabError for an address off bus 0.
   */
  register(owner: string, address: PciAddress, fn: PciFunction): void {
    checkPciAddress(owner, address);
    const key = slotKey(address.device, address.function);
    const other = this.slots.get(key);
    if (other) throw new ResourceConflictError(`PCI ${formatPciAddress(address)} is claimed by both '${other.owner}' and '${owner}'`, { owners: [other.owner, owner] });
    const where = { bus: 0, device: address.device, function: address.function };
    this.slots.set(key, { owner, address: where, fn });
    fn.attach(this.bus, this, owner, where);
  }

  /** The function at `device`.`function` of bus 0, if any. */
  functionAt(address: PciAddress): PciFunction | undefined {
    return address.bus === 0 ? this.slots.get(slotKey(address.device, address.function))?.fn : undefined;
  }

  /** Every registered function, by device then function number. */
  functions(): PciSlot[] {
    return [...this.slots.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
  }

  /** A configuration read: the function's register, or all-ones when no function answers. */
  readConfig(address: PciAddress, offset: number, width: AccessWidth): number {
    const fn = this.functionAt(address);
    return fn ? fn.read(offset, width) : ALL_ONES[width];
  }

  /** A configuration write; dropped when no function answers. */
  writeConfig(address: PciAddress, offset: number, width: AccessWidth, value: number): void {
    this.functionAt(address)?.write(offset, width, value);
  }

  /**
   * Connects the interrupt router (one per bus); the pins already asserted are replayed to
   * it, so the order in which devices attach does not matter.
   */
  setInterruptRouter(owner: string, router: PciInterruptRouter): void {
    if (this.router) throw new ResourceConflictError(`the PCI interrupt router is claimed by both '${this.router.owner}' and '${owner}'`);
    this.router = { owner, router };
    for (const s of this.functions()) {
      if (s.fn.intxAsserted) router.pciIntxChanged(s.address, s.fn.read(0x3d, 1), true);
    }
  }

  /** From the functions: a pin changed level. Without a router it goes nowhere (no wire). */
  intxChanged(address: PciAddress, pin: number, asserted: boolean): void {
    this.router?.router.pciIntxChanged(address, pin, asserted);
  }
}

function slotKey(device: number, fn: number): number {
  return device * PCI_FUNCTIONS_PER_DEVICE + fn;
}
