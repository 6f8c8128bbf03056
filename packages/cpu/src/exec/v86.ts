import type { Cpu } from "../cpu.js";
import { fault } from "../exceptions/cpu-fault.js";
import { iretFrame } from "./stack-slots.js";
import { GP } from "../exceptions/vectors.js";
import { refreshSegCheck } from "../mmu/segmentation.js";
import { AC, DF, ID, IF, IOPL, NT, RF, STATUS_FLAGS, TF, VM } from "../state/eflags.js";
import { CS, DS, ES, FS, GS, SS } from "../state/registers.js";
import { ATTR_ACCESSED, ATTR_DPL_SHIFT, ATTR_P, ATTR_RW, ATTR_S } from "../state/segment-cache.js";

/**
 * Virtual-8086 mode (SDM vol.3 ch.20, without the CR4.VME extensions): entered by an IRET
 * at CPL 0 that pops EFLAGS.VM = 1, left by an interrupt or exception to a ring-0 handler
 * (delivery.ts pushes the four data segment registers too). Inside, segments are real-mode
 * style at CPL 3, and INT n, IRET, PUSHF, POPF, CLI and STI are IOPL-sensitive (#GP(0) when
 * IOPL < 3) so that a monitor can emulate them.
 */

/** A virtual-8086 segment cache: base = selector * 16, 64 KiB, read/write, DPL 3. */
export const V86_SEG_ATTR = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | (3 << ATTR_DPL_SHIFT);

function loadV86Segment(cpu: Cpu, seg: number, sel: number): void {
  cpu.segSel[seg] = sel & 0xffff;
  cpu.segBase[seg] = (sel & 0xffff) << 4;
  cpu.segLimit[seg] = 0xffff;
  cpu.segAttr[seg] = V86_SEG_ATTR;
  refreshSegCheck(cpu, seg);
}

/** Loads the six segment registers real-mode style from `sels` (ES, CS, SS, DS, FS, GS order). */
export function enterV86Segments(cpu: Cpu, sels: readonly number[]): void {
  for (let s = 0; s < 6; s++) loadV86Segment(cpu, s, sels[s]!);
  cpu.stackMask = 0xffff;
  if (cpu.code32) {
    cpu.code32 = false;
    cpu.codeModeChanged();
  }
}

/**
 * IRETD at CPL 0 with VM = 1 in the popped EFLAGS (SDM vol.2 "IRET", RETURN-TO-VIRTUAL-8086-
 * MODE): the frame holds EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS; every EFLAGS bit is
 * loaded, the segments become real-mode style and CPL 3.
 */
export function returnToV86(cpu: Cpu, frame: readonly number[]): void {
  const [eip, cs, flags, esp, ss, es, ds, fs, gs] = frame as [number, number, number, number, number, number, number, number, number];
  cpu.privilegeChanging(3);
  cpu.cpl = 3;
  cpu.setEflags(flags);
  enterV86Segments(cpu, [es, cs, ss, ds, fs, gs]);
  cpu.regs[4] = esp;
  cpu.eip = eip & 0xffff;
}

function iopl(cpu: Cpu): number {
  return (cpu.eflagsRest & IOPL) >> 12;
}

/** INT n in virtual-8086 mode needs IOPL = 3 (INT3 and INTO do not; SDM vol.2 "INT n"). */
export function checkV86IntN(cpu: Cpu): void {
  if (cpu.eflagsRest & VM && iopl(cpu) < 3) fault(GP, 0);
}

/** IRET inside virtual-8086 mode: real-mode style with IOPL = 3 (IOPL, VM kept), else #GP(0). */
export function v86InterruptReturn(cpu: Cpu, opSize: number): void {
  if (iopl(cpu) < 3) fault(GP, 0);
  const n = opSize >> 3;
  const esp = cpu.regs[4]! & 0xffff;
  const { eip, sel, flags } = iretFrame(cpu, n, 0xffff);
  const target = n === 4 ? eip >>> 0 : eip & 0xffff;
  if (target > 0xffff) fault(GP, 0);
  cpu.regs[4] = (cpu.regs[4]! & ~0xffff) | ((esp + 3 * n) & 0xffff);
  loadV86Segment(cpu, CS, sel);
  cpu.eip = target;
  let writable = STATUS_FLAGS | TF | IF | DF | NT;
  if (n === 4) writable |= AC | ID | RF;
  cpu.writeEflags(flags, writable);
}

/** After an interrupt leaves virtual-8086 mode: DS, ES, FS, GS become null (their values are on the stack). */
export function nullDataSegmentsAfterV86(cpu: Cpu): void {
  for (const s of [ES, DS, FS, GS]) {
    cpu.segSel[s] = 0;
    cpu.segBase[s] = 0;
    cpu.segLimit[s] = 0;
    cpu.segAttr[s] = 0;
    cpu.segCheck[s] = 1;
  }
}
