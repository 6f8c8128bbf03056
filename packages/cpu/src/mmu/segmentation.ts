import { fault } from "../exceptions/cpu-fault.js";
import { AC_VEC, GP, NP, SS_VEC } from "../exceptions/vectors.js";
import type { CpuState } from "../state/cpu-state.js";
import { AC } from "../state/eflags.js";
import { LDTR, SS } from "../state/registers.js";
import {
  ATTR_CODE,
  ATTR_DB,
  ATTR_DC,
  ATTR_DPL_SHIFT,
  ATTR_P,
  ATTR_RW,
  ATTR_S,
  type Descriptor,
  parseDescriptor,
} from "../state/segment-cache.js";

/**
 * Segmentation (SDM vol.3 ch.3 and §5.3-5.6): turning a segment:offset into a linear
 * address and checking it against the descriptor cache. The fast path (flat read/write data,
 * `segCheck[seg] === 0`) never comes here.
 */

/** Recomputes whether accesses through `seg` need checks (see CpuState.segCheck). */
export function refreshSegCheck(s: CpuState, seg: number): void {
  const attr = s.segAttr[seg]!;
  const flatData =
    (attr & (ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | ATTR_DC)) === (ATTR_P | ATTR_S | ATTR_RW) &&
    s.segLimit[seg] === -1;
  // With CR0.AM set every access takes the checked path, where alignment checking lives: the
  // flat fast path stays free of it, and most systems leave AM clear.
  s.segCheck[seg] = flatData && !(s.cr0 & CR0_AM) ? 0 : 1;
}

/** CR0.AM: alignment mask, the enable of #AC (SDM vol.3 §2.5). */
export const CR0_AM = 0x40000;

/**
 * SDM vol.3 §6.15, interrupt 17 (#AC) and table 6-7: with CR0.AM = 1 and EFLAGS.AC = 1, a
 * data access at CPL 3 that is not aligned to its size faults #AC(0): words on 2 bytes,
 * doublewords and 48-bit far pointers on 4, quadwords on 8.
 */
function checkAlignment(s: CpuState, seg: number, off: number, len: number): void {
  if (len < 2 || !(s.cr0 & CR0_AM) || s.cpl !== 3 || !(s.eflagsRest & AC)) return;
  const align = len === 6 ? 4 : len >= 8 ? 8 : len;
  if (((s.segBase[seg]! + off) & (align - 1)) !== 0) fault(AC_VEC, 0);
}

/**
 * Checks an access of `len` bytes at `offset` through segment `seg` (SDM vol.3 §5.3 limit
 * checking, §5.4 type checking). Faults #SS(0) for the stack segment, #GP(0) otherwise.
 */
export function checkSegmentAccess(s: CpuState, seg: number, offset: number, len: number, write: boolean): void {
  const vector = seg === SS ? SS_VEC : GP;
  const attr = s.segAttr[seg]!;
  // A null selector loaded in protected mode leaves the register unusable (P=0 in the cache).
  if (!(attr & ATTR_P)) fault(vector, 0);
  if (attr & ATTR_CODE) {
    // Code segments are never writable, and readable only with the R bit (SDM table 3-1).
    if (write || !(attr & ATTR_RW)) fault(vector, 0);
  } else if (write && !(attr & ATTR_RW)) {
    fault(vector, 0);
  }
  const off = offset >>> 0;
  const last = off + len - 1;
  const limit = s.segLimit[seg]! >>> 0;
  if ((attr & (ATTR_CODE | ATTR_DC)) === ATTR_DC) {
    // Expand-down data: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF (SDM §5.3).
    const upper = attr & ATTR_DB ? 0xffffffff : 0xffff;
    if (off <= limit || last > upper) fault(vector, 0);
  } else if (last > limit) {
    fault(vector, 0);
  }
  checkAlignment(s, seg, off, len);
}

/** Reads the descriptor a selector names from the GDT or LDT, or faults #GP(selector). */
export function readDescriptor(
  s: CpuState,
  selector: number,
  read32: (lin: number) => number,
  out: Descriptor,
  errVector = GP,
): Descriptor {
  const index = selector & 0xfff8;
  let tableBase: number;
  let tableLimit: number;
  if (selector & 4) {
    if (!(s.segAttr[LDTR]! & ATTR_P)) fault(errVector, selector & 0xfffc);
    tableBase = s.segBase[LDTR]!;
    tableLimit = s.segLimit[LDTR]! >>> 0;
  } else {
    tableBase = s.gdtrBase;
    tableLimit = s.gdtrLimit;
  }
  if (index + 7 > tableLimit) fault(errVector, selector & 0xfffc);
  const lo = read32((tableBase + index) | 0);
  const hi = read32((tableBase + index + 4) | 0);
  return parseDescriptor(lo, hi, out);
}

/** Writes a descriptor cache entry. */
export function setSegmentCache(s: CpuState, seg: number, selector: number, d: Descriptor): void {
  s.segSel[seg] = selector & 0xffff;
  s.segBase[seg] = d.base | 0;
  s.segLimit[seg] = d.limit | 0;
  s.segAttr[seg] = d.attr;
  refreshSegCheck(s, seg);
}

const scratch: Descriptor = { base: 0, limit: 0, attr: 0 };

/**
 * MOV/POP to a data segment register or SS in protected mode (SDM vol.2 "MOV—Move",
 * protected-mode operation). A null selector makes DS/ES/FS/GS unusable; SS may not be null.
 */
export function loadDataSegment(
  s: CpuState,
  seg: number,
  selector: number,
  read32: (lin: number) => number,
): void {
  selector &= 0xffff;
  const err = selector & 0xfffc;
  if ((selector & 0xfffc) === 0) {
    if (seg === SS) fault(GP, 0);
    s.segSel[seg] = selector;
    s.segBase[seg] = 0;
    s.segLimit[seg] = 0;
    s.segAttr[seg] = 0;
    s.segCheck[seg] = 1;
    return;
  }
  const d = readDescriptor(s, selector, read32, scratch);
  const attr = d.attr;
  const dpl = (attr >> ATTR_DPL_SHIFT) & 3;
  const rpl = selector & 3;
  if (!(attr & ATTR_S)) fault(GP, err);
  if (seg === SS) {
    // SS needs a writable data segment with RPL = DPL = CPL.
    if (attr & ATTR_CODE || !(attr & ATTR_RW) || rpl !== s.cpl || dpl !== s.cpl) fault(GP, err);
    if (!(attr & ATTR_P)) fault(SS_VEC, err);
  } else {
    // Data or readable code; for data and non-conforming code, DPL >= max(CPL, RPL).
    if ((attr & (ATTR_CODE | ATTR_RW)) === ATTR_CODE) fault(GP, err);
    const conformingCode = (attr & (ATTR_CODE | ATTR_DC)) === (ATTR_CODE | ATTR_DC);
    if (!conformingCode && (rpl > dpl || s.cpl > dpl)) fault(GP, err);
    if (!(attr & ATTR_P)) fault(NP, err);
  }
  setSegmentCache(s, seg, selector, d);
  if (seg === SS) s.stackMask = attr & ATTR_DB ? 0xffffffff : 0xffff;
}
