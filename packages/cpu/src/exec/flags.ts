import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import {
  AC, AF, CF, DF, ID, IF, IOPL, IOPL_SHIFT, NT, OF, PF, RF, SF, TF, VM, ZF,
} from "../state/eflags.js";
import { getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { pop, push } from "./stack.js";
import { cliVirtual, stiVirtual } from "./virtual-interrupts.js";

/** Flag-control instructions (SDM vol.1 §7.3.13): CLC..STD, CLI/STI, LAHF/SAHF, PUSHF/POPF. */

export function clc(cpu: Cpu, _i: Insn): void {
  setStatusFlags(cpu, getStatusFlags(cpu) & ~CF);
}

export function stc(cpu: Cpu, _i: Insn): void {
  setStatusFlags(cpu, getStatusFlags(cpu) | CF);
}

export function cmc(cpu: Cpu, _i: Insn): void {
  setStatusFlags(cpu, getStatusFlags(cpu) ^ CF);
}

export function cld(cpu: Cpu, _i: Insn): void {
  cpu.eflagsRest &= ~DF;
}

export function std(cpu: Cpu, _i: Insn): void {
  cpu.eflagsRest |= DF;
}

function iopl(cpu: Cpu): number {
  return (cpu.eflagsRest & IOPL) >> IOPL_SHIFT;
}

/** CLI: when CPL > IOPL, #GP(0) or (CR4.PVI) VIF = 0, see virtual-interrupts.ts. */
export function cli(cpu: Cpu, _i: Insn): void {
  if (cpu.cr0 & 1 && cpu.cpl > iopl(cpu)) return cliVirtual(cpu);
  cpu.eflagsRest &= ~IF;
}

/** STI: interrupts are recognised only after the next instruction (SDM vol.2 "STI"). */
export function sti(cpu: Cpu, _i: Insn): void {
  if (cpu.cr0 & 1 && cpu.cpl > iopl(cpu)) return stiVirtual(cpu);
  if (!(cpu.eflagsRest & IF)) {
    cpu.eflagsRest |= IF;
    cpu.inhibitInterrupts();
  }
}

/** LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
export function lahf(cpu: Cpu, _i: Insn): void {
  const f = (getStatusFlags(cpu) & (SF | ZF | AF | PF | CF)) | 2;
  cpu.regs[0] = (cpu.regs[0]! & ~0xff00) | (f << 8);
}

/** SAHF: SF, ZF, AF, PF, CF from AH; OF kept. */
export function sahf(cpu: Cpu, _i: Insn): void {
  const ah = (cpu.regs[0]! >> 8) & 0xff;
  const keep = getStatusFlags(cpu) & OF;
  setStatusFlags(cpu, keep | (ah & (SF | ZF | AF | PF | CF)));
}

/** PUSHF/PUSHFD: the image has VM and RF clear (SDM vol.2 "PUSHF"). */
export function pushf(cpu: Cpu, i: Insn): void {
  if (cpu.eflagsRest & VM && iopl(cpu) < 3) fault(GP, 0);
  push(cpu, i.opSize, cpu.getEflags() & ~(VM | RF));
}

/**
 * POPF/POPFD in protected mode (SDM vol.2 "POPF"): VM, VIP and VIF never change, RF is
 * cleared, IOPL changes only at CPL 0 and IF only when CPL <= IOPL; the 16-bit form
 * changes only the low 16 bits.
 */
export function popf(cpu: Cpu, i: Insn): void {
  if (cpu.eflagsRest & VM && iopl(cpu) < 3) fault(GP, 0); // IOPL-sensitive in virtual-8086 mode
  const v = pop(cpu, i.opSize);
  let mask = CF | PF | AF | ZF | SF | TF | DF | OF | NT;
  if (i.opSize === 32) mask |= AC | ID;
  if (cpu.cpl === 0) mask |= IOPL;
  if (cpu.cpl <= iopl(cpu)) mask |= IF;
  cpu.writeEflags(v, mask);
  cpu.eflagsRest &= ~RF;
}

