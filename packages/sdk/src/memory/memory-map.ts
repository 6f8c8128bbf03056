import { type AccessHandlers, type AccessWidth, ALL_ONES, hex, servedWidths } from "../access.js";
import { ResourceConflictError, RinglabError } from "../errors.js";
import { asDeviceError } from "../device/device-error.js";

/**
 * log2 of the page size: pages are 4 KiB, as on IA-32 (SDM vol.3 §4.3), and the memory
 * map's direct-access tables have one entry per page, so `addr >>> PAGE_SHIFT` is the page
 * number of physical address `addr`.
 */
export const PAGE_SHIFT = 12;
/** Bytes per page: 4096. RAM sizes must be a multiple of it. */
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** The offset bits of an address within its page, 0xFFF: `addr & PAGE_MASK`. */
export const PAGE_MASK = PAGE_SIZE - 1;
const PAGE_COUNT = 1 << (32 - PAGE_SHIFT);
/** Physical address bit 20 as a page-number bit: what the A20 gate forces to 0 when closed. */
const A20_PAGE_BIT = 1 << (20 - PAGE_SHIFT);
/** The address mask with the A20 gate open (every bit passes) and closed (bit 20 forced to 0). */
const A20_OPEN = 0xffffffff;
const A20_CLOSED = 0xffefffff;
/** The physical address space of a 32-bit PC without PAE: 4 GiB. */
export const ADDRESS_SPACE_SIZE = 2 ** 32;

/** What backs a memory region. */
export type RegionKind = "ram" | "rom" | "mmio";

/** One mapping in the physical address space. */
export interface MemoryRegion {
  /** Who mapped it: a device id, or a machine part such as `"ram"`; {@link MemoryMap.unmap} removes by it. */
  readonly owner: string;
  /** What backs it: bytes read and written directly (`ram`), bytes whose writes are dropped (`rom`), or handlers (`mmio`). */
  readonly kind: RegionKind;
  /** First physical address. */
  readonly base: number;
  /** Size in bytes. */
  readonly size: number;
  /** RAM and ROM: the bytes, `size` long. */
  readonly bytes?: Uint8Array;
  /** MMIO: the handlers; offsets are relative to `base`. */
  readonly handlers?: AccessHandlers;
}

/** Counts of accesses that hit no mapping, or wrote to ROM. */
export interface MemoryCounters {
  /**
   * Reads nothing answered, which read all-ones. Where nothing is mapped an access is split
   * down to bytes and each byte counts (a 32-bit read of unmapped memory counts 4); an access
   * to an MMIO region with no handler of its width or a narrower one counts once.
   */
  unmappedReads: number;
  /** Writes nothing answered, which were dropped; counted as {@link unmappedReads} are. */
  unmappedWrites: number;
  /** Writes to a ROM mapping, which were dropped: one per access (or per piece of a split one) landing in the ROM. */
  romWrites: number;
  /** Address of the last unmapped access, for reports. */
  lastUnmappedAddress: number | undefined;
}

/**
 * The physical address space. RAM is one `ArrayBuffer` (`ram`); every mapping with bytes
 * behind it (RAM, ROM, a device's RAM view such as a VGA text buffer) is reachable without a
 * call through the per-page tables `readPages`/`writePages`, which is the CPU's fast path:
 *
 * ```ts
 * const page = addr >>> PAGE_SHIFT;
 * const bytes = map.readPages[page];
 * const value = bytes !== null ? bytes[map.pageOffsets[page] + (addr & 0xfff)] : map.read(addr, 1);
 * ```
 *
 * A page that is not wholly one RAM/ROM mapping (MMIO, unmapped, or shared by several
 * mappings) has `null` there and goes through {@link MemoryMap.read}/{@link MemoryMap.write}.
 * Reads of unmapped memory return all-ones and writes to it are dropped, as on a PC bus
 * with nothing decoding the address; both are counted. Writes to ROM are dropped and
 * counted.
 *
 * The map also applies the PC's A20 gate ({@link setA20}): closed, physical address bit 20
 * reads as 0 on every access, so 0x100000 aliases 0x000000 as on an 8086 (the A20M# pin of
 * the CPU: SDM vol.3, "Architecture Compatibility"). Open — the power-on state and what a boot
 * without a BIOS needs — costs nothing: the direct tables are the plain ones.
 */
