import type { Cpu } from "../cpu.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP, NP, SS_VEC, TS } from "../exceptions/vectors.js";
import {
  dplOf,
  fetchDescriptor,
  isCode,
  isConformingCode,
  isPresent,
  isWritableData,
  markAccessed,
  type RawDescriptor,
  rawAttr,
  toDescriptor,
} from "../mmu/descriptor.js";
import { setSegmentCache } from "../mmu/segmentation.js";
import { innerStackPointer, type StackPointer } from "../mmu/tss.js";
import { sysWr16, sysWr32 } from "../mmu/system-access.js";
import { CS, DS, ES, FS, GS, SS } from "../state/registers.js";
import { ATTR_CODE, ATTR_DB, ATTR_DC, ATTR_P, type Descriptor } from "../state/segment-cache.js";

/**
 * Privilege-level changes shared by interrupt delivery, call gates, far RET and IRET
 * (SDM vol.3 §5.8-5.9 and §6.12.1; vol.2 pseudo-code of "INT n", "CALL", "RET", "IRET"):
 * the checks on the target code segment, the switch to an inner stack taken from the TSS,
 * the checks on the outer stack a return goes back to, and nulling the data segment
 * registers an outer level may not use.
 */

/** A descriptor read for a code or stack segment about to be loaded, with its raw form. */
export class SegmentLoad {
  readonly raw: RawDescriptor = { lo: 0, hi: 0, addr: 0 };
  readonly desc: Descriptor = { base: 0, limit: 0, attr: 0 };
  selector = 0;
}

/**
 * The code segment an interrupt/trap gate or a call gate points to (SDM vol.2 "INT n",
 * "CALL"): not null (#GP(EXT)), inside its table, a code segment with DPL <= CPL
 * (#GP(selector + EXT)), present (#NP(selector + EXT)). Returns the CPL the handler runs
 * at: the segment's DPL for non-conforming code, the current CPL for conforming code.
 */
export function gateTargetCode(cpu: Cpu, selector: number, ext: number, out: SegmentLoad): number {
  selector &= 0xffff;
  if ((selector & 0xfffc) === 0) fault(GP, ext);
  const err = (selector & 0xfffc) | ext;
  if (!fetchDescriptor(cpu, selector, out.raw)) fault(GP, err);
  const attr = rawAttr(out.raw);
  if (!isCode(attr) || dplOf(attr) > cpu.cpl) fault(GP, err);
  if (!isPresent(attr)) fault(NP, err);
  toDescriptor(out.raw, out.desc);
  out.selector = selector;
  return isConformingCode(attr) ? cpu.cpl : dplOf(attr);
}

/**
 * The code segment a far RET or IRET returns to (SDM vol.2 "RET", "IRET"): not null
 * (#GP(0)), a code segment, RPL >= CPL, DPL = RPL (non-conforming) or DPL <= RPL
 * (conforming), else #GP(selector); present, else #NP(selector).
 */
export function returnTargetCode(cpu: Cpu, selector: number, out: SegmentLoad): void {
  selector &= 0xffff;
  if ((selector & 0xfffc) === 0) fault(GP, 0);
  const err = selector & 0xfffc;
  if (!fetchDescriptor(cpu, selector, out.raw)) fault(GP, err);
  const attr = rawAttr(out.raw);
  const rpl = selector & 3;
  if (!isCode(attr) || rpl < cpu.cpl) fault(GP, err);
  if (isConformingCode(attr) ? dplOf(attr) > rpl : dplOf(attr) !== rpl) fault(GP, err);
  if (!isPresent(attr)) fault(NP, err);
  toDescriptor(out.raw, out.desc);
  out.selector = selector;
}

const sp: StackPointer = { ss: 0, esp: 0 };

/**
 * The inner stack for a switch to privilege level `pl`, read from the TSS and checked (SDM
 * vol.2 "INT n" / "CALL", inter-privilege case): a null SS raises #TS(EXT); an SS outside
 * its table, with RPL or DPL other than `pl`, or not a writable data segment raises
 * #TS(SS + EXT); a not-present one #SS(SS + EXT). Returns the new ESP; `out` gets SS.
 */
export function innerStack(cpu: Cpu, pl: number, ext: number, out: SegmentLoad): number {
  innerStackPointer(cpu, pl, ext, sp);
  const ss = sp.ss;
  if ((ss & 0xfffc) === 0) fault(TS, ext);
  const err = (ss & 0xfffc) | ext;
  if (!fetchDescriptor(cpu, ss, out.raw)) fault(TS, err);
  const attr = rawAttr(out.raw);
  if ((ss & 3) !== pl || dplOf(attr) !== pl || !isWritableData(attr)) fault(TS, err);
  if (!isPresent(attr)) fault(SS_VEC, err);
  toDescriptor(out.raw, out.desc);
  out.selector = ss;
  return sp.esp;
}

