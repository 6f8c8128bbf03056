import { type Bus, hex } from "@ringlab/sdk";
import { CONVENTIONAL_RAM_END, EXTENDED_RAM_START } from "../memory-layout.js";
import { ImageError } from "./image-error.js";

/** Start of the ROM area in the PC hole: option ROMs from 0xC0000, the BIOS up to 0xFFFFF. */
export const ROM_AREA_START = 0xc0000;
const FOUR_GIB = 2 ** 32;

/**
 * Maps a ROM image at `addr`. It must lie in the ROM area of the PC hole (0xC0000-0xFFFFF)
 * or above RAM. A ROM that ends at 1 MiB is the system BIOS: as on a PC, it is also mapped
 * at the top of the 4 GiB space (e.g. 0xFFFE0000 for 128 KiB), where the reset vector
 * 0xFFFFFFF0 fetches its first instruction (SDM vol.3 §9.1.4).
 */
export function mapRomImage(bus: Bus, image: string, bytes: Uint8Array, addr: number): { aliasAt?: number } {
  const end = addr + bytes.length;
  if (bytes.length === 0) throw new ImageError(image, "ROM image is empty");
  if (bytes.length % 2048 !== 0) throw new ImageError(image, `ROM size ${bytes.length} is not a multiple of 2 KiB`);
  const inHole = addr >= ROM_AREA_START && end <= EXTENDED_RAM_START;
  const aboveRam = addr >= bus.memory.ram8.length && end <= FOUR_GIB;
  if (!inHole && !aboveRam) {
    throw new ImageError(
      image,
      `ROM at ${hex(addr)}..${hex(end - 1)} must lie in ${hex(ROM_AREA_START)}..0xFFFFF or above RAM (not over RAM or the VGA window at ${hex(CONVENTIONAL_RAM_END)})`,
    );
  }
  const owner = `rom:${image.split(/[\\/]/).pop()}`;
  bus.memory.mapRom(owner, addr, bytes);
  if (end === EXTENDED_RAM_START) {
    const aliasAt = FOUR_GIB - bytes.length;
    bus.memory.mapRom(owner, aliasAt, bytes);
    return { aliasAt };
  }
  return {};
}
