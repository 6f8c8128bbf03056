export { type LoadPlan, type LoadSegment } from "./load-plan.js";
export { ImageError } from "./image-error.js";
export { isElf, parseElf32 } from "./elf32.js";
export {
  MULTIBOOT_BOOTLOADER_MAGIC,
  MULTIBOOT_HEADER_MAGIC,
  type MultibootHeader,
  findMultibootHeader,
  planMultiboot,
} from "./multiboot.js";
export { type MultibootInfo, type MultibootInfoInput, type PlacedModule, buildMultibootInfo, pageAlign } from "./multiboot-info.js";
export { planRaw } from "./raw.js";
export { checkPlanFits, placeImage } from "./place-image.js";
export { ROM_AREA_START, mapRomImage } from "./rom.js";
export {
  HDRS_MAGIC,
  type SetupHeader,
  describeSetupHeader,
  isBzImage,
  parseSetupHeader,
  protocolText,
} from "./linux-setup-header.js";
export { LINUX_LOAD_ADDR, linuxWorkArea, planLinux } from "./linux.js";
export { type BootParamsInput, buildBootParams } from "./linux-boot-params.js";
