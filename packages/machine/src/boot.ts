import {
  type LoadPlan,
  MULTIBOOT_BOOTLOADER_MAGIC,
  buildMultibootInfo,
  placeImage,
} from "./loaders/index.js";
import type { Machine } from "./machine.js";
import type { BootableProcessor } from "./processor.js";

const EAX = 0;
const EBX = 3;

/** What was loaded, for reports and `--stats`. */
export interface BootSummary {
  format: LoadPlan["format"];
  entry: number;
  /** Address of the Multiboot information structure (Multiboot kernels only). */
  infoAddr?: number;
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
  options: { cmdline?: string; loaderName?: string } = {},
): BootSummary {
  placeImage(plan, machine.bus.memory.ram8);
  cpu.setFlat32(plan.entry);
  if (plan.format === "raw") {
    cpu.setReg32(EAX, 0);
    cpu.setReg32(EBX, 0);
    return { format: plan.format, entry: plan.entry };
  }
  const info = buildMultibootInfo({
    ramSize: machine.bus.memory.ram8.length,
    cmdline: options.cmdline ?? "",
    loaderName: options.loaderName ?? "ringlab",
    plan,
  });
  machine.bus.memory.ram8.set(info.bytes, info.addr);
  cpu.setReg32(EAX, MULTIBOOT_BOOTLOADER_MAGIC);
  cpu.setReg32(EBX, info.addr);
  return { format: plan.format, entry: plan.entry, infoAddr: info.addr };
}
