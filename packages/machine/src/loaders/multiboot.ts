import { hex } from "@ringlab/sdk";
import { isElf, parseElf32 } from "./elf32.js";
import { ImageError } from "./image-error.js";
import type { LoadPlan } from "./load-plan.js";

/** Multiboot Specification 0.6.96 §3.1: the header magic, its search window and alignment. */
export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** §3.2: the value in EAX when the kernel starts. */
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
const SEARCH_LIMIT = 8192;
/** §3.1.2 flags: bit 0 page-align modules, bit 1 memory info, bit 2 video mode, bit 16 address fields valid. */
const FLAG_PAGE_ALIGN = 1 << 0;
const FLAG_MEMORY_INFO = 1 << 1;
const FLAG_VIDEO_MODE = 1 << 2;
const FLAG_AOUT_KLUDGE = 1 << 16;
const UNDERSTOOD_REQUIRED = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

/** The parsed Multiboot header. */
export interface MultibootHeader {
  /** Offset of the header in the file. */
  offset: number;
  flags: number;
}

/** Finds the Multiboot header: 32-bit aligned within the first 8192 bytes, checksum zero. */
export function findMultibootHeader(bytes: Uint8Array): MultibootHeader | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, SEARCH_LIMIT) - 12;
  for (let o = 0; o <= end; o += 4) {
    if (v.getUint32(o, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = v.getUint32(o + 4, true);
    const checksum = v.getUint32(o + 8, true);
    if (((MULTIBOOT_HEADER_MAGIC + flags + checksum) >>> 0) === 0) return { offset: o, flags };
  }
  return undefined;
}

/**
 * Plans loading a Multiboot v1 kernel: the a.out kludge (header flag 16: load_addr,
 * load_end_addr, bss_end_addr, entry_addr in the header) or, without it, ELF32 program
 * headers. Unknown required flags (bits 0-15) make the load fail, as §3.1.2 demands.
 * The video-mode request (bit 2) is accepted and left unmet: ringlab boots in VGA text mode
 * 3 and reports no framebuffer, which §3.3 allows.
 */
export function planMultiboot(image: string, bytes: Uint8Array): LoadPlan {
  const header = findMultibootHeader(bytes);
  if (!header) {
    throw new ImageError(
      image,
      isElf(bytes)
        ? "ELF file without a Multiboot header in its first 8192 bytes (use --load FILE@ADDR for a raw image)"
        : "no Multiboot header in the first 8192 bytes (not a Multiboot kernel; use --load FILE@ADDR for a raw image)",
    );
  }
  const unknown = header.flags & 0xffff & ~UNDERSTOOD_REQUIRED;
  if (unknown) throw new ImageError(image, `Multiboot header requires features ringlab does not know (flags ${hex(unknown)})`);
  if (header.flags & FLAG_AOUT_KLUDGE) return planAout(image, bytes, header);
  if (!isElf(bytes)) throw new ImageError(image, "Multiboot header without address fields (flag 16) and not an ELF file");
  return { ...parseElf32(image, bytes), format: "multiboot-elf" };
}

function planAout(image: string, bytes: Uint8Array, header: MultibootHeader): LoadPlan {
  const o = header.offset;
  if (o + 32 > bytes.length) throw new ImageError(image, "truncated: the Multiboot header's address fields run past the end of the file");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerAddr = v.getUint32(o + 12, true);
  const loadAddr = v.getUint32(o + 16, true);
  const loadEndAddr = v.getUint32(o + 20, true);
  const bssEndAddr = v.getUint32(o + 24, true);
  const entry = v.getUint32(o + 28, true);
  // §3.1.3: the file offset of load_addr is header offset - (header_addr - load_addr).
  if (loadAddr > headerAddr) throw new ImageError(image, `Multiboot load_addr ${hex(loadAddr)} is above header_addr ${hex(headerAddr)}`);
  const fileStart = o - (headerAddr - loadAddr);
  if (fileStart < 0) throw new ImageError(image, "Multiboot header_addr/load_addr put the load start before the file's first byte");
  // load_end_addr 0 means "to the end of the file".
  const loadLength = loadEndAddr === 0 ? bytes.length - fileStart : loadEndAddr - loadAddr;
  if (loadEndAddr !== 0 && loadEndAddr < loadAddr) {
    throw new ImageError(image, `Multiboot load_end_addr ${hex(loadEndAddr)} is below load_addr ${hex(loadAddr)}`);
  }
  if (fileStart + loadLength > bytes.length) {
    throw new ImageError(image, `truncated: the header asks for ${loadLength} bytes from offset ${fileStart}, the file has ${bytes.length}`);
  }
  const memEnd = bssEndAddr === 0 ? loadAddr + loadLength : bssEndAddr;
  if (memEnd < loadAddr + loadLength) {
    throw new ImageError(image, `Multiboot bss_end_addr ${hex(bssEndAddr)} is below the end of the loaded data`);
  }
  return {
    image,
    format: "multiboot-aout",
    segments: [{ addr: loadAddr, data: bytes.subarray(fileStart, fileStart + loadLength), memSize: memEnd - loadAddr }],
    entry,
    entryFrom: { field: "Multiboot header entry_addr", by: "image" },
  };
}
