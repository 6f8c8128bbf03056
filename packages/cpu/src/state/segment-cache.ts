/**
 * The hidden part of a segment register (SDM vol.3 §3.4.3): what the CPU loaded from the
 * descriptor. Stored in parallel typed arrays on the CPU state (index = ES..GS, LDTR, TR) so
 * an address computation is two array loads.
 *
 * `attr` holds descriptor bits 40-55 shifted down: bits 0-7 the access byte (type, S, DPL,
 * P), bits 12-15 AVL, L, D/B, G. The limit is already scaled by G.
 */
export const ATTR_TYPE_MASK = 0x0f;
/** Type bit 0: accessed. */
export const ATTR_ACCESSED = 0x01;
/** Data: writable; code: readable. */
export const ATTR_RW = 0x02;
/** Data: expand-down; code: conforming. */
export const ATTR_DC = 0x04;
/** Type bit 3: code (1) or data (0). */
export const ATTR_CODE = 0x08;
/** S: code/data (1) or system (0). */
export const ATTR_S = 0x10;
export const ATTR_DPL_SHIFT = 5;
export const ATTR_P = 0x80;
/** D/B: 32-bit default size (code), 32-bit stack/upper bound (data). */
export const ATTR_DB = 0x4000;
export const ATTR_G = 0x8000;

/** Flat 4 GiB, present, DPL 0, 32-bit, execute/read code, accessed. */
export const FLAT_CODE32_ATTR = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;
/** Flat 4 GiB, present, DPL 0, 32-bit (B), read/write data, accessed. */
export const FLAT_DATA32_ATTR = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;

/** A decoded 8-byte segment descriptor (SDM vol.3 fig. 3-8). */
export interface Descriptor {
  base: number;
  /** Byte-granular limit (already scaled when G=1). */
  limit: number;
  attr: number;
}

/** Decodes the two dwords of a descriptor. */
export function parseDescriptor(lo: number, hi: number, out: Descriptor): Descriptor {
  out.base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
  let limit = (lo & 0xffff) | (hi & 0x000f0000);
  out.attr = (hi >>> 8) & 0xf0ff;
  if (out.attr & ATTR_G) limit = ((limit << 12) | 0xfff) >>> 0;
  out.limit = limit;
  return out;
}
