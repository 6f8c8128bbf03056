/** PC memory layout (IBM PC/AT): conventional RAM ends at 640 KiB, extended RAM starts at 1 MiB. */
export const CONVENTIONAL_RAM_END = 0xa0000;
export const EXTENDED_RAM_START = 0x100000;
