/**
 * `@ringlab/devices-fw-cfg`: QEMU's firmware configuration device (fw_cfg), the I/O-port
 * interface firmware built for QEMU (SeaBIOS) reads its machine and its files through.
 */
export { FwCfg, type FwCfgOptions, fwCfgPlugin } from "./fw-cfg.js";
export {
  ARCH_LOCAL,
  DIR_ENTRY_BYTES,
  FILE_NAME_BYTES,
  type FwCfgMachineFacts,
  FwCfgKey,
  ID_TRADITIONAL,
  MAX_FILES,
  WRITE_CHANNEL,
  buildItems,
  fileDirectory,
} from "./fw-cfg-items.js";
