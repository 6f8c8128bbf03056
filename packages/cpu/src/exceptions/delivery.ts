import type { Cpu } from "../cpu.js";
import { commitCodeSegment, loadCodeSegmentSamePl } from "../mmu/segmentation.js";
import { AC, DF, ID, IF, IOPL, NT, RF, STATUS_FLAGS, TF, VM } from "../state/eflags.js";
import { CS, SS } from "../state/registers.js";
import { fault, unimplemented } from "./cpu-fault.js";
import { GP, NP } from "./vectors.js";

/**
 * Interrupt and exception delivery through the IDT, and IRET (SDM vol.3 §6.10-6.14).
 * This issue covers protected mode with 16/32-bit interrupt and trap gates to a code segment
 * at the current privilege level; the system-architecture work extends this file with
 * privilege changes (TSS stack switch), task gates, virtual-8086 mode and real mode (IVT).
 */

/** Where an event comes from: it decides the gate DPL check and the EXT bit of error codes. */
export const enum EventSource {
  /** INT n, INT3, INTO: the gate's DPL must be >= CPL; EXT = 0. */
  Software = 0,
  /** A processor exception: EXT = 1 in error codes raised while delivering it. */
  Exception = 1,
  /** An interrupt from the bus's controller: EXT = 1. */
  External = 2,
}

const GATE_TASK = 0x5;
const GATE_INT16 = 0x6;
const GATE_TRAP16 = 0x7;
const GATE_INT32 = 0xe;
const GATE_TRAP32 = 0xf;

/**
 * Delivers `vector` with `errorCode` (-1 = none), pushing `returnEip`. Faults raised here
 * (a bad gate, a stack fault) propagate to the caller, which applies the double-fault rules.
 */
export function deliverInterrupt(
  cpu: Cpu,
  vector: number,
  errorCode: number,
  returnEip: number,
  source: EventSource,
): void {
  if (!(cpu.cr0 & 1)) unimplemented("real-mode interrupt delivery (IVT)");
  if (cpu.eflagsRest & VM) unimplemented("interrupt delivery from virtual-8086 mode");
  const ext = source === EventSource.Software ? 0 : 1;
  const gateErr = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > cpu.idtrLimit) fault(GP, gateErr);
  const lo = cpu.rd32((cpu.idtrBase + vector * 8) | 0);
  const hi = cpu.rd32((cpu.idtrBase + vector * 8 + 4) | 0);
  // Bits 8-12 of the high dword: the 4-bit type plus S, which must be 0 for a gate.
  const type = (hi >> 8) & 0x1f;
  if (type !== GATE_INT16 && type !== GATE_TRAP16 && type !== GATE_INT32 && type !== GATE_TRAP32) {
    if (type === GATE_TASK) unimplemented("task gate in the IDT");
    fault(GP, gateErr);
  }
  const dpl = (hi >> 13) & 3;
  if (source === EventSource.Software && dpl < cpu.cpl) fault(GP, gateErr);
  if (!(hi & 0x8000)) fault(NP, gateErr);
  const selector = lo >>> 16;
  const gate32 = (type & 8) !== 0;
  const offset = gate32 ? ((hi & 0xffff0000) | (lo & 0xffff)) >>> 0 : lo & 0xffff;
  const d = loadCodeSegmentSamePl(cpu, selector, (a) => cpu.rd32(a), ext, false);
  if (offset > d.limit) fault(GP, ext);

  // Build the frame below ESP first and commit ESP only when every write succeeded.
  const n = gate32 ? 4 : 2;
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  let sp = esp;
  const write = (v: number): void => {
    sp = (sp - n) & mask;
    const lin = cpu.segAddr(SS, sp, n, true);
    if (n === 4) cpu.wr32(lin, v);
    else cpu.wr16(lin, v);
  };
  write(cpu.getEflags());
  write(cpu.segSel[CS]!);
  write(returnEip);
  if (errorCode >= 0) write(errorCode);
  cpu.regs[4] = (esp & ~mask) | (sp & mask);

  if (commitCodeSegment(cpu, selector, d)) cpu.codeModeChanged();
  cpu.eip = offset;
  let clear = TF | NT | RF | VM;
  if ((type & 1) === 0) clear |= IF; // interrupt gates (not trap gates) clear IF
  cpu.eflagsRest &= ~clear;
}

/**
 * IRET/IRETD in protected mode to the same privilege level (SDM vol.2 "IRET"). Returns
 * with NT=1 (task return), to virtual-8086 mode or to an outer level are not modelled yet.
 */
export function interruptReturn(cpu: Cpu, opSize: number): void {
  if (!(cpu.cr0 & 1)) unimplemented("IRET in real mode");
  if (cpu.eflagsRest & VM) unimplemented("IRET in virtual-8086 mode");
  if (cpu.eflagsRest & NT) unimplemented("IRET with NT=1 (task return)");
  const n = opSize >> 3;
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  const rd = (k: number): number => {
    const lin = cpu.segAddr(SS, (esp + k * n) & mask, n, false);
    return n === 4 ? cpu.rd32(lin) : cpu.rd16(lin);
  };
  const eip = rd(0);
  const sel = rd(1) & 0xffff;
  const flags = rd(2);
  if (n === 4 && flags & VM && cpu.cpl === 0) unimplemented("IRET to virtual-8086 mode");
  if ((sel & 3) > cpu.cpl) unimplemented("IRET to an outer privilege level");
  if ((sel & 3) < cpu.cpl) fault(GP, sel & 0xfffc);
  const d = loadCodeSegmentSamePl(cpu, sel, (a) => cpu.rd32(a), 0, false);
  const target = n === 4 ? eip >>> 0 : eip & 0xffff;
  if (target > d.limit) fault(GP, 0);
  // Same-level return: IOPL only at CPL 0, IF only when CPL <= IOPL; VM/VIF/VIP unchanged.
  let writable = STATUS_FLAGS | TF | DF | NT | RF;
  if (n === 4) writable |= AC | ID;
  if (cpu.cpl === 0) writable |= IOPL;
  if (cpu.cpl <= (cpu.eflagsRest & IOPL) >> 12) writable |= IF;
  cpu.regs[4] = (esp & ~mask) | ((esp + 3 * n) & mask);
  if (commitCodeSegment(cpu, sel, d)) cpu.codeModeChanged();
  cpu.eip = target;
  cpu.writeEflags(flags, writable);
}
