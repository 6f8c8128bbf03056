import { inject, injectable } from "tsyringe";
import {
  type Bus,
  DEVICE_ID,
  type Device,
  type JsonValue,
  PCI_BUS,
  PciBus,
  PciCommand,
  PciFunction,
  PciStatus,
  defineDevicePlugin,
  deviceState,
  stateInt,
  z,
} from "@ringlab/sdk";
import { ConfigMechanism1 } from "./config-mechanism-1.js";

/** The i440FX's PCI identity: Intel 82441FX PCI and Memory Controller (PMC). */
export const I440FX_VENDOR_ID = 0x8086;
export const I440FX_DEVICE_ID = 0x1237;
/** Revision 02h, what QEMU's i440FX reports and Linux prints. */
export const I440FX_REVISION = 0x02;
/** Class 06h/00h/00h: bridge device, host bridge. */
export const HOST_BRIDGE_CLASS = 0x060000;

/** PAM0 (0x59) .. PAM6 (0x5F): the Programmable Attribute Map registers. */
export const PAM0 = 0x59;
export const PAM_COUNT = 7;
/** SMRAM, the System Management RAM control register. */
export const SMRAM = 0x72;
/** DRB0 (0x60) .. DRB7 (0x67): DRAM row boundaries in 8 MiB units. */
export const DRB0 = 0x60;

const options = z.object({}).strict();

/**
 * Saved state: the CONFIG_ADDRESS register and the PMC's configuration space, whose own
 * state {@link PciFunction.loadState} checks (base64 of 256 bytes and the INTx# level).
 */
const state = deviceState(z.object({ address: stateInt(0, 0xffff_ffff), config: z.custom<JsonValue>() }).strict());

/**
 * An i440FX-class host bridge: the 82441FX PMC as function 00:00.0 (8086:1237, rev 02, class
 * 0600) and the PCI configuration mechanism #1 at 0xCF8/0xCFC through which the CPU reaches
 * every function on the {@link PciBus}.
 *
 * Registers kept (82441FX datasheet): PCICMD resets to 0006h (memory access and bus master
 * hard-wired on: the bridge always forwards the CPU's cycles) with SERR# and parity response
 * writable, PCISTS 0280h (fast back-to-back, medium DEVSEL); PAM0-PAM6 (0x59-0x5F: read and
 * write enables for the 0xC0000-0xFFFFF segments, PAM0 bits 5:4 for the 64 KiB BIOS area, the
 * others two 16 KiB segments each, nibble bits 1:0), DRB0-DRB7 (0x60-0x67, reset 01h) and
 * SMRAM (0x72, reset 02h: C_BASE_SEG hard-wired to 010b, 0xA0000).
 *
 * Not modelled: the PAM registers and SMRAM are stored and read back, but do not move the
 * 0xC0000-0xFFFFF or 0xA0000-0xBFFFF ranges between ROM, RAM and the PCI bus — the memory
 * map there is what the machine built (the option ROMs and BIOS read-only, as with every PAM
 * at its reset value 00h, "DRAM disabled, cycles go to PCI"). Firmware that shadows itself
 * into RAM through PAM (SeaBIOS on QEMU's pc machine) needs that modelled first; SMRAM's
 * D_LCK lock is not enforced. The DRAM controller and error registers read 0.
 */
@injectable()
export class I440fxHostBridge implements Device {
  /** The PMC's configuration space (00:00.0). */
  readonly fn: PciFunction;
  /** The configuration mechanism the CPU reaches the bus through. */
  readonly mechanism: ConfigMechanism1;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(PCI_BUS) private readonly pci: PciBus,
  ) {
    this.fn = new PciFunction({
      vendorId: I440FX_VENDOR_ID,
      deviceId: I440FX_DEVICE_ID,
      revision: I440FX_REVISION,
      classCode: HOST_BRIDGE_CLASS,
      command: PciCommand.MEMORY_SPACE | PciCommand.BUS_MASTER,
      commandWritable: PciCommand.SERR_ENABLE | PciCommand.PARITY_ERROR_RESPONSE,
      status: PciStatus.FAST_BACK_TO_BACK | PciStatus.DEVSEL_MEDIUM,
    });
    // PAM0 has only the BIOS-area nibble (bits 5:4); the others have two segments.
    this.fn.defineRegister(PAM0, 1, { value: 0, writable: 0x30 });
    for (let i = 1; i < PAM_COUNT; i++) this.fn.defineRegister(PAM0 + i, 1, { value: 0, writable: 0x33 });
    for (let i = 0; i < 8; i++) this.fn.defineRegister(DRB0 + i, 1, { value: 0x01, writable: 0xff });
    // SMRAM: D_OPEN (6), D_CLS (5), D_LCK (4), G_SMRAME (3) writable; C_BASE_SEG (2:0) = 010b.
    this.fn.defineRegister(SMRAM, 1, { value: 0x02, writable: 0x78 });
    this.mechanism = new ConfigMechanism1(id, pci);
  }

  attach(bus: Bus): void {
    this.mechanism.attach(bus);
    this.pci.register(this.id, { bus: 0, device: 0, function: 0 }, this.fn);
  }

  /** The attribute nibbles of PAM0..PAM6 as stored (bit 0 read enable, bit 1 write enable). */
  pam(): number[] {
    return Array.from({ length: PAM_COUNT }, (_, i) => this.fn.read(PAM0 + i, 1));
  }

  reset(): void {
    this.mechanism.reset();
    this.fn.reset();
  }

  saveState(): JsonValue {
    return state.save({ address: this.mechanism.address, config: this.fn.saveState() });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, `${this.id} state`);
    this.fn.loadState(s.config ?? null, `${this.id} state: field 'config'`);
    this.mechanism.address = s.address;
  }
}

/** The `i440fx` device plugin: no options. */
export const i440fxPlugin = defineDevicePlugin({
  name: "i440fx",
  description: "i440FX-class PCI host bridge: configuration mechanism #1 at 0xCF8/0xCFC and the 82441FX at 00:00.0 (8086:1237); PAM/SMRAM stored, not remapping",
  options,
  device: I440fxHostBridge,
});