export class MemoryMap {
  /** The guest RAM buffer. */
  readonly ram: ArrayBuffer;
  /** Byte view of {@link ram}. */
  readonly ram8: Uint8Array;
  /**
   * Per page: the byte array holding that page for reads, or null when the page needs the
   * slow path. Index with `addr >>> PAGE_SHIFT`; add `pageOffsets[page]`.
   */
  readonly readPages: (Uint8Array | null)[];
  /** Per page: the byte array for writes, or null (ROM, MMIO, unmapped, mixed pages). */
  readonly writePages: (Uint8Array | null)[];
  /** Per page: offset of the page's first byte inside its `readPages`/`writePages` array. */
  readonly pageOffsets: Int32Array;

  private regionList: MemoryRegion[] = [];
  private addressMask = A20_OPEN;
  private pagesListener: (() => void) | undefined;
  private readonly counters: MemoryCounters = {
    unmappedReads: 0,
    unmappedWrites: 0,
    romWrites: 0,
    lastUnmappedAddress: undefined,
  };

  /** Creates an address space with `ramSize` bytes of RAM buffer, not yet mapped anywhere. */
  constructor(ramSize: number) {
    if (!Number.isInteger(ramSize) || ramSize <= 0 || ramSize % PAGE_SIZE !== 0 || ramSize > 0xf000_0000) {
      throw new RinglabError(
        "bad-ram-size",
        `RAM size ${ramSize} is not a positive multiple of 4 KiB below 3.75 GiB`,
      );
    }
    this.ram = new ArrayBuffer(ramSize);
    this.ram8 = new Uint8Array(this.ram);
    this.readPages = new Array<Uint8Array | null>(PAGE_COUNT).fill(null);
    this.writePages = new Array<Uint8Array | null>(PAGE_COUNT).fill(null);
    this.pageOffsets = new Int32Array(PAGE_COUNT);
  }

  /**
   * Maps `size` bytes of the RAM buffer, from `ramOffset`, at physical `base`. A PC maps RAM
   * in pieces around holes (e.g. 0..0x9FFFF and 0x100000..), so this may be called several
   * times.
   */
  mapRam(owner: string, base: number, size: number, ramOffset = base): void {
    if (ramOffset < 0 || ramOffset + size > this.ram8.length) {
      throw new RinglabError(
        "bad-mapping",
        `${owner}: RAM mapping ${hex(base)}+${hex(size)} reaches past the ${hex(this.ram8.length)}-byte RAM buffer`,
      );
    }
    this.add({ owner, kind: "ram", base, size, bytes: this.ram8.subarray(ramOffset, ramOffset + size) });
  }

  /**
   * Maps a device's own byte array as RAM at `base` (e.g. a frame buffer the device renders
   * from): the CPU reads and writes it directly.
   */
  mapDeviceRam(owner: string, base: number, bytes: Uint8Array): void {
    this.add({ owner, kind: "ram", base, size: bytes.length, bytes });
  }

  /** Maps read-only `bytes` at `base`. Writes to it are dropped and counted. */
  mapRom(owner: string, base: number, bytes: Uint8Array): void {
    this.add({ owner, kind: "rom", base, size: bytes.length, bytes: bytes.slice() });
  }

  /** Maps an MMIO region whose accesses call `handlers` with offsets from `base`. */
  mapMmio(owner: string, base: number, size: number, handlers: AccessHandlers): void {
    if (servedWidths(handlers).length === 0) {
      throw new RinglabError("bad-mapping", `${owner}: MMIO region at ${hex(base)} has no read or write handler`);
    }
    this.add({ owner, kind: "mmio", base, size, handlers });
  }

  /**
   * Removes every mapping made by `owner`, or with `base` only the one of them that starts
   * at `base` (a device that moves its window re-maps it). Removing nothing is no error.
   */
  unmap(owner: string, base?: number): void {
    const removed = this.regionList.filter((r) => r.owner === owner && (base === undefined || r.base === base));
    if (removed.length === 0) return;
    this.regionList = this.regionList.filter((r) => !removed.includes(r));
    for (const r of removed) this.refreshPages(r.base, r.size);
  }

  /** Every mapping, lowest address first. */
  regions(): readonly MemoryRegion[] {
    return this.regionList;
  }

