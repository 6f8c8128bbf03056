import { CONVENTIONAL_RAM_END, EXTENDED_RAM_START } from "../memory-layout.js";
import { ImageError } from "./image-error.js";
import type { LoadPlan } from "./load-plan.js";

/** Multiboot 0.6.96 §3.3 info flags ringlab fills in. */
const INFO_MEMORY = 1 << 0;
const INFO_CMDLINE = 1 << 2;
const INFO_MODS = 1 << 3;
const INFO_MMAP = 1 << 6;
const INFO_LOADER_NAME = 1 << 9;
/** Size of the fixed info structure (up to and including the VBE fields), §3.3. */
const INFO_SIZE = 88;
/** §3.3 mmap entry: size (not counting itself), base (64-bit), length (64-bit), type. */
const MMAP_ENTRY_SIZE = 24;
const MMAP_AVAILABLE = 1;
const MMAP_RESERVED = 2;
/** Where the info block goes unless the kernel occupies it: low memory, as GRUB does. */
const PREFERRED_INFO_ADDR = 0x9000;

export interface MultibootInfoInput {
  ramSize: number;
  cmdline: string;
  loaderName: string;
  plan: LoadPlan;
}

/** The info block and where it must be written. */
export interface MultibootInfo {
  addr: number;
  bytes: Uint8Array;
}

/**
 * Builds the Multiboot information structure (§3.3) for a PC of `ramSize` bytes: mem_lower /
 * mem_upper, a memory map describing the configured layout (640 KiB, the reserved hole, RAM
 * above 1 MiB), the command line, the boot loader's name and an empty module list. It is
 * placed at 0x9000, or above the kernel's last byte when the kernel uses that area.
 */
export function buildMultibootInfo(input: MultibootInfoInput): MultibootInfo {
  const enc = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff).concat(0));
  const cmdline = enc(input.cmdline);
  const loader = enc(input.loaderName);
  const mmap: [number, number, number][] = [
    [0, CONVENTIONAL_RAM_END, MMAP_AVAILABLE],
    [CONVENTIONAL_RAM_END, EXTENDED_RAM_START - CONVENTIONAL_RAM_END, MMAP_RESERVED],
    [EXTENDED_RAM_START, input.ramSize - EXTENDED_RAM_START, MMAP_AVAILABLE],
  ];
  const mmapOff = INFO_SIZE;
  const cmdOff = mmapOff + mmap.length * MMAP_ENTRY_SIZE;
  const nameOff = cmdOff + cmdline.length;
  const total = nameOff + loader.length;

  const addr = chooseAddress(input.plan, total, input.ramSize);
  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, INFO_MEMORY | INFO_CMDLINE | INFO_MODS | INFO_MMAP | INFO_LOADER_NAME, true);
  v.setUint32(4, CONVENTIONAL_RAM_END / 1024, true); // mem_lower: KiB from 0
  v.setUint32(8, (input.ramSize - EXTENDED_RAM_START) / 1024, true); // mem_upper: KiB from 1 MiB
  v.setUint32(16, addr + cmdOff, true);
  v.setUint32(20, 0, true); // mods_count
  v.setUint32(24, 0, true); // mods_addr
  v.setUint32(44, mmap.length * MMAP_ENTRY_SIZE, true);
  v.setUint32(48, addr + mmapOff, true);
  v.setUint32(64, addr + nameOff, true);
  mmap.forEach(([base, length, type], i) => {
    const o = mmapOff + i * MMAP_ENTRY_SIZE;
    v.setUint32(o, MMAP_ENTRY_SIZE - 4, true);
    v.setUint32(o + 4, base, true);
    v.setUint32(o + 12, length, true);
    v.setUint32(o + 20, type, true);
  });
  bytes.set(cmdline, cmdOff);
  bytes.set(loader, nameOff);
  return { addr, bytes };
}

function chooseAddress(plan: LoadPlan, size: number, ramSize: number): number {
  const overlaps = (a: number) => plan.segments.some((s) => a < s.addr + s.memSize && s.addr < a + size);
  if (!overlaps(PREFERRED_INFO_ADDR)) return PREFERRED_INFO_ADDR;
  const end = Math.max(...plan.segments.map((s) => s.addr + s.memSize));
  const above = Math.ceil(end / 4096) * 4096;
  if (above + size <= ramSize && !overlaps(above)) return above;
  throw new ImageError(plan.image, `no room in RAM for the ${size}-byte Multiboot information after the kernel (raise --mem)`);
}
