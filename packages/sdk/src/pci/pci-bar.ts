import type { AccessHandlers } from "../access.js";
import { RinglabError } from "../errors.js";

/**
 * One Base Address Register of a function (PCI 3.0 §6.2.5.1): the kind of space it asks for,
 * how much, and what the function does once the guest has placed it.
 *
 * The size is a power of two; the BAR's address bits below it are hard-wired to 0, which is
 * how software sizes it — it writes all-ones and reads back `~(size - 1)` plus the type bits
 * (§6.2.5.1, "Address Maps").
 */
export interface PciBarSpec {
  /** `io`: an I/O-space BAR (bit 0 set); `memory`: a 32-bit memory BAR (bits 2:1 = 00). */
  readonly kind: "io" | "memory";
  /** Bytes decoded: a power of two, 4..256 for I/O (§6.2.5.1), 16..2 GiB for memory. */
  readonly size: number;
  /** Memory BARs only: bit 3, the range may be prefetched. */
  readonly prefetchable?: boolean;
  /**
   * The registers behind the BAR, offsets relative to its base. While the BAR decodes (its
   * command-register enable bit is set and its address is valid) the SDK maps them on the
   * {@link Bus}: I/O BARs as a port claim, memory BARs as an MMIO region, owned by the
   * function's owner; it unmaps them when the guest moves the BAR or clears the enable bit.
   * A range that collides with another owner's is left unmapped (the guest misprogrammed
   * it; on a real bus two decoders would fight) and never throws.
   */
  readonly handlers?: AccessHandlers;
  /**
   * Told each time the decoded address changes: the new base, or `null` when the BAR stops
   * decoding (disabled, moved to 0, or colliding). For functions that map their range
   * themselves, e.g. device RAM with {@link MemoryMap.mapDeviceRam}.
   */
  onDecode?(base: number | null): void;
}

/**
 * The bits of a BAR that software may write, and the hard-wired type bits (§6.2.5.1).
 * Throws a {@link RinglabError} naming `owner` and BAR `index` when `bar.size` is not a
 * power of two in its kind's range.
 */
export function barMasks(
  owner: string,
  index: number,
  bar: PciBarSpec,
): {
  /**
   * The bits a write may set: bits 31 down to log2(`size`), the base address aligned to the
   * size. The bits below, type bits included, are never writable, so writing all-ones reads
   * back `~(size - 1)` plus `fixed`.
   */
  writable: number;
  /**
   * The hard-wired low bits every read returns: 0x1 for I/O (bit 0, I/O space indicator),
   * 0x8 for a prefetchable memory BAR (bit 3), 0x0 for other memory (32-bit, anywhere).
   */
  fixed: number;
} {
  const { kind, size } = bar;
  const pow2 = Number.isInteger(size) && size > 0 && (size & (size - 1)) === 0;
  const inRange = kind === "io" ? size >= 4 && size <= 256 : size >= 16 && size <= 0x8000_0000;
  if (!pow2 || !inRange) {
    const range = kind === "io" ? "4 to 256" : "16 to 2 GiB";
    throw new RinglabError("bad-claim", `${owner}: BAR ${index} size ${size} is not a power of two from ${range} bytes`);
  }
  const writable = (kind === "io" ? ~(size - 1) & 0xffff_fffc : ~(size - 1) & 0xffff_fff0) >>> 0;
  const fixed = kind === "io" ? 0x1 : bar.prefetchable ? 0x8 : 0x0;
  return { writable, fixed };
}

/**
 * The base a BAR decodes at, or null. I/O: the range must lie inside the 64 KiB port space;
 * memory: inside the 4 GiB space without reaching its last byte — an all-ones sizing value
 * left in a BAR must not map over the boot ROM's top alias (QEMU treats it as unmapped too).
 * Base 0 never decodes: it is the value of an unassigned BAR.
 */
export function barDecodeBase(bar: PciBarSpec, value: number): number | null {
  if (bar.kind === "io") {
    const base = (value & 0xffff_fffc) >>> 0;
    return base !== 0 && base + bar.size <= 0x1_0000 ? base : null;
  }
  const base = (value & 0xffff_fff0) >>> 0;
  return base !== 0 && base + bar.size < 2 ** 32 ? base : null;
}
