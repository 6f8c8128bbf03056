import type { Cpu } from "../cpu.js";
import { CpuFault, fault } from "../exceptions/cpu-fault.js";
import { GP, NP, SS_VEC, TS } from "../exceptions/vectors.js";
import {
  dplOf,
  fetchDescriptor,
  isCode,
  isConformingCode,
  isPresent,
  isReadable,
  isSystem,
  isWritableData,
  type RawDescriptor,
  rawAttr,
  SYS_LDT,
  SYS_TSS16_AVAIL,
  SYS_TSS16_BUSY,
  SYS_TSS32_AVAIL,
  SYS_TSS32_BUSY,
  toDescriptor,
} from "../mmu/descriptor.js";
import { setSegmentCache } from "../mmu/segmentation.js";
import { loadPdptes } from "../mmu/pae-paging.js";
import { CR4_PAE } from "../mmu/paging.js";
import { enterV86Segments } from "./v86.js";
import { NT, VM } from "../state/eflags.js";
import { CS, DS, ES, FS, GS, LDTR, SS, TR } from "../state/registers.js";
import { ATTR_DB, type Descriptor } from "../state/segment-cache.js";

/**
 * Hardware task switching (SDM vol.3 §7.3): JMP or CALL to a TSS descriptor or task gate,
 * an interrupt or exception through a task gate, and IRET with NT = 1 back to the task in
 * the back link. The outgoing task's state goes into its TSS, the incoming one's is loaded
 * from its TSS, with the busy bits, back link, NT and CR0.TS handled as the SDM's table 7-2
 * says, for 32-bit and 16-bit (80286) TSSs.
 */

export const enum TaskSwitchKind {
  Jump,
  Call,
  /** An interrupt or exception through a task gate. */
  Interrupt,
  Iret,
}

const CR0_TS = 8;

const raw: RawDescriptor = { lo: 0, hi: 0, addr: 0 };
const desc: Descriptor = { base: 0, limit: 0, attr: 0 };

/**
 * Checks the TSS descriptor `selector` names for a switch of `kind` (SDM vol.3 §7.3 steps
 * 2-3): in the GDT, a TSS, available (busy for IRET), present and at least 104 bytes long.
 * JMP/CALL/INT raise #GP(selector) for a bad descriptor, IRET raises #TS(selector).
 */
function checkNewTss(cpu: Cpu, selector: number, kind: TaskSwitchKind, ext: number): void {
  const err = (selector & 0xfffc) | ext;
  const bad = kind === TaskSwitchKind.Iret ? TS : GP;
  if (selector & 4 || (selector & 0xfffc) === 0 || !fetchDescriptor(cpu, selector, raw)) fault(bad, err);
  const attr = rawAttr(raw);
  const type = attr & 0x1f; // S and type: S must be 0
  const want32 = kind === TaskSwitchKind.Iret ? SYS_TSS32_BUSY : SYS_TSS32_AVAIL;
  const want16 = kind === TaskSwitchKind.Iret ? SYS_TSS16_BUSY : SYS_TSS16_AVAIL;
  if (type !== want32 && type !== want16) fault(bad, err);
  if (!isPresent(attr)) fault(NP, err);
  toDescriptor(raw, desc);
  // The smallest TSS: 104 bytes (32-bit), 44 bytes (16-bit, SDM vol.3 §7.6).
  if (desc.limit >>> 0 < (type === want32 ? 0x67 : 0x2b)) fault(TS, err);
}

/**
 * Switches to the task whose TSS `selector` names. `returnEip` is the EIP saved for the
 * outgoing task; `ext` is 1 for external events and exceptions (EXT in error codes).
 */
export function taskSwitch(cpu: Cpu, selector: number, kind: TaskSwitchKind, returnEip: number, ext: number): void {
  // Every TSS and descriptor access of a switch is a supervisor access for paging.
  const prev = cpu.sysAccess;
  cpu.setSysAccess(true);
  try {
    switchTask(cpu, selector, kind, returnEip, ext);
  } finally {
    cpu.setSysAccess(prev);
  }
}

