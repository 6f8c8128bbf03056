import { le } from "../encoding.js";
import { DATA_BASE } from "../layout.js";

/**
 * Segment descriptors for the protected-mode families (segload, farxfer): their encoding and
 * the attribute tests the SDM's checks use (SDM vol.3 3.4.5 "Segment Descriptors", 3.4.5.1
 * "Code- and Data-Segment Descriptor Types").
 */

/** Where those families put their GDT: below the builder's operand area (DATA_BASE+0x100 up). */
export const GDT_BASE = DATA_BASE;

/** One GDT entry as the generator made it. */
export interface Desc {
  base: number;
  /** Raw 20-bit limit. */
  limit: number;
  /** Access byte: P, DPL, S, type (SDM vol.3 figure 3-8). */
  access: number;
  /** G and D/B. */
  g: boolean;
  big: boolean;
}

export function encodeDesc(d: Desc): number[] {
  const lo = (d.limit & 0xffff) | ((d.base & 0xffff) << 16);
  const hi = ((d.base >>> 16) & 0xff) | (d.access << 8) | (d.limit & 0xf0000) | ((d.g ? 8 : 0) | (d.big ? 4 : 0)) << 20 | (d.base & 0xff000000);
  return [...le(lo >>> 0, 4), ...le(hi >>> 0, 4)];
}

export const isPresent = (d: Desc) => (d.access & 0x80) !== 0;
export const isS = (d: Desc) => (d.access & 0x10) !== 0;
export const isCode = (d: Desc) => isS(d) && (d.access & 0x08) !== 0;
export const readable = (d: Desc) => isS(d) && (!isCode(d) || (d.access & 0x02) !== 0);
export const writableData = (d: Desc) => isS(d) && !isCode(d) && (d.access & 0x02) !== 0;
export const conforming = (d: Desc) => isCode(d) && (d.access & 0x04) !== 0;
export const expandDown = (d: Desc) => isS(d) && !isCode(d) && (d.access & 0x04) !== 0;
export const dpl = (d: Desc) => (d.access >> 5) & 3;
/** Byte-granular limit (G: 4 KiB units with the low 12 bits set, SDM vol.3 3.4.5). */
export const effLimit = (d: Desc) => (d.g ? ((d.limit << 12) | 0xfff) >>> 0 : d.limit);

