import type { MemoryLayout } from "../memory-layout.js";
import { SETUP_HEADER, type SetupHeader } from "./linux-setup-header.js";

/**
 * Offsets in struct boot_params, the "zero page" (arch/x86/include/uapi/asm/bootparam.h and
 * Documentation/arch/x86/zero-page.rst), that ringlab fills in.
 */
const BP = {
  /** struct screen_info (Documentation: screen_info at 0x000). */
  origX: 0x00,
  origY: 0x01,
  extMemK: 0x02,
  origVideoMode: 0x06,
  origVideoCols: 0x07,
  origVideoEgaBx: 0x0a,
  origVideoLines: 0x0e,
  origVideoIsVga: 0x0f,
  origVideoPoints: 0x10,
  altMemK: 0x1e0,
  e820Entries: 0x1e8,
  /** Zero: the loader initialised the page (boot.rst, "sentinel"). */
  sentinel: 0x1ef,
  e820Table: 0x2d0,
} as const;
/** E820 entries in boot_params (E820_MAX_ENTRIES_ZEROPAGE). */
const E820_MAX = 128;
const E820_RAM = 1;
const E820_RESERVED = 2;
/** boot.rst: "If your boot loader does not have an assigned id, enter 0xFF". */
const LOADER_UNDEFINED = 0xff;
/** screen_info.orig_video_isVGA = 1: a VGA text console (VIDEO_TYPE_VGAC). */
const VIDEO_IS_VGA = 1;

export interface BootParamsInput {
  header: SetupHeader;
  /** The image's first sector(s): the setup header is copied from them. */
  bootSector: Uint8Array;
  layout: MemoryLayout;
  /** Physical address of the NUL-terminated command line. */
  cmdLinePtr: number;
  initrd?: { addr: number; size: number };
  /** Where the protected-mode kernel was loaded (code32_start). */
  code32Start: number;
}

/**
 * Builds the 4 KiB boot_params page of the 32-bit boot protocol (boot.rst, "32-bit boot
 * protocol"): zeroed, the setup header copied from the image (0x1F1 up to its end) with the
 * loader's fields set (type_of_loader, cmd_line_ptr, ramdisk_image/size, code32_start), an
 * e820 map of the configured layout (RAM type 1, reserved regions type 2), the memory sizes
 * of the old interfaces, and screen_info describing the VGA's 80x25 colour text mode.
 */
export function buildBootParams(input: BootParamsInput): Uint8Array {
  const page = new Uint8Array(4096);
  const v = new DataView(page.buffer);
  const { header, bootSector, layout } = input;
  const headerBytes = bootSector.subarray(SETUP_HEADER.setupSects, Math.min(header.headerEnd, bootSector.length));
  page.set(headerBytes, SETUP_HEADER.setupSects);

  v.setUint8(SETUP_HEADER.typeOfLoader, LOADER_UNDEFINED);
  v.setUint32(SETUP_HEADER.code32Start, input.code32Start, true);
  v.setUint32(SETUP_HEADER.cmdLinePtr, input.cmdLinePtr, true);
  v.setUint32(SETUP_HEADER.ramdiskImage, input.initrd?.addr ?? 0, true);
  v.setUint32(SETUP_HEADER.ramdiskSize, input.initrd?.size ?? 0, true);

  const regions = layout.regions.slice(0, E820_MAX);
  v.setUint8(BP.e820Entries, regions.length);
  regions.forEach((r, i) => {
    const o = BP.e820Table + i * 20;
    v.setBigUint64(o, BigInt(r.start), true);
    v.setBigUint64(o + 8, BigInt(r.size), true);
    v.setUint32(o + 16, r.kind === "ram" ? E820_RAM : E820_RESERVED, true);
  });
  // The old interfaces (INT 15h E801/88h): KiB of RAM contiguous from 1 MiB.
  const high = layout.ramRuns.find(([a, b]) => a <= 0x100000 && b > 0x100000);
  const extKiB = high ? (high[1] - 0x100000) >>> 10 : 0;
  v.setUint32(BP.altMemK, extKiB, true);
  v.setUint16(BP.extMemK, Math.min(extKiB, 0xffff), true);

  // screen_info: VGA mode 3, 80x25 with an 8x16 font, cursor at the top left.
  v.setUint8(BP.origX, 0);
  v.setUint8(BP.origY, 0);
  v.setUint8(BP.origVideoMode, 3);
  v.setUint8(BP.origVideoCols, 80);
  v.setUint8(BP.origVideoLines, 25);
  v.setUint8(BP.origVideoIsVga, VIDEO_IS_VGA);
  v.setUint16(BP.origVideoPoints, 16, true);
  // INT 10h AH=12h BL=10h's answer: BH 0 (colour), BL 3 (256 KiB of video memory).
  v.setUint16(BP.origVideoEgaBx, 0x0003, true);
  v.setUint8(BP.sentinel, 0);
  return page;
}
