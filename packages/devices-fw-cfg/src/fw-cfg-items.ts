/**
 * The items a QEMU fw_cfg device serves and how they are laid out (QEMU docs/specs/fw_cfg.rst,
 * "Firmware Configuration Items"; key numbers as in QEMU's include/standard-headers/linux/
 * qemu_fw_cfg.h). Numeric items are little-endian, as QEMU's fw_cfg_add_i16/i32/i64 store
 * them; the file directory alone is big-endian.
 */

/** Selector keys of the items this device serves (generic items, bit 15 clear). */
export const FwCfgKey = {
  /** "QEMU": the four bytes that tell firmware the device is present. */
  SIGNATURE: 0x0000,
  /** 32-bit feature bitmap: bit 0 the traditional (port) interface, bit 1 DMA. */
  ID: 0x0001,
  /** The machine's 16-byte UUID (SMBIOS type 1). */
  UUID: 0x0002,
  /** 64-bit RAM size in bytes. */
  RAM_SIZE: 0x0003,
  /** 16-bit: nonzero when the machine has no graphical display. */
  NOGRAPHIC: 0x0004,
  /** 16-bit: CPUs present at power-on. */
  NB_CPUS: 0x0005,
  /** 16-bit: whether the firmware shows its boot menu. */
  BOOT_MENU: 0x000e,
  /** 16-bit: the most CPUs the machine can have. */
  MAX_CPUS: 0x000f,
  /** The file directory: a big-endian count, then one 64-byte entry per file. */
  FILE_DIR: 0x0019,
  /** The key of the first file; files follow in name order. */
  FILE_FIRST: 0x0020,
} as const;

/** Bit 14 of a selector asks for write access to the item; the item read is the same. */
export const WRITE_CHANNEL = 0x4000;
/** Bit 15 of a selector: an architecture-specific item (none here: they read as empty). */
export const ARCH_LOCAL = 0x8000;
/** FW_CFG_ID bit 0: the selector/data port interface. Bit 1 (DMA) stays clear: no DMA here. */
export const ID_TRADITIONAL = 1;
/** A directory entry's name field: 56 bytes, NUL-terminated, so at most 55 characters. */
export const FILE_NAME_BYTES = 56;
/** The size of one directory entry (BE32 size, BE16 select, u16 reserved, name). */
export const DIR_ENTRY_BYTES = 64;
/** The keys a file can have: FILE_FIRST up to the last generic key 0x3FFF. */
export const MAX_FILES = 0x4000 - FwCfgKey.FILE_FIRST;

/** What the machine tells the firmware through the numeric items. */
export interface FwCfgMachineFacts {
  /** RAM size in bytes (FW_CFG_RAM_SIZE). */
  ramSize: number;
  /** CPUs present and at most (FW_CFG_NB_CPUS, FW_CFG_MAX_CPUS). */
  cpus: number;
}

/**
 * Every item of the device, by selector key (bit 14 clear). `files` is sorted by name here and
 * numbered from FILE_FIRST, as QEMU does for current machine types, so the directory and the
 * keys do not depend on the order the files were given in.
 */
export function buildItems(facts: FwCfgMachineFacts, files: ReadonlyMap<string, Uint8Array>): Map<number, Uint8Array> {
  const items = new Map<number, Uint8Array>([
    [FwCfgKey.SIGNATURE, ascii("QEMU")],
    [FwCfgKey.ID, le(ID_TRADITIONAL, 4)],
    [FwCfgKey.UUID, new Uint8Array(16)],
    [FwCfgKey.RAM_SIZE, le(facts.ramSize, 8)],
    [FwCfgKey.NOGRAPHIC, le(0, 2)],
    [FwCfgKey.NB_CPUS, le(facts.cpus, 2)],
    [FwCfgKey.BOOT_MENU, le(0, 2)],
    [FwCfgKey.MAX_CPUS, le(facts.cpus, 2)],
  ]);
  const names = [...files.keys()].sort(compareNames);
  items.set(FwCfgKey.FILE_DIR, fileDirectory(names.map((name) => ({ name, size: files.get(name)!.length }))));
  names.forEach((name, i) => items.set(FwCfgKey.FILE_FIRST + i, files.get(name)!));
  return items;
}

/**
 * FW_CFG_FILE_DIR for `files` in the given order, keys from FILE_FIRST: BE32 count, then per
 * file BE32 size, BE16 select, two reserved zero bytes and the NUL-padded 56-byte name.
 */
export function fileDirectory(files: readonly { name: string; size: number }[]): Uint8Array {
  const out = new Uint8Array(4 + DIR_ENTRY_BYTES * files.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, files.length);
  files.forEach((f, i) => {
    const at = 4 + DIR_ENTRY_BYTES * i;
    view.setUint32(at, f.size);
    view.setUint16(at + 4, FwCfgKey.FILE_FIRST + i);
    out.set(ascii(f.name).subarray(0, FILE_NAME_BYTES - 1), at + 8);
  });
  return out;
}

/** Byte order of names, as QEMU's strcmp; names are ASCII, so code units are bytes. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An ASCII string's bytes (file names are printable ASCII; see the plugin's options). */
function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** `value` as `bytes` little-endian bytes (values up to 2^53). */
function le(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = value;
  for (let i = 0; i < bytes; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}
