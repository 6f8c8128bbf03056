import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { UD } from "../exceptions/vectors.js";
import {
  dplOf,
  fetchDescriptor,
  isConformingCode,
  isReadable,
  isSystem,
  isWritableData,
  type RawDescriptor,
  rawAttr,
} from "../mmu/descriptor.js";
import { VM, ZF } from "../state/eflags.js";
import { getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { ATTR_G } from "../state/segment-cache.js";
import { loadE, setReg } from "./operand.js";

/**
 * The descriptor probes LAR, LSL, VERR and VERW (SDM vol.2, and vol.3 §5.10.1): they read a
 * descriptor the current privilege level may see and report through ZF instead of
 * faulting. Unprivileged and sensitive (Robin & Irvine 2000): they show a guest the real
 * descriptor tables. #UD in real and virtual-8086 mode.
 */

/** System types LAR accepts (SDM vol.2 "LAR" table): TSSs, LDT, call and task gates. */
const LAR_SYSTEM = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 9) | (1 << 0xb) | (1 << 0xc);
/** System types LSL accepts: TSSs and the LDT (gates have no limit). */
const LSL_SYSTEM = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 9) | (1 << 0xb);

const raw: RawDescriptor = { lo: 0, hi: 0, addr: 0 };

/** The selector operand; the probes are #UD outside protected mode (checked first). */
function selectorOperand(cpu: Cpu, i: Insn): number {
  if (!(cpu.cr0 & 1) || cpu.eflagsRest & VM) fault(UD);
  return loadE(cpu, i, 16);
}

function setZf(cpu: Cpu, on: boolean): void {
  const f = getStatusFlags(cpu);
  setStatusFlags(cpu, on ? f | ZF : f & ~ZF);
}

/**
 * Reads the selector's descriptor and applies the checks all four share: not null, inside
 * its table, and (except for conforming code) DPL >= CPL and DPL >= RPL. Returns false
 * when the probe fails. `systemTypes` is the set of acceptable system types (0 = none).
 */
function probe(cpu: Cpu, sel: number, systemTypes: number): boolean {
  if ((sel & 0xfffc) === 0) return false;
  if (!fetchDescriptor(cpu, sel, raw)) return false;
  const attr = rawAttr(raw);
  if (isSystem(attr) && !((systemTypes >> (attr & 0xf)) & 1)) return false;
  if (isConformingCode(attr)) return true;
  const dpl = dplOf(attr);
  return dpl >= cpu.cpl && dpl >= (sel & 3);
}

/**
 * LAR Gv,Ew: the access rights, the descriptor's second dword masked with 00F0FF00H
 * (bits 16-19 are undefined in the SDM; 0 as QEMU and recent Intel parts). A 16-bit operand
 * keeps the low word.
 */
export function lar(cpu: Cpu, i: Insn): void {
  const sel = selectorOperand(cpu, i);
  const ok = probe(cpu, sel, LAR_SYSTEM);
  if (ok) setReg(cpu, i.reg, i.opSize, raw.hi & 0x00f0ff00);
  setZf(cpu, ok);
}

/** LSL Gv,Ew: the byte-granular segment limit (scaled when G = 1). */
export function lsl(cpu: Cpu, i: Insn): void {
  const sel = selectorOperand(cpu, i);
  const ok = probe(cpu, sel, LSL_SYSTEM);
  if (ok) {
    let limit = (raw.lo & 0xffff) | (raw.hi & 0x000f0000);
    if (rawAttr(raw) & ATTR_G) limit = (limit << 12) | 0xfff;
    setReg(cpu, i.reg, i.opSize, limit);
  }
  setZf(cpu, ok);
}

/** VERR Ew: ZF = 1 when the segment is readable at the current privilege level. */
export function verr(cpu: Cpu, i: Insn): void {
  const sel = selectorOperand(cpu, i);
  setZf(cpu, probe(cpu, sel, 0) && isReadable(rawAttr(raw)));
}

/** VERW Ew: ZF = 1 when the segment is a writable data segment the CPL may use. */
export function verw(cpu: Cpu, i: Insn): void {
  const sel = selectorOperand(cpu, i);
  setZf(cpu, probe(cpu, sel, 0) && isWritableData(rawAttr(raw)));
}
