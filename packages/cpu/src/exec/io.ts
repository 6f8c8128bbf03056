import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { ioBitmapAllows } from "../mmu/tss.js";
import { IOPL, IOPL_SHIFT, VM } from "../state/eflags.js";
import { getReg, setReg } from "./operand.js";
import type { AccessWidth } from "@ringlab/sdk";

/**
 * Port I/O (SDM vol.1 ch.18): IN/OUT in every form, through `bus.ports`. Protection: in
 * protected mode with CPL <= IOPL every port is allowed; otherwise the TSS I/O permission
 * bitmap decides (mmu/tss.ts).
 */
export function ioAllowed(cpu: Cpu, port: number, size: number): boolean {
  if (cpu.cr0 & 1 && (cpu.cpl > (cpu.eflagsRest & IOPL) >> IOPL_SHIFT || cpu.eflagsRest & VM)) {
    return ioBitmapAllows(cpu, port & 0xffff, size >> 3);
  }
  return true;
}

/**
 * For IN/OUT: true when the access may go ahead, else the #GP(0) is signalled
 * (Cpu.signalFault) and the handler returns. Every I/O exit of a deprivileged guest comes
 * through here, so it does not throw.
 */
function ioPermitted(cpu: Cpu, port: number, size: number): boolean {
  if (ioAllowed(cpu, port, size)) return true;
  cpu.signalFault(GP, 0);
  return false;
}

/** The port read of an INS iteration; a denied access throws #GP(0) (mid-REP faults unwind). */
export function portIn(cpu: Cpu, port: number, size: number): number {
  if (!ioAllowed(cpu, port, size)) fault(GP, 0);
  return readPort(cpu, port, size);
}

/** The port write of an OUTS iteration; a denied access throws #GP(0). */
export function portOut(cpu: Cpu, port: number, size: number, v: number): void {
  if (!ioAllowed(cpu, port, size)) fault(GP, 0);
  writePort(cpu, port, size, v);
}

function readPort(cpu: Cpu, port: number, size: number): number {
  return cpu.bus.ports.read(port & 0xffff, (size >> 3) as AccessWidth);
}

function writePort(cpu: Cpu, port: number, size: number, v: number): void {
  cpu.bus.ports.write(port & 0xffff, (size >> 3) as AccessWidth, size === 32 ? v >>> 0 : v & ((1 << size) - 1));
}

/** IN AL/eAX,Ib (E4/E5). */
export function inI(cpu: Cpu, i: Insn): void {
  const port = i.imm & 0xff;
  if (ioPermitted(cpu, port, i.opSize)) setReg(cpu, 0, i.opSize, readPort(cpu, port, i.opSize));
}

/** IN AL/eAX,DX (EC/ED). */
export function inDX(cpu: Cpu, i: Insn): void {
  const port = cpu.regs[2]! & 0xffff;
  if (ioPermitted(cpu, port, i.opSize)) setReg(cpu, 0, i.opSize, readPort(cpu, port, i.opSize));
}

/** OUT Ib,AL/eAX (E6/E7). */
export function outI(cpu: Cpu, i: Insn): void {
  const port = i.imm & 0xff;
  if (ioPermitted(cpu, port, i.opSize)) writePort(cpu, port, i.opSize, getReg(cpu, 0, i.opSize));
}

/** OUT DX,AL/eAX (EE/EF). */
export function outDX(cpu: Cpu, i: Insn): void {
  const port = cpu.regs[2]! & 0xffff;
  if (ioPermitted(cpu, port, i.opSize)) writePort(cpu, port, i.opSize, getReg(cpu, 0, i.opSize));
}