  /** The mapping containing `addr`, if any. */
  regionAt(addr: number): MemoryRegion | undefined {
    const list = this.regionList;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = list[mid]!;
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.size) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /**
   * Reads `width` bytes at physical `addr`, little-endian. An access that straddles two
   * mappings, or hits an MMIO region without a handler of that width, is split into halves;
   * unmapped pieces read all-ones and are counted one per piece.
   */
  read(addr: number, width: AccessWidth): number {
    addr = (addr & this.addressMask) >>> 0;
    const r = this.regionAt(addr);
    if (r && addr + width <= r.base + r.size) {
      const off = addr - r.base;
      const b = r.bytes;
      if (b) {
        if (width === 1) return b[off]!;
        if (width === 2) return b[off]! | (b[off + 1]! << 8);
        return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
      }
      const h = r.handlers!;
      try {
        if (width === 1 && h.read8) return h.read8(off) & 0xff;
        if (width === 2 && h.read16) return h.read16(off) & 0xffff;
        if (width === 4 && h.read32) return h.read32(off) >>> 0;
      } catch (e) {
        throw asDeviceError(e, r.owner, `its ${width * 8}-bit MMIO read handler at ${hex(addr, 8)}`);
      }
    }
    if (width > 1 && (!r || addr + width > r.base + r.size || this.canSplit(r, "read"))) {
      const half = (width >> 1) as AccessWidth;
      const lo = this.read(addr, half);
      const hi = this.read(addr + half, half);
      return width === 4 ? (lo | (hi << 16)) >>> 0 : lo | (hi << 8);
    }
    this.countUnmapped(addr, "unmappedReads");
    return ALL_ONES[width];
  }

  /** Writes `width` bytes at physical `addr`, little-endian; split like {@link read}. */
  write(addr: number, width: AccessWidth, value: number): void {
    addr = (addr & this.addressMask) >>> 0;
    const r = this.regionAt(addr);
    if (r && addr + width <= r.base + r.size) {
      const off = addr - r.base;
      if (r.kind === "rom") {
        this.counters.romWrites++;
        return;
      }
      if (r.bytes) {
        const b = r.bytes;
        b[off] = value;
        if (width >= 2) b[off + 1] = value >>> 8;
        if (width === 4) {
          b[off + 2] = value >>> 16;
          b[off + 3] = value >>> 24;
        }
        return;
      }
      const h = r.handlers!;
      try {
        if (width === 1 && h.write8) return h.write8(off, value & 0xff);
        if (width === 2 && h.write16) return h.write16(off, value & 0xffff);
        if (width === 4 && h.write32) return h.write32(off, value >>> 0);
      } catch (e) {
        throw asDeviceError(e, r.owner, `its ${width * 8}-bit MMIO write handler at ${hex(addr, 8)}`);
      }
    }
    if (width > 1 && (!r || addr + width > r.base + r.size || this.canSplit(r, "write"))) {
      const half = (width >> 1) as AccessWidth;
      this.write(addr, half, value);
      this.write(addr + half, half, width === 4 ? value >>> 16 : value >>> 8);
      return;
    }
    this.countUnmapped(addr, "unmappedWrites");
  }

  /** Copies `bytes` into guest memory at `addr` through the mappings (ROM is skipped). */
  writeBytes(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write(addr + i, 1, bytes[i]!);
  }

  /** Reads `length` bytes at `addr` through the mappings. */
  readBytes(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.read(addr + i, 1);
    return out;
  }

  /** Whether the A20 gate is open (address bit 20 passes); true at power-on. */
  get a20Enabled(): boolean {
    return this.addressMask === A20_OPEN;
  }

  /**
   * The mask every physical address is ANDed with: 0xFFFFFFFF with the A20 gate open,
   * 0xFFEFFFFF closed. What a CPU that keeps copies of page entries (a paging unit's
   * fast tables, decoded code by physical page) uses to find the page an access really hits.
   */
  get a20Mask(): number {
    return this.addressMask;
  }

