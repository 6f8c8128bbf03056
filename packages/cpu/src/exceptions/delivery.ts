import type { Cpu } from "../cpu.js";
import {
  commitCode,
  commitStack,
  gateTargetCode,
  innerStack,
  nullInaccessibleSegments,
  outerStack,
  PendingStack,
  returnTargetCode,
  SegmentLoad,
} from "../exec/privilege.js";
import { push } from "../exec/stack.js";
import { sysRd16, sysRd32 } from "../mmu/system-access.js";
import { nullDataSegmentsAfterV86, returnToV86, v86InterruptReturn } from "../exec/v86.js";
import { taskSwitch, TaskSwitchKind } from "../exec/task-switch.js";
import { AC, DF, ID, IF, IOPL, NT, RF, STATUS_FLAGS, TF, VIF, VIP, VM } from "../state/eflags.js";
import { CS, DS, ES, FS, GS, SS, TR } from "../state/registers.js";
import { iretFrame } from "../exec/stack-slots.js";
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
  if (!(cpu.cr0 & 1)) return deliverRealMode(cpu, vector, returnEip);
  const v86 = (cpu.eflagsRest & VM) !== 0;
  const ext = source === EventSource.Software ? 0 : 1;
  const gateErr = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > cpu.idtrLimit) fault(GP, gateErr);
  const lo = sysRd32(cpu, (cpu.idtrBase + vector * 8) | 0);
  const hi = sysRd32(cpu, (cpu.idtrBase + vector * 8 + 4) | 0);
  // Bits 8-12 of the high dword: the 4-bit type plus S, which must be 0 for a gate.
  const type = (hi >> 8) & 0x1f;
  if (type !== GATE_INT16 && type !== GATE_TRAP16 && type !== GATE_INT32 && type !== GATE_TRAP32 && type !== GATE_TASK) {
    fault(GP, gateErr);
  }
  const dpl = (hi >> 13) & 3;
  if (source === EventSource.Software && dpl < cpu.cpl) fault(GP, gateErr);
  if (!(hi & 0x8000)) fault(NP, gateErr);
  if (type === GATE_TASK) {
    // SDM vol.3 §6.12.2: the handler is a task; the error code goes on the new task's stack.
    taskSwitch(cpu, lo >>> 16, TaskSwitchKind.Interrupt, returnEip, ext);
    if (errorCode >= 0) push(cpu, cpu.segAttr[TR]! & 8 ? 32 : 16, errorCode);
    return;
  }
  const selector = lo >>> 16;
  const gate32 = (type & 8) !== 0;
  const offset = gate32 ? ((hi & 0xffff0000) | (lo & 0xffff)) >>> 0 : lo & 0xffff;
  const newCpl = gateTargetCode(cpu, selector, ext, codeLoad);
  if (offset > codeLoad.desc.limit >>> 0) fault(GP, ext);
  const n = gate32 ? 4 : 2;
  const eflags = cpu.getEflags();
  if (newCpl < cpu.cpl) {
    // Inter-privilege (SDM vol.3 §6.12.1): switch to SSn:ESPn from the TSS and push the old
    // SS:ESP first. The frame goes to the new stack before anything is committed.
    const esp = innerStack(cpu, newCpl, ext, stackLoad);
    const st = frame.open(stackLoad, esp, ext);
    if (v86) {
      // Leaving virtual-8086 mode (SDM vol.3 §20.3.1.1): only to ring 0, saving GS, FS, DS, ES.
      if (newCpl !== 0) fault(GP, (selector & 0xfffc) | ext);
      for (const seg of [GS, FS, DS, ES]) st.push(cpu, n, cpu.segSel[seg]!);
    }
    st.push(cpu, n, cpu.segSel[SS]!);
    st.push(cpu, n, cpu.regs[4]!);
    st.push(cpu, n, eflags);
    st.push(cpu, n, cpu.segSel[CS]!);
    st.push(cpu, n, returnEip);
    if (errorCode >= 0) st.push(cpu, n, errorCode);
    commitStack(cpu, stackLoad, st.sp);
  } else {
    if (v86) fault(GP, (selector & 0xfffc) | ext); // a handler must be ring-0, non-conforming code
    // Build the frame below ESP first and commit ESP only when every write succeeded.
    const mask = cpu.stackMask;
    const esp = cpu.regs[4]!;
    let sp = esp;
    const write = (v: number): void => {
      sp = (sp - n) & mask;
      const lin = cpu.segAddr(SS, sp, n, true);
      if (n === 4) cpu.wr32(lin, v);
      else cpu.wr16(lin, v);
    };
    write(eflags);
    write(cpu.segSel[CS]!);
    write(returnEip);
    if (errorCode >= 0) write(errorCode);
    cpu.regs[4] = (esp & ~mask) | (sp & mask);
  }
  commitCode(cpu, codeLoad, newCpl, offset);
  if (v86) nullDataSegmentsAfterV86(cpu);
  let clear = TF | NT | RF | VM;
  if ((type & 1) === 0) clear |= IF; // interrupt gates (not trap gates) clear IF
  cpu.eflagsRest &= ~clear;
}