function switchTask(cpu: Cpu, selector: number, kind: TaskSwitchKind, returnEip: number, ext: number): void {
  selector &= 0xffff;
  checkNewTss(cpu, selector, kind, ext);
  const newBase = desc.base | 0;
  const new32 = (desc.attr & 8) !== 0;

  // Save the outgoing task (dynamic fields only, SDM §7.2.1; a 16-bit TSS keeps the low
  // words and no FS/GS).
  const old = cpu.segBase[TR]!;
  let eflags = cpu.getEflags();
  if (kind === TaskSwitchKind.Iret) eflags &= ~NT;
  if (cpu.segAttr[TR]! & 8) {
    cpu.wr32((old + 0x20) | 0, returnEip);
    cpu.wr32((old + 0x24) | 0, eflags);
    for (let r = 0; r < 8; r++) cpu.wr32((old + 0x28 + 4 * r) | 0, cpu.regs[r]!);
    for (let s = 0; s < 6; s++) cpu.wr16((old + 0x48 + 4 * s) | 0, cpu.segSel[s]!);
  } else {
    cpu.wr16((old + 0x0e) | 0, returnEip);
    cpu.wr16((old + 0x10) | 0, eflags);
    for (let r = 0; r < 8; r++) cpu.wr16((old + 0x12 + 2 * r) | 0, cpu.regs[r]!);
    for (let s = 0; s < 4; s++) cpu.wr16((old + 0x22 + 2 * s) | 0, cpu.segSel[s]!);
  }
  if (kind === TaskSwitchKind.Jump || kind === TaskSwitchKind.Iret) setBusy(cpu, cpu.segSel[TR]!, false);

  // Read the incoming task's state before touching its TSS. From a 16-bit TSS the upper
  // words of the registers read as FFFFh, of EIP and EFLAGS as 0, and FS/GS are null (as
  // QEMU and Bochs do; the SDM leaves them undefined).
  const rd = (off: number): number => cpu.rd32((newBase + off) | 0);
  const rw = (off: number): number => cpu.rd16((newBase + off) | 0);
  const cr3 = new32 ? rd(0x1c) : cpu.cr3;
  const eip = new32 ? rd(0x20) >>> 0 : rw(0x0e);
  let newFlags = new32 ? rd(0x24) : rw(0x10);
  const gpr = [0, 0, 0, 0, 0, 0, 0, 0].map((_, r) => (new32 ? rd(0x28 + 4 * r) : rw(0x12 + 2 * r) | 0xffff0000));
  const sels = [0, 1, 2, 3, 4, 5].map((s) => (new32 ? rw(0x48 + 4 * s) : s < 4 ? rw(0x22 + 2 * s) : 0));
  const ldt = new32 ? rw(0x60) : rw(0x2a);

  if (kind === TaskSwitchKind.Call || kind === TaskSwitchKind.Interrupt) {
    cpu.wr16(newBase, cpu.segSel[TR]!);
    newFlags |= NT;
  }
  if (kind !== TaskSwitchKind.Iret) setBusy(cpu, selector, true);
  desc.attr |= 2; // the cached TR descriptor is busy
  setSegmentCache(cpu, TR, selector, desc);
  cpu.cr0 |= CR0_TS;
  // With PAE paging the new CR3's PDPTEs are loaded too; a reserved bit in one is #GP(0)
  // in the new task, after the commit (SDM vol.3 §4.4.1 lists task switches among the
  // loads; Bochs raises it there). The PDPTE registers then keep their old values.
  let badPdptes = false;
  if (cpu.pager !== null) {
    cpu.cr3 = cr3;
    if (cpu.cr4 & CR4_PAE) badPdptes = !loadPdptes(cpu.bus.memory, cr3, cpu.pdpte);
    cpu.pager.cr3Loaded(cpu.cr4);
    cpu.code.flush();
  }

  // From here on the switch is committed: faults belong to the new task (SDM §7.3 step 12).
  cpu.setEflags(newFlags);
  cpu.eip = eip;
  for (let r = 0; r < 8; r++) cpu.regs[r] = gpr[r]!;
  for (let s = 0; s < 6; s++) cpu.segSel[s] = sels[s]!;
  cpu.segSel[LDTR] = ldt;
  // A task whose EFLAGS.VM = 1 resumes in virtual-8086 mode at CPL 3 (SDM vol.3 §20.2.5).
  const v86 = (newFlags & VM) !== 0;
  cpu.privilegeChanging(v86 ? 3 : sels[CS]! & 3);
  cpu.cpl = v86 ? 3 : sels[CS]! & 3;
  try {
    if (badPdptes) fault(GP, 0);
    loadTaskLdt(cpu, ldt, ext);
    if (v86) enterV86Segments(cpu, sels);
    else loadTaskSegments(cpu, sels, ext);
  } catch (e) {
    if (e instanceof CpuFault) throw new CpuFault(e.vector, e.errorCode, eip);
    throw e;
  }
}