  /**
   * Opens or closes the A20 gate. Closed, every access goes to its address with bit 20
   * cleared: the pages whose number has bit 8 set (1-2 MiB, 3-4 MiB, ...) leave the direct
   * tables, so the CPU's fast path sends them to {@link read}/{@link write}, which mask
   * the address — never two direct entries for one byte, so a write through the alias
   * cannot miss a check keyed by page. The change is announced to the
   * {@link setPagesChangedListener} listener. Setting the state it already has does nothing.
   */
  setA20(enabled: boolean): void {
    const mask = enabled ? A20_OPEN : A20_CLOSED;
    if (mask === this.addressMask) return;
    this.addressMask = mask;
    for (const r of this.regionList) if (r.bytes) this.refreshPages(r.base, r.size);
    this.pagesListener?.();
  }

  /**
   * Installs the listener told when pages' backing changed under entries that copies of the
   * direct tables may hold (today: the A20 gate moved), so that the CPU drops its
   * translations and decoded code. One per map (the CPU); null removes it.
   */
  setPagesChangedListener(listener: (() => void) | null): void {
    this.pagesListener = listener ?? undefined;
  }

  /** Unmapped-access and ROM-write counts. */
  stats(): Readonly<MemoryCounters> {
    return { ...this.counters };
  }

  /** Sets the counters to {@link stats}'s values (a restored machine snapshot). */
  restoreCounters(c: Readonly<MemoryCounters>): void {
    this.counters.unmappedReads = c.unmappedReads;
    this.counters.unmappedWrites = c.unmappedWrites;
    this.counters.romWrites = c.romWrites;
    this.counters.lastUnmappedAddress = c.lastUnmappedAddress;
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    this.counters.unmappedReads = 0;
    this.counters.unmappedWrites = 0;
    this.counters.romWrites = 0;
    this.counters.lastUnmappedAddress = undefined;
  }

  /** An MMIO region with narrower handlers serves a wide access as split ones. */
  private canSplit(r: MemoryRegion, dir: "read" | "write"): boolean {
    const h = r.handlers;
    if (!h) return false;
    return dir === "read" ? !!(h.read8 || h.read16) : !!(h.write8 || h.write16);
  }

  private countUnmapped(addr: number, kind: "unmappedReads" | "unmappedWrites"): void {
    this.counters[kind]++;
    this.counters.lastUnmappedAddress = addr;
  }

  private add(region: MemoryRegion): void {
    const { owner, base, size } = region;
    if (!Number.isInteger(base) || !Number.isInteger(size) || size <= 0 || base < 0 || base + size > ADDRESS_SPACE_SIZE) {
      throw new RinglabError(
        "bad-mapping",
        `${owner}: ${region.kind} mapping ${hex(base)}+${hex(size)} is not inside the 4 GiB address space`,
      );
    }
    for (const other of this.regionList) {
      if (base < other.base + other.size && other.base < base + size) {
        throw new ResourceConflictError(
          `memory ${hex(base, 8)}..${hex(base + size - 1, 8)} (${owner}, ${region.kind}) overlaps ` +
            `${hex(other.base, 8)}..${hex(other.base + other.size - 1, 8)} (${other.owner}, ${other.kind})`,
          {
            owners: [other.owner, owner],
            memory: {
              refused: { owner, kind: region.kind, base, size },
              existing: { owner: other.owner, kind: other.kind, base: other.base, size: other.size },
            },
          },
        );
      }
    }
    this.regionList.push(region);
    this.regionList.sort((a, b) => a.base - b.base);
    this.refreshPages(base, size);
  }

  /** Recomputes the direct-access entries of the pages that [base, base+size) touches. */
  private refreshPages(base: number, size: number): void {
    const first = Math.floor(base / PAGE_SIZE);
    const last = Math.floor((base + size - 1) / PAGE_SIZE);
    for (let page = first; page <= last; page++) {
      const start = page * PAGE_SIZE;
      const r = this.regionAt(start);
      // With the gate closed a page with address bit 20 set is an alias: slow path only.
      const alias = this.addressMask !== A20_OPEN && (page & A20_PAGE_BIT) !== 0;
      const whole =
        !alias && r !== undefined && r.bytes !== undefined && r.base <= start && start + PAGE_SIZE <= r.base + r.size;
      if (whole) {
        this.readPages[page] = r.bytes!;
        this.writePages[page] = r.kind === "ram" ? r.bytes! : null;
        this.pageOffsets[page] = start - r.base;
      } else {
        this.readPages[page] = null;
        this.writePages[page] = null;
        this.pageOffsets[page] = 0;
      }
    }
  }
}

