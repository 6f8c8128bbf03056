import { ImageError } from "./image-error.js";
import type { LoadPlan } from "./load-plan.js";
import { describeSetupHeader, parseSetupHeader } from "./linux-setup-header.js";

/**
 * Where ringlab loads a bzImage's protected-mode kernel: 1 MiB, as boot.rst's 32-bit boot
 * protocol and every loader since bzImages exist do. A relocatable kernel moves itself to
 * its preferred address to decompress (pref_address, typically 16 MiB).
 */
export const LINUX_LOAD_ADDR = 0x100000;

/**
 * Plans loading a Linux/x86 bzImage (boot protocol 2.03 or later) for the 32-bit boot
 * protocol: the protected-mode kernel — everything after the setup sectors — at 1 MiB,
 * entered at its start (code32_start); the memory it needs from there to decompress
 * (init_size) is part of the segment, so it must be RAM. boot_params, the command line and
 * the initrd are placed at boot ({@link linuxWorkArea} for a relocatable kernel).
 */
export function planLinux(image: string, bytes: Uint8Array): LoadPlan {
  const header = parseSetupHeader(image, bytes);
  const kernel = bytes.subarray(header.realModeSize);
  const needEnd = LINUX_LOAD_ADDR + Math.max(kernel.length, header.initSize);
  if (needEnd > 2 ** 32) throw new ImageError(image, `${describeSetupHeader(header)}: needs memory past 4 GiB`);
  return {
    image,
    format: "linux",
    segments: [{ addr: LINUX_LOAD_ADDR, data: kernel, memSize: needEnd - LINUX_LOAD_ADDR }],
    entry: LINUX_LOAD_ADDR,
    linux: { header, bootSector: bytes.subarray(0, Math.min(bytes.length, 0x400)) },
  };
}

/**
 * The RAM a kernel works in besides its load area: a relocatable kernel loaded below its
 * preferred address decompresses at pref_address (arch/x86/boot/compressed/head_32.S), so
 * [pref_address, pref_address + init_size) must be RAM too. Null when it has no such need.
 */
export function linuxWorkArea(plan: LoadPlan): { start: number; size: number } | null {
  const h = plan.linux?.header;
  if (!h || !h.relocatable || h.prefAddress <= LINUX_LOAD_ADDR) return null;
  return { start: h.prefAddress, size: h.initSize };
}
