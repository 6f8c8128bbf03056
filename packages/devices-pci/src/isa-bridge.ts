import { inject, injectable } from "tsyringe";
import {
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type JsonValue,
  PCI_BUS,
  PciBus,
  PciCommand,
  PciFunction,
  PciStatus,
  defineDevicePlugin,
  deviceState,
  z,
} from "@ringlab/sdk";
import { PIRQRC_A, PIRQ_COUNT, PIRQ_DISABLE, PirqRouter } from "./pirq-router.js";

/** The PIIX3's function 0: Intel 82371SB PCI-to-ISA bridge. */
export const PIIX3_VENDOR_ID = 0x8086;
export const PIIX3_DEVICE_ID = 0x7000;
/** Class 06h/01h/00h: bridge device, PCI-to-ISA bridge. */
export const ISA_BRIDGE_CLASS = 0x060100;
/** IORT, ISA I/O recovery timer (reset 4Dh). */
export const IORT = 0x4c;
/** XBCS, X-bus chip select (16 bits, reset 0003h: RTC and keyboard controller decoded). */
export const XBCS = 0x4e;
/** TOM, top of memory (reset 02h). */
export const TOM = 0x69;
/** MBIRQ0, the motherboard device IRQ route (reset 80h, disabled). */
export const MBIRQ0 = 0x70;
/** DLC, deterministic latency control; Linux's PIIX3 quirk sets its passive-release bit 0. */
export const DLC = 0x82;

const options = z
  .object({
    /** The PCI device number of the bridge; 1 on the PC (QEMU's pc and SeaBIOS expect it there). */
    device: z.number().int().min(0).max(31).default(1),
  })
  .strict();

/**
 * Saved state: the bridge's configuration space, whose own state {@link PciFunction.loadState}
 * checks; the PIRQ routes follow from its registers.
 */
const state = deviceState(z.object({ config: z.custom<JsonValue>() }).strict());

/** Validated options of the `piix3` plugin. */
export type Piix3Options = z.output<typeof options>;

/**
 * A PIIX3-class PCI-to-ISA bridge: the 82371SB's function 0 (8086:7000, class 0601, header type
 * 80h — the PIIX3 is a multi-function device, its IDE and USB being functions 1 and 2, which
 * ringlab does not have) and the PCI interrupt router: the PIRQ route control registers
 * PIRQRC[A:D] at 0x60-0x63 (reset 80h; bits 3:0 the IRQ, bit 7 disable) steer PIRQA#-D# to
 * ISA IRQs (see {@link PirqRouter}).
 *
 * Kept as plain registers (82371SB datasheet): PCICMD 0007h (I/O, memory and bus master
 * hard-wired on), PCISTS 0200h (medium DEVSEL), IORT, XBCS, TOM, MBIRQ0 and DLC. The ELCR at
 * 0x4D0/0x4D1 that sets the routed IRQs level-triggered belongs to the 8259 pair's plugin;
 * the reset control register at 0xCF9 and the APM/SMI registers are not modelled.
 */
@injectable()
export class Piix3IsaBridge implements Device {
  /** The bridge's configuration space (00:01.0 by default). */
  readonly fn: PciFunction;
  /** The PIRQ router the PCI bus delivers INTx# to. */
  readonly router: PirqRouter;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: Piix3Options,
    @inject(PCI_BUS) private readonly pci: PciBus,
  ) {
    this.router = new PirqRouter(id);
    this.fn = new PciFunction({
      vendorId: PIIX3_VENDOR_ID,
      deviceId: PIIX3_DEVICE_ID,
      classCode: ISA_BRIDGE_CLASS,
      multiFunction: true,
      command: PciCommand.IO_SPACE | PciCommand.MEMORY_SPACE | PciCommand.BUS_MASTER,
      commandWritable: PciCommand.SERR_ENABLE,
      status: PciStatus.DEVSEL_MEDIUM,
    });
    this.fn.defineRegister(IORT, 1, { value: 0x4d, writable: 0x7f });
    this.fn.defineRegister(XBCS, 2, { value: 0x0003, writable: 0x07ff });
    for (let p = 0; p < PIRQ_COUNT; p++) {
      this.fn.defineRegister(PIRQRC_A + p, 1, { value: PIRQ_DISABLE, writable: 0x8f, onWrite: (v) => this.router.setRoute(p, v) });
    }
    this.fn.defineRegister(TOM, 1, { value: 0x02, writable: 0xff });
    this.fn.defineRegister(MBIRQ0, 1, { value: 0x80, writable: 0xcf });
    this.fn.defineRegister(DLC, 1, { value: 0x00, writable: 0x0f });
  }

  attach(bus: Bus): void {
    this.pci.register(this.id, { bus: 0, device: this.options.device, function: 0 }, this.fn);
    this.pci.setInterruptRouter(this.id, this.router);
    this.router.attach(bus);
  }

  reset(): void {
    this.fn.reset();
    for (let p = 0; p < PIRQ_COUNT; p++) this.router.setRoute(p, this.fn.read(PIRQRC_A + p, 1));
  }

  saveState(): JsonValue {
    return state.save({ config: this.fn.saveState() });
  }

  loadState(json: JsonValue): void {
    this.fn.loadState(state.load(json, `${this.id} state`).config ?? null, `${this.id} state: field 'config'`);
  }
}

/** The `piix3` device plugin: option `device` (1). */
export const piix3Plugin = defineDevicePlugin({
  name: "piix3",
  description: "PIIX3-class PCI-to-ISA bridge at 00:01.0 (8086:7000): PIRQA-D route registers 0x60-0x63 steering PCI interrupts to ISA IRQs",
  options,
  device: Piix3IsaBridge,
});