const codeLoad = new SegmentLoad();
const stackLoad = new SegmentLoad();
const frame = new PendingStack();

/**
 * Real-mode delivery through the interrupt vector table at IDTR.base (SDM vol.3 §20.1.4):
 * push FLAGS, CS, IP; clear IF, TF, AC; CS:IP from the 4-byte vector. No error code.
 */
function deliverRealMode(cpu: Cpu, vector: number, returnEip: number): void {
  if (vector * 4 + 3 > cpu.idtrLimit) fault(GP, 0);
  const entry = cpu.rd32((cpu.idtrBase + vector * 4) | 0);
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  let sp = esp;
  const write = (v: number): void => {
    sp = (sp - 2) & mask;
    cpu.wr16(cpu.segAddr(SS, sp, 2, true), v);
  };
  write(cpu.getEflags());
  write(cpu.segSel[CS]!);
  write(returnEip);
  cpu.regs[4] = (esp & ~mask) | (sp & mask);
  cpu.segSel[CS] = entry >>> 16;
  cpu.segBase[CS] = (entry >>> 16) << 4;
  cpu.eip = entry & 0xffff;
  cpu.eflagsRest &= ~(IF | TF | AC | RF);
}

/** Real-mode IRET: pop IP, CS, FLAGS (IRETD pops 32-bit slots; VM/VIP/VIF/IOPL kept). */
function interruptReturnRealMode(cpu: Cpu, opSize: number): void {
  const n = opSize >> 3;
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  const { eip, sel, flags } = iretFrame(cpu, n, mask);
  const target = n === 4 ? eip >>> 0 : eip & 0xffff;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  cpu.regs[4] = (esp & ~mask) | ((esp + 3 * n) & mask);
  cpu.segSel[CS] = sel;
  cpu.segBase[CS] = sel << 4;
  cpu.eip = target;
  let writable = STATUS_FLAGS | TF | IF | DF | NT | IOPL;
  if (n === 4) writable |= AC | ID | RF;
  cpu.writeEflags(flags, writable);
}

/**
 * IRET/IRETD in protected mode (SDM vol.2 "IRET"): to the same or an outer privilege level.
 * With NT = 1 it is a task return; to and within virtual-8086 mode see exec/v86.ts.
 */
export function interruptReturn(cpu: Cpu, opSize: number): void {
  if (!(cpu.cr0 & 1)) return interruptReturnRealMode(cpu, opSize);
  if (cpu.eflagsRest & VM) return v86InterruptReturn(cpu, opSize);
  if (cpu.eflagsRest & NT) {
    // Return from a nested task (SDM vol.3 §7.3): switch back to the TSS in the back link.
    return taskSwitch(cpu, sysRd16(cpu, cpu.segBase[TR]!), TaskSwitchKind.Iret, cpu.eip, 0);
  }
  const n = opSize >> 3;
  const mask = cpu.stackMask;
  const esp = cpu.regs[4]!;
  const { eip, sel, flags, slot: rd } = iretFrame(cpu, n, mask);
  if (n === 4 && flags & VM && cpu.cpl === 0) {
    return returnToV86(cpu, [eip, sel, flags, rd(3), rd(4), rd(5), rd(6), rd(7), rd(8)]);
  }
  returnTargetCode(cpu, sel, codeLoad);
  const rpl = sel & 3;
  const target = n === 4 ? eip >>> 0 : eip & 0xffff;
  let newEsp = 0;
  if (rpl > cpu.cpl) {
    // Return to an outer level: the frame also holds the outer SS:ESP.
    newEsp = rd(3);
    const ss = rd(4) & 0xffff;
    outerStack(cpu, ss, rpl, stackLoad);
  }
  if (target > codeLoad.desc.limit >>> 0) fault(GP, 0);
  // The old CPL decides what EFLAGS may change: IOPL (and VIF/VIP) only at CPL 0, IF only
  // when CPL <= IOPL; RF, AC and ID only with a 32-bit frame; VM is never set here.
  let writable = STATUS_FLAGS | TF | DF | NT;
  if (n === 4) writable |= RF | AC | ID;
  if (cpu.cpl === 0) {
    writable |= IOPL;
    if (n === 4) writable |= VIF | VIP;
  }
  if (cpu.cpl <= (cpu.eflagsRest & IOPL) >> 12) writable |= IF;
  if (rpl > cpu.cpl) {
    commitCode(cpu, codeLoad, rpl, target);
    commitStack(cpu, stackLoad, n === 4 ? newEsp : newEsp & 0xffff);
    nullInaccessibleSegments(cpu);
  } else {
    cpu.regs[4] = (esp & ~mask) | ((esp + 3 * n) & mask);
    commitCode(cpu, codeLoad, cpu.cpl, target);
  }
  cpu.writeEflags(flags, writable);
}
