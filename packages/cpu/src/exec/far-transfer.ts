import type { Cpu } from "../cpu.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { VM } from "../state/eflags.js";
import { CS } from "../state/registers.js";
import { adjustSp, peek, push } from "./stack.js";
import { protectedFarCall, protectedFarJump, protectedFarReturn } from "./far-protected.js";

/**
 * Far JMP/CALL/RET: the protected-mode forms (privilege checks, call gates, returns to an
 * outer level) are in far-protected.ts; real and virtual-8086 mode are here.
 */

function checkMode(_cpu: Cpu): void {}

/** Real mode: CS = selector, base = selector * 16; limit and attributes stay (SDM §20.1). */
function realModeEnter(cpu: Cpu, sel: number, off: number, opSize: number): void {
  const target = opSize === 16 ? off & 0xffff : off >>> 0;
  if (target > cpu.segLimit[CS]! >>> 0) fault(GP, 0);
  cpu.segSel[CS] = sel & 0xffff;
  cpu.segBase[CS] = (sel & 0xffff) << 4;
  cpu.eip = target;
}

/** Real mode, or virtual-8086 mode, where far transfers work the same way (SDM vol.3 §20.2). */
function realMode(cpu: Cpu): boolean {
  return (cpu.cr0 & 1) === 0 || (cpu.eflagsRest & VM) !== 0;
}

export function farJump(cpu: Cpu, sel: number, off: number, opSize: number): void {
  checkMode(cpu);
  if (realMode(cpu)) return realModeEnter(cpu, sel, off, opSize);
  protectedFarJump(cpu, sel, off, opSize);
}

export function farCall(cpu: Cpu, sel: number, off: number, opSize: number): void {
  checkMode(cpu);
  if (realMode(cpu)) {
    const oldEsp = cpu.regs[4]!;
    push(cpu, opSize, cpu.segSel[CS]!);
    push(cpu, opSize, cpu.eip);
    try {
      realModeEnter(cpu, sel, off, opSize);
    } catch (e) {
      cpu.regs[4] = oldEsp;
      throw e;
    }
    return;
  }
  protectedFarCall(cpu, sel, off, opSize);
}

export function farReturn(cpu: Cpu, opSize: number, imm: number): void {
  checkMode(cpu);
  if (realMode(cpu)) {
    const off = peek(cpu, opSize, 0);
    const sel = peek(cpu, opSize, opSize >> 3) & 0xffff;
    realModeEnter(cpu, sel, off, opSize);
    adjustSp(cpu, 2 * (opSize >> 3) + imm);
    return;
  }
  protectedFarReturn(cpu, opSize, imm);
}
