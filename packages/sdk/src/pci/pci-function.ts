import type { AccessWidth } from "../access.js";
import { ALL_ONES, hex } from "../access.js";
import { decodeBase64, encodeBase64 } from "../base64.js";
import type { Bus } from "../bus.js";
import { StateReader } from "../device/state-reader.js";
import { ResourceConflictError, RinglabError } from "../errors.js";
import type { JsonValue } from "../json.js";
import type { PciAddress } from "./pci-address.js";
import { type PciBarSpec, barDecodeBase, barMasks } from "./pci-bar.js";
import { PCI_BAR_COUNT, PCI_CONFIG_SPACE_SIZE, PciCommand, PciConfig, PciStatus } from "./pci-config-registers.js";

/** The identity and resources of a PCI function, from which its type-0 header is built. */
export interface PciFunctionSpec {
  /** Vendor ID, e.g. 0x8086 (Intel). */
  readonly vendorId: number;
  /** Device ID, e.g. 0x1237 (82441FX). */
  readonly deviceId: number;
  /** Revision ID; default 0. */
  readonly revision?: number;
  /** The 24-bit class code: base class << 16 | sub-class << 8 | programming interface. */
  readonly classCode: number;
  /** Sets header type bit 7: this device has functions other than 0 (PCI 3.0 §6.2.1). */
  readonly multiFunction?: boolean;
  /**
   * Subsystem vendor ID (offset 0x2C, read-only): the vendor of the board or system the
   * function is built into, from the same PCI-SIG list as vendor IDs (PCI 3.0 §6.2.4).
   * Default 0.
   */
  readonly subsystemVendorId?: number;
  /** Subsystem ID (offset 0x2E, read-only): that vendor's number for the board (PCI 3.0 §6.2.4). Default 0. */
  readonly subsystemId?: number;
  /** The interrupt pin: 0 none (default), 1..4 for INTA#..INTD#. */
  readonly interruptPin?: 0 | 1 | 2 | 3 | 4;
  /** Up to six BARs; an `undefined` entry is an unimplemented BAR (reads 0, ignores writes). */
  readonly bars?: readonly (PciBarSpec | undefined)[];
  /**
   * Command register bits software may write. Default: I/O and memory space, bus master,
   * parity error response, SERR# enable and interrupt disable — the rest are hard-wired 0.
   */
  readonly commandWritable?: number;
  /** The command register's reset value (bits a function hard-wires to 1 go here). Default 0. */
  readonly command?: number;
  /**
   * The status register's reset value: its read-only capability bits, e.g.
   * {@link PciStatus.DEVSEL_MEDIUM} (DEVSEL# timing, PCI 3.0 §6.2.3). Default 0. Status bit 3
   * is the function's own (it follows {@link PciFunction.setIntx}).
   */
  readonly status?: number;
}

/** A device-specific register in the configuration space (offsets 0x40..0xFF, or header fields). */
export interface PciRegisterSpec {
  /** The reset value. */
  readonly value: number;
  /** The bits software may write; default none (read-only). */
  readonly writable?: number;
  /**
   * Called after a guest write touched the register (or a state load set it), with its new
   * value: what a chipset register does when programmed (e.g. route an interrupt).
   */
  readonly onWrite?: (value: number) => void;
}

const DEFAULT_COMMAND_WRITABLE =
  PciCommand.IO_SPACE |
  PciCommand.MEMORY_SPACE |
  PciCommand.BUS_MASTER |
  PciCommand.PARITY_ERROR_RESPONSE |
  PciCommand.SERR_ENABLE |
  PciCommand.INTX_DISABLE;

interface Register {
  offset: number;
  width: AccessWidth;
  onWrite?: (value: number) => void;
}

/** Where a registered function reports its INTx# level; implemented by {@link PciBus}. */
export interface PciFunctionHost {
  /** The function at `address` now drives its pin `pin` (1..4) to `asserted`. */
  intxChanged(address: PciAddress, pin: number, asserted: boolean): void;
}

