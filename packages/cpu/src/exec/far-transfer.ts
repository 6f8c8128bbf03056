import type { Cpu } from "../cpu.js";
import { fault, unimplemented } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { commitCodeSegment, loadCodeSegmentSamePl } from "../mmu/segmentation.js";
import { CS } from "../state/registers.js";
import { VM } from "../state/eflags.js";
import { adjustSp, peek, push } from "./stack.js";

/**
 * Far JMP/CALL/RET in protected mode to a code segment at the current privilege level
 * (SDM vol.2 "JMP", "CALL", "RET"). Call gates, task switches and returns to an outer
 * level are the system-architecture work and stop the run with a clear reason.
 */

function checkMode(cpu: Cpu): void {
  if (!(cpu.cr0 & 1)) unimplemented("far transfer in real mode");
  if (cpu.eflagsRest & VM) unimplemented("far transfer in virtual-8086 mode");
}

function enterCode(cpu: Cpu, sel: number, off: number, opSize: number, rplMustMatch: boolean): void {
  const d = loadCodeSegmentSamePl(cpu, sel, (a) => cpu.rd32(a), 0, rplMustMatch);
  const target = opSize === 16 ? off & 0xffff : off >>> 0;
  if (target > d.limit) fault(GP, 0);
  if (commitCodeSegment(cpu, sel, d)) cpu.codeModeChanged();
  cpu.eip = target;
}

export function farJump(cpu: Cpu, sel: number, off: number, opSize: number): void {
  checkMode(cpu);
  enterCode(cpu, sel, off, opSize, true);
}

export function farCall(cpu: Cpu, sel: number, off: number, opSize: number): void {
  checkMode(cpu);
  const oldCs = cpu.segSel[CS]!;
  const oldEip = cpu.eip;
  const oldEsp = cpu.regs[4]!;
  // Push first so a stack fault leaves CS:EIP untouched; undo the pushes if the load faults.
  push(cpu, opSize, oldCs);
  push(cpu, opSize, oldEip);
  try {
    enterCode(cpu, sel, off, opSize, true);
  } catch (e) {
    cpu.regs[4] = oldEsp;
    throw e;
  }
}

export function farReturn(cpu: Cpu, opSize: number, imm: number): void {
  checkMode(cpu);
  const n = opSize >> 3;
  const off = peek(cpu, opSize, 0);
  const sel = peek(cpu, opSize, n) & 0xffff;
  if ((sel & 3) > cpu.cpl) unimplemented("far return to an outer privilege level");
  if ((sel & 3) < cpu.cpl) fault(GP, sel & 0xfffc);
  enterCode(cpu, sel, off, opSize, false);
  adjustSp(cpu, 2 * n + imm);
}
