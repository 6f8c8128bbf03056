import { type Bus, formatAddress, formatRange } from "@ringlab/sdk";
import { ImageError } from "./image-error.js";

/** Start of the ROM area in the PC hole: option ROMs from 0xC0000, the BIOS up to 0xFFFFF. */
export const ROM_AREA_START = 0xc0000;
/** A PC's system BIOS ends at 1 MiB, where the real-mode address space ends. */
const BIOS_END = 0x100000;
const FOUR_GIB = 2 ** 32;

/**
 * Maps a ROM image at `addr`. It must land where nothing is mapped yet: not over the
 * machine's RAM (its `memory.layout`), nor over a device's memory such as the VGA window at
 * 0xA0000; a reserved region of the layout or a gap is the place for it (on a PC: the ROM
 * area 0xC0000-0xFFFFF, or above RAM). A ROM that ends at 1 MiB is the system BIOS: as on a
 * PC, it is also mapped at the top of the 4 GiB space (e.g. 0xFFFE0000 for 128 KiB), where
 * the reset vector 0xFFFFFFF0 fetches its first instruction (SDM vol.3 §9.1.4), and its copy
 * below 1 MiB is shadow RAM holding the image: writable, as the BIOS area of an ISA PC whose
 * chipset shadows it (and of QEMU's `isapc`, which has no PAM registers to unlock it with).
 * SeaBIOS keeps its variables there; without a chipset to ask, it cannot run from ROM. The
 * shadow lives in the machine's RAM buffer, so snapshots keep it; the 4 GiB alias stays ROM.
 */
export function mapRomImage(bus: Bus, image: string, bytes: Uint8Array, addr: number): { aliasAt?: number } {
  const end = addr + bytes.length;
  if (bytes.length === 0) throw new ImageError(image, "ROM image is empty");
  // An option ROM's header gives its length in 512-byte blocks (byte 2; IBM PC/AT Technical
  // Reference, "ROM modules"), so ROMs come in 512-byte multiples: SeaBIOS's ISA VGA BIOS is
  // 39,424 bytes (77 blocks).
  if (bytes.length % 512 !== 0) throw new ImageError(image, `ROM size ${bytes.length} is not a multiple of 512 bytes`);
  const where = `ROM at ${formatRange(addr, end)}`;
  if (end > FOUR_GIB) throw new ImageError(image, `${where} runs past 4 GiB`);
  const aliasAt = end === BIOS_END ? FOUR_GIB - bytes.length : undefined;
  for (const at of aliasAt === undefined ? [addr] : [addr, aliasAt]) {
    const other = bus.memory.regions().find((r) => at < r.base + r.size && r.base < at + bytes.length);
    if (!other) continue;
    const what =
      other.kind === "ram" && other.owner === "ram"
        ? `RAM ${formatRange(other.base, other.base + other.size)} (memory.layout)`
        : `${other.owner}'s ${other.kind === "mmio" ? "MMIO" : other.kind.toUpperCase()} at ${formatRange(other.base, other.base + other.size)}`;
    const alias = at === addr ? "" : ` (its reset-vector alias at ${formatAddress(at)})`;
    throw new ImageError(image, `${where}${alias} overlaps ${what}; map ROMs in a reserved region such as ${formatAddress(ROM_AREA_START)}..0xFFFFF or above RAM`);
  }
  const owner = `rom:${image.split(/[\\/]/).pop()}`;
  if (aliasAt !== undefined && end <= bus.memory.ram8.length) {
    bus.memory.ram8.set(bytes, addr);
    bus.memory.mapRam(owner, addr, bytes.length);
  } else bus.memory.mapRom(owner, addr, bytes);
  if (aliasAt !== undefined) {
    bus.memory.mapRom(owner, aliasAt, bytes);
    return { aliasAt };
  }
  return {};
}