/**
 * One PCI function's 256-byte configuration space with a type-0 header (PCI 3.0 §6.1): what
 * a device plugin builds, fills with its own registers ({@link defineRegister}) and registers
 * on the {@link PciBus} at a bus/device/function address.
 *
 * It enforces which bits are writable byte by byte: the IDs, class code, header type and
 * interrupt pin are read-only; the status error bits are write-1-to-clear; the BARs keep their
 * low address bits and type bits hard-wired so that all-ones sizing works; unimplemented BARs
 * and the expansion ROM BAR read 0. When the guest programs a BAR or flips the command
 * register's I/O or memory enable, the BAR's handlers are mapped or unmapped and its
 * `onDecode` is told. {@link setIntx} drives the function's INTx# pin, gated by the command
 * register's interrupt-disable bit and shown in status bit 3.
 *
 * The owning device calls {@link reset} from its own `reset` and stores
 * {@link saveState}'s value in its own state.
 */
export class PciFunction {
  /** The configuration space as the guest reads it. */
  readonly bytes = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  private readonly resetBytes = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  /** Per byte, the bits a write may change. */
  private readonly writable = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  /** Per byte, the bits a written 1 clears. */
  private readonly writeOneToClear = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  private readonly registers: Register[] = [];
  private readonly bars: (PciBarSpec | undefined)[];
  /** The base each BAR is mapped at now, or null. */
  private readonly decoded: (number | null)[] = new Array<number | null>(PCI_BAR_COUNT).fill(null);
  private intxLevel = false;
  private intxOutput = false;
  private bus: Bus | undefined;
  private host: PciFunctionHost | undefined;
  private owner = "";
  private where: PciAddress | undefined;

  /**
   * Builds the header from `spec`. Throws a {@link RinglabError} for more than six BARs or a
   * BAR whose size is not a power of two in its kind's range.
   */
  constructor(
    /** The spec the header was built from: the object given, not a copy. */
    readonly spec: PciFunctionSpec,
  ) {
    const bars = spec.bars ?? [];
    if (bars.length > PCI_BAR_COUNT) throw new RinglabError("bad-claim", `PCI function ${hex(spec.vendorId, 4)}:${hex(spec.deviceId, 4)}: more than 6 BARs`);
    this.bars = Array.from({ length: PCI_BAR_COUNT }, (_, i) => bars[i]);
    const pin = spec.interruptPin ?? 0;
    this.init(PciConfig.VENDOR_ID, 2, spec.vendorId, 0);
    this.init(PciConfig.DEVICE_ID, 2, spec.deviceId, 0);
    this.init(PciConfig.COMMAND, 2, spec.command ?? 0, spec.commandWritable ?? DEFAULT_COMMAND_WRITABLE);
    this.init(PciConfig.STATUS, 2, spec.status ?? 0, 0);
    this.writeOneToClear[PciConfig.STATUS] = PciStatus.WRITE_ONE_TO_CLEAR & 0xff;
    this.writeOneToClear[PciConfig.STATUS + 1] = PciStatus.WRITE_ONE_TO_CLEAR >>> 8;
    this.init(PciConfig.REVISION_ID, 1, spec.revision ?? 0, 0);
    this.init(PciConfig.PROG_IF, 1, spec.classCode & 0xff, 0);
    this.init(PciConfig.CLASS_CODE, 2, (spec.classCode >>> 8) & 0xffff, 0);
    this.init(PciConfig.CACHE_LINE_SIZE, 1, 0, 0xff);
    this.init(PciConfig.HEADER_TYPE, 1, spec.multiFunction ? 0x80 : 0x00, 0);
    this.bars.forEach((bar, i) => {
      if (!bar) return;
      const { writable, fixed } = barMasks(`PCI function ${hex(spec.vendorId, 4)}:${hex(spec.deviceId, 4)}`, i, bar);
      this.init(PciConfig.BAR0 + 4 * i, 4, fixed, writable);
    });
    this.init(PciConfig.SUBSYSTEM_VENDOR_ID, 2, spec.subsystemVendorId ?? 0, 0);
    this.init(PciConfig.SUBSYSTEM_ID, 2, spec.subsystemId ?? 0, 0);
    // Interrupt Line is a read/write scratch register for functions with a pin (§6.2.4);
    // without one it is not implemented and reads 0.
    this.init(PciConfig.INTERRUPT_LINE, 1, 0, pin !== 0 ? 0xff : 0);
    this.init(PciConfig.INTERRUPT_PIN, 1, pin, 0);
  }

