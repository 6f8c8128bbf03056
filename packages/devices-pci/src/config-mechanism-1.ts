import { type AccessWidth, ALL_ONES, type Bus, type PciBus } from "@ringlab/sdk";

/** CONFIG_ADDRESS, the 32-bit address register (PCI 3.0 §3.2.2.3.2). */
export const CONFIG_ADDRESS_PORT = 0xcf8;
/** CONFIG_DATA, the 32-bit data window; bytes and words at 0xCFC..0xCFF reach the matching bytes. */
export const CONFIG_DATA_PORT = 0xcfc;
/** CONFIG_ADDRESS bit 31: data-port accesses become configuration cycles. */
export const CONFIG_ENABLE = 0x8000_0000;
/**
 * The bits of CONFIG_ADDRESS that hold something: enable (31), bus (23:16), device (15:11),
 * function (10:8) and the dword register number (7:2). Bits 30:24 are reserved and bits 1:0
 * are read-only zero (§3.2.2.3.2: "must return 0's when read").
 */
const CONFIG_ADDRESS_MASK = 0x80ff_fffc;

/**
 * PCI configuration mechanism #1 as a host bridge implements it (PCI Local Bus Specification
 * 3.0, §3.2.2.3.2): a DWORD write to CONFIG_ADDRESS (0xCF8) latches a bus/device/function/
 * register address, and accesses to CONFIG_DATA (0xCFC..0xCFF) while its enable bit is set
 * become configuration reads and writes of that register on the {@link PciBus}, a byte or
 * word at 0xCFC + n reaching register byte n.
 *
 * Only full DWORD accesses reach CONFIG_ADDRESS: "any other types of accesses to this address
 * (non-DWORD) have no effect on CONFIG_ADDRESS and are executed as normal I/O transactions on
 * the PCI bus". So a byte or word at 0xCF8..0xCFB is not served here — nothing answers, it
 * reads all-ones — and in particular mechanism #2's registers (the CSE byte at 0xCF8, the
 * forward register at 0xCFA) read 0xFF, not the 0 that tells software mechanism #2 exists.
 * With the enable bit clear, CONFIG_DATA accesses are ordinary I/O nobody answers as well.
 */
export class ConfigMechanism1 {
  /** CONFIG_ADDRESS as last written (masked). */
  address = 0;

  constructor(
    private readonly owner: string,
    private readonly pci: PciBus,
  ) {}

  /** Claims CONFIG_ADDRESS (DWORD handlers only) and CONFIG_DATA (every width). */
  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.owner,
      base: CONFIG_ADDRESS_PORT,
      count: 4,
      handlers: {
        // A misaligned DWORD (at 0xCF9..0xCFB) is no CONFIG_ADDRESS access: its bytes here
        // are ordinary I/O nobody answers, the ones past 0xCFB go to CONFIG_DATA.
        read32: (offset) => (offset === 0 ? this.address >>> 0 : splitRead(bus, CONFIG_ADDRESS_PORT, offset, 4, () => 0xff)),
        write32: (offset, value) => {
          if (offset === 0) this.address = (value & CONFIG_ADDRESS_MASK) >>> 0;
          else splitWrite(bus, CONFIG_ADDRESS_PORT, offset, 4, value, () => {});
        },
      },
    });
    const data = (width: AccessWidth) => ({
      read: (offset: number) => this.readData(bus, offset, width),
      write: (offset: number, value: number) => this.writeData(bus, offset, width, value),
    });
    const [b, w, d] = [data(1), data(2), data(4)];
    bus.ports.claim({
      owner: this.owner,
      base: CONFIG_DATA_PORT,
      count: 4,
      handlers: { read8: b.read, read16: w.read, read32: d.read, write8: b.write, write16: w.write, write32: d.write },
    });
  }

  /** Power-on: CONFIG_ADDRESS is 0 (disabled). */
  reset(): void {
    this.address = 0;
  }

  private readData(bus: Bus, offset: number, width: AccessWidth): number {
    // An access running past 0xCFF (a word at 0xCFF) is two bus cycles: the part beyond
    // belongs to port 0xD00 and whoever decodes it.
    if (offset + width > 4) return splitRead(bus, CONFIG_DATA_PORT, offset, width, (o) => this.readData(bus, o, 1));
    if (!(this.address & CONFIG_ENABLE)) return ALL_ONES[width];
    return this.pci.readConfig(this.target(), (this.address & 0xfc) + offset, width);
  }

  private writeData(bus: Bus, offset: number, width: AccessWidth, value: number): void {
    if (offset + width > 4) {
      splitWrite(bus, CONFIG_DATA_PORT, offset, width, value, (o, b) => this.writeData(bus, o, 1, b));
      return;
    }
    if (!(this.address & CONFIG_ENABLE)) return;
    this.pci.writeConfig(this.target(), (this.address & 0xfc) + offset, width, value);
  }

  private target() {
    const a = this.address;
    return { bus: (a >>> 16) & 0xff, device: (a >>> 11) & 0x1f, function: (a >>> 8) & 0x7 };
  }
}

/**
 * A `width`-byte read at `base + offset` that runs past this 4-port register: bytes inside
 * come from `inside(offset)`, the others from the port space (whoever decodes them).
 */
function splitRead(bus: Bus, base: number, offset: number, width: AccessWidth, inside: (offset: number) => number): number {
  let v = 0;
  for (let i = 0; i < width; i++) {
    const o = offset + i;
    v |= (o < 4 ? inside(o) : bus.ports.read(base + o, 1)) << (8 * i);
  }
  return v >>> 0;
}

/** The write counterpart of {@link splitRead}. */
function splitWrite(bus: Bus, base: number, offset: number, width: AccessWidth, value: number, inside: (offset: number, byte: number) => void): void {
  for (let i = 0; i < width; i++) {
    const o = offset + i;
    const b = (value >>> (8 * i)) & 0xff;
    if (o < 4) inside(o, b);
    else bus.ports.write(base + o, 1, b);
  }
}
