import { hex } from "@ringlab/sdk";
import { ImageError } from "./image-error.js";

/**
 * The Linux/x86 boot protocol's setup header (Documentation/arch/x86/boot.rst, "The real-
 * mode kernel header"): fields at fixed offsets of a bzImage's first sector, which the boot
 * loader reads and partly fills in. Offsets here are from the start of the image, which are
 * also their offsets in the boot_params ("zero page") copy.
 */
export const SETUP_HEADER = {
  setupSects: 0x1f1,
  syssize: 0x1f4,
  bootFlag: 0x1fe,
  /** The jump whose displacement byte (at 0x201) tells where the header ends. */
  jump: 0x200,
  header: 0x202,
  version: 0x206,
  typeOfLoader: 0x210,
  loadflags: 0x211,
  code32Start: 0x214,
  ramdiskImage: 0x218,
  ramdiskSize: 0x21c,
  heapEndPtr: 0x224,
  cmdLinePtr: 0x228,
  initrdAddrMax: 0x22c,
  kernelAlignment: 0x230,
  relocatableKernel: 0x234,
  xloadflags: 0x236,
  cmdlineSize: 0x238,
  prefAddress: 0x258,
  initSize: 0x260,
} as const;

/** "HdrS", the header magic at 0x202. */
export const HDRS_MAGIC = 0x53726448;
/** boot.rst: loadflags bit 0, the protected-mode code is loaded at 0x100000 (a bzImage). */
export const LOADED_HIGH = 0x01;
/** xloadflags bit 0: a 64-bit kernel with the 64-bit entry point at 0x200. */
export const XLF_KERNEL_64 = 0x01;
/** The oldest protocol ringlab boots: 2.03 has initrd_addr_max; 2.02 cmd_line_ptr. */
export const MIN_PROTOCOL = 0x0203;

/** What a boot loader needs from a bzImage's setup header. */
export interface SetupHeader {
  /** Protocol version, e.g. 0x020f for 2.15. */
  version: number;
  /** Bytes of the real-mode part (boot sector + setup): the protected-mode kernel follows. */
  realModeSize: number;
  /** Bytes from 0x1F1 to the end of the header, copied into boot_params. */
  headerEnd: number;
  loadflags: number;
  xloadflags: number;
  /** Highest address the initrd may occupy (inclusive). */
  initrdAddrMax: number;
  /** Longest command line the kernel takes, without the NUL. */
  cmdlineSize: number;
  /** Bytes the kernel needs from its load address on, to decompress (2.10+; else 0). */
  initSize: number;
  /** The kernel's preferred load address (2.10+; else 0x100000). */
  prefAddress: number;
  relocatable: boolean;
  kernelAlignment: number;
}

/** True when `bytes` carry the boot protocol's setup header ("HdrS" at 0x202). */
export function isBzImage(bytes: Uint8Array): boolean {
  if (bytes.length < 0x206) return false;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(SETUP_HEADER.header, true) === HDRS_MAGIC;
}

/** `2.15` for 0x020f. */
export function protocolText(version: number): string {
  return `${version >> 8}.${(version & 0xff).toString().padStart(2, "0")}`;
}

/**
 * Reads and checks the setup header of a bzImage. Images ringlab cannot boot — protocol
 * older than 2.03, a zImage (not loaded high), a 64-bit kernel, a truncated file — are one
 * {@link ImageError} line naming the image.
 */
export function parseSetupHeader(image: string, bytes: Uint8Array): SetupHeader {
  if (!isBzImage(bytes)) throw new ImageError(image, "no Linux boot protocol header ('HdrS' at 0x202): not a bzImage");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u8 = (o: number) => (o < bytes.length ? v.getUint8(o) : 0);
  const u32 = (o: number) => (o + 4 <= bytes.length ? v.getUint32(o, true) : 0);
  const version = v.getUint16(SETUP_HEADER.version, true);
  const proto = protocolText(version);
  if (version < MIN_PROTOCOL) {
    throw new ImageError(image, `Linux boot protocol ${proto} is too old: ringlab boots protocol 2.03 and later (kernels since 2.4.18)`);
  }
  const loadflags = u8(SETUP_HEADER.loadflags);
  if (!(loadflags & LOADED_HIGH)) throw new ImageError(image, "a zImage (loaded below 1 MiB): ringlab boots bzImages, loaded at 1 MiB");
  const xloadflags = version >= 0x020c ? v.getUint16(SETUP_HEADER.xloadflags, true) : 0;
  if (xloadflags & XLF_KERNEL_64) {
    throw new ImageError(image, "a 64-bit (x86-64) kernel: ringlab emulates a 32-bit CPU without long mode; use an i386 kernel (e.g. Debian's 686)");
  }
  // boot.rst: setup_sects 0 means 4; the real-mode part is the boot sector plus them.
  const sects = u8(SETUP_HEADER.setupSects) || 4;
  const realModeSize = (sects + 1) * 512;
  if (bytes.length <= realModeSize) {
    throw new ImageError(image, `truncated: ${bytes.length} bytes, but the setup code alone takes ${realModeSize} (setup_sects ${sects})`);
  }
  const headerEnd = 0x202 + u8(SETUP_HEADER.jump + 1);
  const syssize = u32(SETUP_HEADER.syssize) * 16;
  // syssize counts 16-byte paragraphs, rounded up.
  if (syssize > 0 && realModeSize + syssize - 15 > bytes.length) {
    throw new ImageError(image, `truncated: the header says ${realModeSize + syssize} bytes (syssize), the file has ${bytes.length}`);
  }
  return {
    version,
    realModeSize,
    headerEnd,
    loadflags,
    xloadflags,
    initrdAddrMax: u32(SETUP_HEADER.initrdAddrMax) || 0x37ffffff,
    cmdlineSize: version >= 0x0206 ? u32(SETUP_HEADER.cmdlineSize) : 255,
    initSize: version >= 0x020a ? u32(SETUP_HEADER.initSize) : 0,
    prefAddress: version >= 0x020a ? u32(SETUP_HEADER.prefAddress) : 0x100000,
    relocatable: version >= 0x0205 && u8(SETUP_HEADER.relocatableKernel) !== 0,
    kernelAlignment: version >= 0x0205 ? u32(SETUP_HEADER.kernelAlignment) : 0,
  };
}

/** `protocol 2.15, relocatable, needs 0x1a3c000 bytes from its load address`. */
export function describeSetupHeader(h: SetupHeader): string {
  return `Linux boot protocol ${protocolText(h.version)}${h.relocatable ? ", relocatable" : ""}, init_size ${hex(h.initSize)}`;
}