/**
 * The outer stack a far RET or IRET returns to (SDM vol.2 "RET", "IRET", return to outer
 * privilege level): not null (#GP(0)); RPL equal to the return CS's RPL, inside its table,
 * a writable data segment with DPL = RPL, else #GP(SS); present, else #SS(SS).
 */
export function outerStack(cpu: Cpu, selector: number, rpl: number, out: SegmentLoad): void {
  selector &= 0xffff;
  if ((selector & 0xfffc) === 0) fault(GP, 0);
  const err = selector & 0xfffc;
  if ((selector & 3) !== rpl || !fetchDescriptor(cpu, selector, out.raw)) fault(GP, err);
  const attr = rawAttr(out.raw);
  if (!isWritableData(attr) || dplOf(attr) !== rpl) fault(GP, err);
  if (!isPresent(attr)) fault(SS_VEC, err);
  toDescriptor(out.raw, out.desc);
  out.selector = selector;
}

/**
 * Pushes a frame onto a stack that is not loaded yet (the new inner stack of an interrupt
 * or call gate): each push is checked against that segment's limit and faults
 * #SS(selector + EXT) before anything is committed.
 */
export class PendingStack {
  sp = 0;
  private mask = 0;
  private base = 0;
  private limit = 0;
  private attr = 0;
  private err = 0;

  open(ss: SegmentLoad, esp: number, ext: number): this {
    this.attr = ss.desc.attr;
    this.mask = this.attr & ATTR_DB ? 0xffffffff : 0xffff;
    this.sp = esp & this.mask;
    this.base = ss.desc.base;
    this.limit = ss.desc.limit >>> 0;
    this.err = (ss.selector & 0xfffc) | ext;
    return this;
  }

  push(cpu: Cpu, bytes: number, v: number): void {
    const off = ((this.sp - bytes) & this.mask) >>> 0;
    const last = off + bytes - 1;
    if ((this.attr & (ATTR_CODE | ATTR_DC)) === ATTR_DC) {
      const upper = this.attr & ATTR_DB ? 0xffffffff : 0xffff;
      if (off <= this.limit || last > upper) fault(SS_VEC, this.err);
    } else if (last > this.limit) {
      fault(SS_VEC, this.err);
    }
    const lin = (this.base + off) | 0;
    if (bytes === 4) sysWr32(cpu, lin, v);
    else sysWr16(cpu, lin, v);
    this.sp = off;
  }
}

/** Loads SS from a checked descriptor (setting its accessed bit) and sets ESP. */
export function commitStack(cpu: Cpu, ss: SegmentLoad, esp: number): void {
  markAccessed(cpu, ss.raw);
  ss.desc.attr |= 1;
  setSegmentCache(cpu, SS, ss.selector, ss.desc);
  const mask = ss.desc.attr & ATTR_DB ? 0xffffffff : 0xffff;
  cpu.stackMask = mask;
  cpu.regs[4] = (cpu.regs[4]! & ~mask) | (esp & mask);
}

/**
 * Loads CS from a checked descriptor at privilege level `cpl` (the selector's RPL becomes
 * the CPL) and sets EIP, flushing decoded code when the default operand size changes.
 */
export function commitCode(cpu: Cpu, code: SegmentLoad, cpl: number, eip: number): void {
  markAccessed(cpu, code.raw);
  code.desc.attr |= 1;
  cpu.privilegeChanging(cpl);
  cpu.cpl = cpl;
  setSegmentCache(cpu, CS, (code.selector & 0xfffc) | cpl, code.desc);
  const was32 = cpu.code32;
  cpu.code32 = (code.desc.attr & ATTR_DB) !== 0;
  if (was32 !== cpu.code32) cpu.codeModeChanged();
  cpu.eip = eip >>> 0;
}

const DATA_SEGS = [ES, DS, FS, GS] as const;

/**
 * After a return to an outer level: ES, DS, FS and GS holding a data or non-conforming code
 * segment more privileged than the new CPL become null (SDM vol.2 "RET"/"IRET", so the outer
 * level cannot use them).
 */
export function nullInaccessibleSegments(cpu: Cpu): void {
  for (const seg of DATA_SEGS) {
    const attr = cpu.segAttr[seg]!;
    const conforming = (attr & (ATTR_CODE | ATTR_DC)) === (ATTR_CODE | ATTR_DC);
    if (!(attr & ATTR_P) || (!conforming && dplOf(attr) < cpu.cpl)) {
      cpu.segSel[seg] = 0;
      cpu.segBase[seg] = 0;
      cpu.segLimit[seg] = 0;
      cpu.segAttr[seg] = 0;
      cpu.segCheck[seg] = 1;
    }
  }
}
