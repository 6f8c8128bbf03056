import { hex } from "@ringlab/sdk";
import type { BootFile, BootSummary } from "./boot.js";
import { ImageError, type LoadPlan, buildBootParams, linuxWorkArea, placeImage } from "./loaders/index.js";
import type { Machine } from "./machine.js";
import type { MemoryLayout } from "./memory-layout.js";
import type { BootableProcessor } from "./processor.js";

/**
 * Where the 32-bit boot protocol's pieces go in low memory (boot.rst leaves the choice to
 * the loader; these are below the EBDA and away from the kernel at 1 MiB): the boot_params
 * page, the command line after it, and a GDT holding the protocol's selectors.
 */
export const BOOT_PARAMS_ADDR = 0x10000;
const CMDLINE_ADDR = 0x11000;
const GDT_ADDR = 0x12000;
const LOW_AREA_END = 0x13000;
/** boot.rst, "32-bit boot protocol": CS must be __BOOT_CS, DS/ES/SS __BOOT_DS. */
const BOOT_CS = 0x10;
const BOOT_DS = 0x18;

const ESP = 4;
const ESI = 6;

/** Flat 4 GiB descriptors: null, unused, 0x10 code (execute/read), 0x18 data (read/write). */
const GDT = Uint8Array.from([
  ...[0, 0, 0, 0, 0, 0, 0, 0],
  ...[0, 0, 0, 0, 0, 0, 0, 0],
  ...[0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0],
  ...[0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0],
]);

/**
 * Boots a bzImage by the 32-bit boot protocol (Documentation/arch/x86/boot.rst): the
 * protected-mode kernel at 1 MiB, the initrd as high as the kernel allows (below
 * initrd_addr_max and the end of RAM contiguous from 1 MiB), the command line and
 * boot_params in low memory, a GDT with __BOOT_CS (0x10) and __BOOT_DS (0x18), and the
 * entry state the protocol requires: protected mode, paging off, IF=0, CS=0x10,
 * DS=ES=SS=FS=GS=0x18, ESI = boot_params, EBP = EDI = EBX = 0.
 */
export function bootLinux(
  machine: Machine,
  cpu: BootableProcessor,
  plan: LoadPlan,
  layout: MemoryLayout,
  cmdline: string,
  initrd: BootFile | undefined,
): BootSummary {
  const linux = plan.linux;
  if (!linux) throw new ImageError(plan.image, "not a Linux kernel plan");
  const { header } = linux;
  const ram = machine.bus.memory.ram8;
  if (!layout.contains(BOOT_PARAMS_ADDR, LOW_AREA_END - BOOT_PARAMS_ADDR)) {
    throw new ImageError(plan.image, `a Linux kernel needs RAM at ${hex(BOOT_PARAMS_ADDR)}..${hex(LOW_AREA_END - 1)} for boot_params (memory.layout)`);
  }
  const work = linuxWorkArea(plan);
  if (work && !layout.contains(work.start, work.size)) {
    const mib = Math.ceil((work.start + work.size) / 2 ** 20);
    throw new ImageError(
      plan.image,
      `this relocatable kernel decompresses at ${hex(work.start)} and needs RAM up to ${hex(work.start + work.size - 1)} (init_size ${hex(work.size)}): give the machine at least ${mib} MiB (--mem ${mib}M)`,
    );
  }
  const text = [...cmdline].map((c) => c.charCodeAt(0) & 0xff);
  if (text.length > header.cmdlineSize) {
    throw new ImageError(plan.image, `the command line is ${text.length} bytes; this kernel takes at most ${header.cmdlineSize} (cmdline_size)`);
  }
  placeImage(plan, ram, layout);
  const kernelEnd = Math.max(...plan.segments.map((s) => s.addr + s.memSize), work ? work.start + work.size : 0);
  const placed = initrd ? placeInitrd(plan.image, initrd, header.initrdAddrMax, kernelEnd, layout) : undefined;
  if (placed) ram.set(initrd!.data, placed.addr);

  ram.fill(0, BOOT_PARAMS_ADDR, LOW_AREA_END);
  ram.set([...text, 0], CMDLINE_ADDR);
  ram.set(GDT, GDT_ADDR);
  ram.set(
    buildBootParams({ header, bootSector: linux.bootSector, layout, cmdLinePtr: CMDLINE_ADDR, initrd: placed, code32Start: plan.entry }),
    BOOT_PARAMS_ADDR,
  );

  cpu.setFlat32(plan.entry, BOOT_CS, BOOT_DS);
  cpu.gdtrBase = GDT_ADDR;
  cpu.gdtrLimit = GDT.length - 1;
  // ESI = boot_params; the protocol wants EBP, EDI and EBX zero: every register but ESP is.
  for (let r = 0; r < 8; r++) if (r !== ESP) cpu.setReg32(r, r === ESI ? BOOT_PARAMS_ADDR : 0);
  return { format: plan.format, entry: plan.entry, bootParams: BOOT_PARAMS_ADDR, ...(placed ? { initrd: placed } : {}) };
}

/**
 * The initrd's address: page aligned, as high as possible below initrd_addr_max and the end
 * of the RAM run that holds the kernel (boot.rst: "as high as possible"), above the kernel.
 */
function placeInitrd(image: string, initrd: BootFile, addrMax: number, kernelEnd: number, layout: MemoryLayout): { addr: number; size: number } {
  const size = initrd.data.length;
  const run = layout.ramRuns.find(([a, b]) => a <= 0x100000 && b > 0x100000);
  const top = Math.min(addrMax + 1, run ? run[1] : 0);
  const addr = Math.floor((top - size) / 4096) * 4096;
  if (size === 0 || addr < kernelEnd) {
    if (size === 0) throw new ImageError(initrd.name, "the initrd is empty");
    throw new ImageError(
      initrd.name,
      `no room for this ${size}-byte initrd between the kernel (ends at ${hex(kernelEnd)}) and ${hex(top)} (the end of RAM or initrd_addr_max): raise --mem`,
    );
  }
  return { addr, size };
}
