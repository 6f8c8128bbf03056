import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { checkIoBitmap } from "../mmu/tss.js";
import { IOPL, IOPL_SHIFT, VM } from "../state/eflags.js";
import { getReg, setReg } from "./operand.js";
import type { AccessWidth } from "@ringlab/sdk";

/**
 * Port I/O (SDM vol.1 ch.18): IN/OUT in every form, through `bus.ports`. Protection: in
 * protected mode with CPL <= IOPL every port is allowed; otherwise the TSS I/O permission
 * bitmap decides (mmu/tss.ts).
 */
export function checkIo(cpu: Cpu, port: number, size: number): void {
  if (cpu.cr0 & 1 && (cpu.cpl > (cpu.eflagsRest & IOPL) >> IOPL_SHIFT || cpu.eflagsRest & VM)) {
    checkIoBitmap(cpu, port & 0xffff, size >> 3);
  }
}

export function portIn(cpu: Cpu, port: number, size: number): number {
  checkIo(cpu, port, size);
  return cpu.bus.ports.read(port & 0xffff, (size >> 3) as AccessWidth);
}

export function portOut(cpu: Cpu, port: number, size: number, v: number): void {
  checkIo(cpu, port, size);
  const width = (size >> 3) as AccessWidth;
  cpu.bus.ports.write(port & 0xffff, width, size === 32 ? v >>> 0 : v & ((1 << size) - 1));
}

/** IN AL/eAX,Ib (E4/E5). */
export function inI(cpu: Cpu, i: Insn): void {
  setReg(cpu, 0, i.opSize, portIn(cpu, i.imm & 0xff, i.opSize));
}

/** IN AL/eAX,DX (EC/ED). */
export function inDX(cpu: Cpu, i: Insn): void {
  setReg(cpu, 0, i.opSize, portIn(cpu, cpu.regs[2]! & 0xffff, i.opSize));
}

/** OUT Ib,AL/eAX (E6/E7). */
export function outI(cpu: Cpu, i: Insn): void {
  portOut(cpu, i.imm & 0xff, i.opSize, getReg(cpu, 0, i.opSize));
}

/** OUT DX,AL/eAX (EE/EF). */
export function outDX(cpu: Cpu, i: Insn): void {
  portOut(cpu, cpu.regs[2]! & 0xffff, i.opSize, getReg(cpu, 0, i.opSize));
}