  /**
   * Defines a device-specific register: its reset value, writable bits and what happens when
   * the guest writes it. Call before the function is registered. `width` 1, 2 or 4 bytes at
   * a naturally aligned `offset`.
   */
  defineRegister(offset: number, width: AccessWidth, spec: PciRegisterSpec): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + width > PCI_CONFIG_SPACE_SIZE || offset % width !== 0) {
      throw new RinglabError("bad-claim", `PCI register at ${hex(offset)} (${width} bytes) is not an aligned field of the 256-byte space`);
    }
    this.init(offset, width, spec.value, spec.writable ?? 0);
    this.registers.push({ offset, width, onWrite: spec.onWrite });
  }

  /** Called by {@link PciBus.register}: where the function sits and how it reaches the bus. */
  attach(bus: Bus, host: PciFunctionHost, owner: string, address: PciAddress): void {
    this.bus = bus;
    this.host = host;
    this.owner = owner;
    this.where = address;
  }

  /** The function's address once registered. */
  get address(): PciAddress | undefined {
    return this.where;
  }

  /** A configuration read of `width` bytes at `offset` (little-endian; the offset wraps inside the space). */
  read(offset: number, width: AccessWidth): number {
    let v = 0;
    for (let i = 0; i < width; i++) v |= this.bytes[(offset + i) & 0xff]! << (8 * i);
    return width === 4 ? v >>> 0 : v & ALL_ONES[width];
  }

  /** A configuration write: only writable bits change, write-1-to-clear bits clear. */
  write(offset: number, width: AccessWidth, value: number): void {
    let touchedDecode = false;
    const first = offset & 0xff;
    for (let i = 0; i < width; i++) {
      const at = (first + i) & 0xff;
      const b = (value >>> (8 * i)) & 0xff;
      const w = this.writable[at]!;
      let nb = (this.bytes[at]! & ~w) | (b & w);
      nb &= ~(b & this.writeOneToClear[at]!);
      this.bytes[at] = nb;
      if (at === PciConfig.COMMAND || at === PciConfig.COMMAND + 1 || (at >= PciConfig.BAR0 && at < PciConfig.BAR0 + 4 * PCI_BAR_COUNT)) {
        touchedDecode = true;
      }
    }
    if (touchedDecode) {
      this.updateDecoding();
      this.updateIntx();
    }
    for (const r of this.registers) {
      if (r.onWrite && r.offset < first + width && first < r.offset + r.width) r.onWrite(this.read(r.offset, r.width));
    }
  }

  /** The base BAR `index` decodes at now (mapped, enabled), or null. */
  barBase(index: number): number | null {
    return this.decoded[index] ?? null;
  }

  /**
   * Drives the function's INTx# pin (level-sensitive, active while `asserted`). Status bit 3
   * follows it; the pin reaches the interrupt router only while the command register's
   * interrupt-disable bit is clear (PCI 3.0 §6.2.2, §6.2.3).
   */
  setIntx(asserted: boolean): void {
    this.intxLevel = asserted;
    this.updateIntx();
  }

  /** Whether the function's INTx# output is asserted on the bus now. */
  get intxAsserted(): boolean {
    return this.intxOutput;
  }

  /** Back to the reset values: BARs unassigned, decoding off, registers at their reset value. */
  reset(): void {
    this.bytes.set(this.resetBytes);
    this.updateDecoding();
    this.updateIntx();
  }

  /** The configuration bytes (base64) and the INTx# input level. */
  saveState(): JsonValue {
    return { config: encodeBase64(this.bytes), intx: this.intxLevel };
  }

  /** Restores {@link saveState}'s value: decoding and device registers follow the loaded bytes. */
  loadState(state: JsonValue, what = "PCI function state"): void {
    const r = new StateReader(what);
    const s = r.object(state);
    const config = s.config;
    const bytes = typeof config === "string" ? decodeBase64(config) : undefined;
    if (bytes === undefined || bytes.length !== PCI_CONFIG_SPACE_SIZE) {
      throw new RinglabError("config", `${what}: field 'config': expected base64 of ${PCI_CONFIG_SPACE_SIZE} bytes`);
    }
    const intx = s.intx;
    if (typeof intx !== "boolean") throw new RinglabError("config", `${what}: field 'intx': expected true or false`);
    this.bytes.set(bytes);
    this.intxLevel = intx;
    this.updateDecoding();
    this.updateIntx();
    for (const reg of this.registers) reg.onWrite?.(this.read(reg.offset, reg.width));
  }

  private init(offset: number, width: number, value: number, writable: number): void {
    for (let i = 0; i < width; i++) {
      const b = (value >>> (8 * i)) & 0xff;
      this.bytes[offset + i] = b;
      this.resetBytes[offset + i] = b;
      this.writable[offset + i] = (writable >>> (8 * i)) & 0xff;
    }
  }

  private updateDecoding(): void {
    const command = this.read(PciConfig.COMMAND, 2);
    this.bars.forEach((bar, i) => {
      if (!bar) return;
      const enabled = command & (bar.kind === "io" ? PciCommand.IO_SPACE : PciCommand.MEMORY_SPACE);
      const wanted = enabled ? barDecodeBase(bar, this.read(PciConfig.BAR0 + 4 * i, 4)) : null;
      if (wanted === this.decoded[i]) return;
      this.unmapBar(i, bar);
      this.decoded[i] = wanted === null ? null : this.mapBar(bar, wanted);
      bar.onDecode?.(this.decoded[i] ?? null);
    });
  }

  private unmapBar(index: number, bar: PciBarSpec): void {
    const base = this.decoded[index];
    if (base === null || base === undefined || !bar.handlers || !this.bus) return;
    if (bar.kind === "io") this.bus.ports.release(this.owner, base);
    else this.bus.memory.unmap(this.owner, base);
  }

  /** Maps the BAR's handlers at `base`; null when the range is taken (a guest error, not ours). */
  private mapBar(bar: PciBarSpec, base: number): number | null {
    if (!bar.handlers || !this.bus) return base;
    try {
      if (bar.kind === "io") this.bus.ports.claim({ owner: this.owner, base, count: bar.size, handlers: bar.handlers });
      else this.bus.memory.mapMmio(this.owner, base, bar.size, bar.handlers);
      return base;
    } catch (e) {
      if (e instanceof ResourceConflictError) return null;
      throw e;
    }
  }

  private updateIntx(): void {
    const lo = this.bytes[PciConfig.STATUS]!;
    this.bytes[PciConfig.STATUS] = this.intxLevel ? lo | PciStatus.INTERRUPT : lo & ~PciStatus.INTERRUPT;
    const pin = this.bytes[PciConfig.INTERRUPT_PIN]!;
    const disabled = (this.read(PciConfig.COMMAND, 2) & PciCommand.INTX_DISABLE) !== 0;
    const out = this.intxLevel && !disabled && pin >= 1 && pin <= 4;
    if (out === this.intxOutput) return;
    this.intxOutput = out;
    if (this.host && this.where) this.host.intxChanged(this.where, pin, out);
  }
}
