import type { MemoryLayout } from "../memory-layout.js";
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
/** §3.3 module entry: mod_start, mod_end, string, reserved. */
const MODULE_ENTRY_SIZE = 16;
/** Where the info block goes unless the kernel occupies it: low memory, as GRUB does. */
const PREFERRED_INFO_ADDR = 0x9000;

/** A boot module already placed in guest memory. */
export interface PlacedModule {
  /** First byte's physical address (page aligned: ringlab always honours header flag 0). */
  start: number;
  /** One past the last byte. */
  end: number;
  /** The module's string (its command line). */
  cmdline: string;
}

export interface MultibootInfoInput {
  /** The machine's address-space layout: mem_lower/mem_upper and the memory map come from it. */
  layout: MemoryLayout;
  cmdline: string;
  loaderName: string;
  plan: LoadPlan;
  modules?: PlacedModule[];
}

/** The info block and where it must be written. */
export interface MultibootInfo {
  addr: number;
  bytes: Uint8Array;
}

/**
 * Builds the Multiboot information structure (§3.3) for a machine with the given layout:
 * mem_lower (KiB of RAM from 0, at most 640) and mem_upper (KiB of RAM contiguous from
 * 1 MiB), a memory map listing every region of the layout (RAM as type 1, reserved regions
 * as type 2; on a default PC layout: 640 KiB, the hole, RAM above 1 MiB), the command line,
 * the boot loader's name and the module list. It is placed at 0x9000, or above the kernel
 * and modules when they use that area.
 */
export function buildMultibootInfo(input: MultibootInfoInput): MultibootInfo {
  const enc = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff).concat(0));
  const cmdline = enc(input.cmdline);
  const loader = enc(input.loaderName);
  const mmap: [number, number, number][] = input.layout.regions.map((r) => [
    r.start,
    r.size,
    r.kind === "ram" ? MMAP_AVAILABLE : MMAP_RESERVED,
  ]);
  const modules = input.modules ?? [];
  const modStrings = modules.map((m) => enc(m.cmdline));
  const mmapOff = INFO_SIZE;
  const modsOff = mmapOff + mmap.length * MMAP_ENTRY_SIZE;
  const cmdOff = modsOff + modules.length * MODULE_ENTRY_SIZE;
  const nameOff = cmdOff + cmdline.length;
  const modStringsOff = nameOff + loader.length;
  const total = modStringsOff + modStrings.reduce((n, s) => n + s.length, 0);

  const used: [number, number][] = [
    ...input.plan.segments.map((s): [number, number] => [s.addr, s.addr + s.memSize]),
    ...modules.map((m): [number, number] => [m.start, m.end]),
  ];
  const addr = chooseAddress(input.plan.image, used, total, input.layout);
  const bytes = new Uint8Array(total);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, INFO_MEMORY | INFO_CMDLINE | INFO_MODS | INFO_MMAP | INFO_LOADER_NAME, true);
  v.setUint32(4, input.layout.memLowerKiB, true);
  v.setUint32(8, input.layout.memUpperKiB, true);
  v.setUint32(16, addr + cmdOff, true);
  v.setUint32(20, modules.length, true); // mods_count
  v.setUint32(24, addr + modsOff, true); // mods_addr
  let strAt = modStringsOff;
  modules.forEach((m, i) => {
    const o = modsOff + i * MODULE_ENTRY_SIZE;
    v.setUint32(o, m.start, true);
    v.setUint32(o + 4, m.end, true);
    v.setUint32(o + 8, addr + strAt, true);
    bytes.set(modStrings[i]!, strAt);
    strAt += modStrings[i]!.length;
  });
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

function chooseAddress(image: string, used: [number, number][], size: number, layout: MemoryLayout): number {
  const free = (a: number) => layout.contains(a, size) && !used.some(([s, e]) => a < e && s < a + size);
  if (free(PREFERRED_INFO_ADDR)) return PREFERRED_INFO_ADDR;
  const above = pageAlign(Math.max(...used.map(([, e]) => e)));
  if (free(above)) return above;
  throw new ImageError(
    image,
    `no room in RAM for the ${size}-byte Multiboot information after the kernel (raise --mem or change memory.layout)`,
  );
}

/** `n` rounded up to a 4 KiB page boundary. */
export function pageAlign(n: number): number {
  return Math.ceil(n / 4096) * 4096;
}
