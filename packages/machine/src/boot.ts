import { hex } from "@ringlab/sdk";
import {
  ImageError,
  type LoadPlan,
  MULTIBOOT_BOOTLOADER_MAGIC,
  type PlacedModule,
  buildMultibootInfo,
  pageAlign,
  placeImage,
} from "./loaders/index.js";
import type { Machine } from "./machine.js";
import { memoryLayoutOf } from "./machine-config.js";
import type { MemoryLayout } from "./memory-layout.js";
import type { BootableProcessor } from "./processor.js";
import { bootLinux } from "./boot-linux.js";

const EAX = 0;
const EBX = 3;

/** What was loaded, for reports and `--stats`. */
export interface BootSummary {
  format: LoadPlan["format"];
  entry: number;
  /** Address of the Multiboot information structure (Multiboot kernels only). */
  infoAddr?: number;
  /** Where the boot modules went. */
  modules?: PlacedModule[];
  /** A Linux kernel's boot_params page and initrd. */
  bootParams?: number;
  initrd?: { addr: number; size: number };
}

/** A file handed to the kernel (a Linux initrd). */
export interface BootFile {
  /** For messages (the file name). */
  name: string;
  data: Uint8Array;
}

/** A Multiboot boot module: a file's bytes and its string. */
export interface BootModule {
  /** For messages (the file name). */
  name: string;
  data: Uint8Array;
  /** The module's string: by convention its path and arguments, as GRUB passes them. */
  cmdline: string;
}

/**
 * Loads a planned kernel into the machine's RAM and sets the processor's entry state.
 * Multiboot kernels start as §3.2 of the spec says: EAX = 0x2BADB002, EBX = the info
 * structure's address, flat 32-bit code and data segments, PE = 1, paging off, IF = 0.
 * Raw images get the same flat state with EAX = EBX = 0.
 */
export function bootKernel(
  machine: Machine,
  cpu: BootableProcessor,
  plan: LoadPlan,
  options: { cmdline?: string; loaderName?: string; modules?: BootModule[]; initrd?: BootFile } = {},
): BootSummary {
  const ram = machine.bus.memory.ram8;
  const layout = memoryLayoutOf(machine.config);
  placeImage(plan, ram, layout);
  cpu.setFlat32(plan.entry);
  if (plan.format === "raw") {
    if (options.modules?.length) throw new ImageError(plan.image, "boot modules need a Multiboot kernel, not a raw image");
    cpu.setReg32(EAX, 0);
    cpu.setReg32(EBX, 0);
    return { format: plan.format, entry: plan.entry };
  }
  if (plan.format === "linux") {
    if (options.modules?.length) throw new ImageError(plan.image, "boot modules are for Multiboot kernels; give a Linux kernel its initrd (--initrd)");
    return bootLinux(machine, cpu, plan, layout, options.cmdline ?? "", options.initrd);
  }
  if (options.initrd) throw new ImageError(plan.image, "an initrd (--initrd) needs a Linux bzImage; give a Multiboot kernel boot modules (--module)");
  const modules = placeModules(plan, options.modules ?? [], ram, layout);
  const info = buildMultibootInfo({
    layout,
    cmdline: options.cmdline ?? "",
    loaderName: options.loaderName ?? "ringlab",
    plan,
    modules,
  });
  machine.bus.memory.ram8.set(info.bytes, info.addr);
  cpu.setReg32(EAX, MULTIBOOT_BOOTLOADER_MAGIC);
  cpu.setReg32(EBX, info.addr);
  return { format: plan.format, entry: plan.entry, infoAddr: info.addr, modules };
}

/**
 * Places boot modules one after another on page boundaries above the kernel (Multiboot
 * §3.3: modules are page aligned when the header's flag 0 asks; ringlab always aligns).
 */
function placeModules(plan: LoadPlan, modules: BootModule[], ram: Uint8Array, layout: MemoryLayout): PlacedModule[] {
  let at = pageAlign(Math.max(...plan.segments.map((s) => s.addr + s.memSize)));
  return modules.map((m) => {
    if (!layout.contains(at, m.data.length)) {
      throw new ImageError(
        m.name,
        `no room for this ${m.data.length}-byte module in RAM at ${hex(at)}, above the kernel (raise --mem or change memory.layout)`,
      );
    }
    ram.set(m.data, at);
    const placed = { start: at, end: at + m.data.length, cmdline: m.cmdline };
    at = pageAlign(placed.end);
    return placed;
  });
}