/** Sets or clears the busy bit (type bit 1) of the TSS descriptor `selector` names. */
function setBusy(cpu: Cpu, selector: number, busy: boolean): void {
  const at = (cpu.gdtrBase + (selector & 0xfff8) + 5) | 0;
  const b = cpu.rd8(at);
  cpu.wr8(at, busy ? b | 2 : b & ~2);
}

const segRaw: RawDescriptor = { lo: 0, hi: 0, addr: 0 };
const segDesc: Descriptor = { base: 0, limit: 0, attr: 0 };

function loadTaskLdt(cpu: Cpu, sel: number, ext: number): void {
  if ((sel & 0xfffc) === 0) {
    cpu.segAttr[LDTR] = 0;
    return;
  }
  const err = (sel & 0xfffc) | ext;
  if (sel & 4 || !fetchDescriptor(cpu, sel, segRaw)) fault(TS, err);
  const attr = rawAttr(segRaw);
  if ((attr & 0x1f) !== SYS_LDT || !isPresent(attr)) fault(TS, err);
  setSegmentCache(cpu, LDTR, sel, toDescriptor(segRaw, segDesc));
}

/** Loads CS, SS, then DS, ES, FS, GS with the checks of SDM vol.3 table 7-1. */
function loadTaskSegments(cpu: Cpu, sels: number[], ext: number): void {
  const cpl = cpu.cpl;
  const cs = sels[CS]!;
  const csErr = (cs & 0xfffc) | ext;
  if ((cs & 0xfffc) === 0 || !fetchDescriptor(cpu, cs, segRaw)) fault(TS, csErr);
  let attr = rawAttr(segRaw);
  if (!isCode(attr) || (isConformingCode(attr) ? dplOf(attr) > cpl : dplOf(attr) !== cpl)) fault(TS, csErr);
  if (!isPresent(attr)) fault(NP, csErr);
  setSegmentCache(cpu, CS, cs, toDescriptor(segRaw, segDesc));
  const was32 = cpu.code32;
  cpu.code32 = (segDesc.attr & ATTR_DB) !== 0;
  if (was32 !== cpu.code32) cpu.codeModeChanged();

  const ss = sels[SS]!;
  const ssErr = (ss & 0xfffc) | ext;
  if ((ss & 0xfffc) === 0 || !fetchDescriptor(cpu, ss, segRaw)) fault(TS, ssErr);
  attr = rawAttr(segRaw);
  if ((ss & 3) !== cpl || dplOf(attr) !== cpl || !isWritableData(attr)) fault(TS, ssErr);
  if (!isPresent(attr)) fault(SS_VEC, ssErr);
  setSegmentCache(cpu, SS, ss, toDescriptor(segRaw, segDesc));
  cpu.stackMask = segDesc.attr & ATTR_DB ? 0xffffffff : 0xffff;

  for (const s of [DS, ES, FS, GS]) {
    const sel = sels[s]!;
    if ((sel & 0xfffc) === 0) {
      cpu.segBase[s] = 0;
      cpu.segLimit[s] = 0;
      cpu.segAttr[s] = 0;
      cpu.segCheck[s] = 1;
      continue;
    }
    const err = (sel & 0xfffc) | ext;
    if (!fetchDescriptor(cpu, sel, segRaw)) fault(TS, err);
    attr = rawAttr(segRaw);
    if (isSystem(attr) || !isReadable(attr)) fault(TS, err);
    if (!isConformingCode(attr) && (dplOf(attr) < cpl || dplOf(attr) < (sel & 3))) fault(TS, err);
    if (!isPresent(attr)) fault(NP, err);
    setSegmentCache(cpu, s, sel, toDescriptor(segRaw, segDesc));
  }
}
