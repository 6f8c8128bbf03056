import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { DE } from "../exceptions/vectors.js";
import { AF, CF, PF, SF, ZF } from "../state/eflags.js";
import { CC_LOGIC, getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";

/**
 * Decimal arithmetic (SDM vol.1 §7.3.2.5): DAA, DAS, AAA, AAS, AAM, AAD. The SDM's
 * pseudo-code defines AL/AH and CF/AF; the flags it leaves undefined follow QEMU/Unicorn:
 * DAA/DAS set SF/ZF/PF from AL and clear OF; AAA/AAS keep OF/SF/ZF/PF; AAM/AAD set SF/ZF/PF
 * from AL and clear CF/OF/AF.
 */

function resultFlags(al: number): number {
  let p = 1;
  for (let v = al; v; v >>= 1) p ^= v & 1;
  return (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0) | (p ? PF : 0);
}

function setAL(cpu: Cpu, al: number): void {
  cpu.regs[0] = (cpu.regs[0]! & ~0xff) | (al & 0xff);
}

export function daa(cpu: Cpu, _i: Insn): void {
  const f = getStatusFlags(cpu);
  const oldAl = cpu.regs[0]! & 0xff;
  let al = oldAl;
  let out = 0;
  if ((al & 0x0f) > 9 || f & AF) {
    al = (al + 6) & 0xff;
    out |= AF;
  }
  if (oldAl > 0x99 || f & CF) {
    al = (al + 0x60) & 0xff;
    out |= CF;
  }
  setAL(cpu, al);
  setStatusFlags(cpu, out | resultFlags(al));
}

export function das(cpu: Cpu, _i: Insn): void {
  const f = getStatusFlags(cpu);
  const oldAl = cpu.regs[0]! & 0xff;
  let al = oldAl;
  let out = 0;
  if ((al & 0x0f) > 9 || f & AF) {
    out |= AF;
    if (al < 6 || f & CF) out |= CF;
    al = (al - 6) & 0xff;
  }
  if (oldAl > 0x99 || f & CF) {
    al = (al - 0x60) & 0xff;
    out |= CF;
  }
  setAL(cpu, al);
  setStatusFlags(cpu, out | resultFlags(al));
}

function asciiAdjust(cpu: Cpu, sub: boolean): void {
  const f = getStatusFlags(cpu);
  let al = cpu.regs[0]! & 0xff;
  let ah = (cpu.regs[0]! >> 8) & 0xff;
  let out = f & ~(CF | AF);
  if ((al & 0x0f) > 9 || f & AF) {
    if (sub) {
      ah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xff;
      al = (al - 6) & 0x0f;
    } else {
      ah = (ah + 1 + (al > 0xf9 ? 1 : 0)) & 0xff;
      al = (al + 6) & 0x0f;
    }
    out |= CF | AF;
  } else {
    al &= 0x0f;
  }
  cpu.regs[0] = (cpu.regs[0]! & ~0xffff) | (ah << 8) | al;
  setStatusFlags(cpu, out);
}

export function aaa(cpu: Cpu, _i: Insn): void {
  asciiAdjust(cpu, false);
}

export function aas(cpu: Cpu, _i: Insn): void {
  asciiAdjust(cpu, true);
}

function logicFlags(cpu: Cpu, al: number): void {
  cpu.ccOp = CC_LOGIC;
  cpu.ccA = 0;
  cpu.ccB = 0;
  cpu.ccRes = (al << 24) >> 24;
}

/** AAM Ib: AH = AL / base, AL = AL mod base; base 0 raises #DE. */
export function aam(cpu: Cpu, i: Insn): void {
  const base = i.imm & 0xff;
  if (base === 0) fault(DE);
  const v = cpu.regs[0]! & 0xff;
  const al = v % base;
  cpu.regs[0] = (cpu.regs[0]! & ~0xffff) | (Math.floor(v / base) << 8) | al;
  logicFlags(cpu, al);
}

/** AAD Ib: AL = AH*base + AL, AH = 0. */
export function aad(cpu: Cpu, i: Insn): void {
  const base = i.imm & 0xff;
  const al = (((cpu.regs[0]! >> 8) & 0xff) * base + (cpu.regs[0]! & 0xff)) & 0xff;
  cpu.regs[0] = (cpu.regs[0]! & ~0xffff) | al;
  logicFlags(cpu, al);
}
