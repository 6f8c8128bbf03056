import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { setSegmentCache } from "../mmu/segmentation.js";
import { IF, RF, VM } from "../state/eflags.js";
import { CS, SS } from "../state/registers.js";
import { ATTR_DPL_SHIFT, type Descriptor, FLAT_CODE32_ATTR, FLAT_DATA32_ATTR } from "../state/segment-cache.js";

/**
 * SYSENTER and SYSEXIT, the P6's fast system call (SDM vol.2 "SYSENTER", "SYSEXIT"; vol.3
 * §5.8.7). No descriptor is read: CS and SS are loaded with fixed flat 4 GiB descriptors
 * whose selectors derive from IA32_SYSENTER_CS — the OS must lay its GDT out to match
 * (ring-0 code, ring-0 stack, ring-3 code, ring-3 stack at +0, +8, +16, +24). Present only
 * on models with the "sysenter" instruction group (else #UD, from the opcode table).
 */

/** CR0.PE. */
const PE = 1;

const RING3 = 3 << ATTR_DPL_SHIFT;
const scratch: Descriptor = { base: 0, limit: -1, attr: 0 };

/** IA32_SYSENTER_CS[15:2] = 0 (a null selector, whatever its RPL) forbids both. */
function sysenterCsIsNull(cpu: Cpu): boolean {
  return (cpu.sysenterCs & 0xfffc) === 0;
}

/** Loads flat CS and SS at privilege `cpl` with the given selectors, EIP and ESP. */
function enterFlat(cpu: Cpu, cpl: number, cs: number, ss: number, eip: number, esp: number): void {
  const dpl = cpl === 3 ? RING3 : 0;
  cpu.privilegeChanging(cpl);
  cpu.cpl = cpl;
  scratch.attr = FLAT_CODE32_ATTR | dpl;
  setSegmentCache(cpu, CS, cs, scratch);
  scratch.attr = FLAT_DATA32_ATTR | dpl;
  setSegmentCache(cpu, SS, ss, scratch);
  cpu.stackMask = 0xffffffff;
  cpu.regs[4] = esp;
  if (!cpu.code32) {
    cpu.code32 = true;
    cpu.codeModeChanged();
  }
  cpu.eip = eip >>> 0;
}

/**
 * SYSENTER: to CPL 0 at SYSENTER_CS:SYSENTER_EIP with SS = SYSENTER_CS + 8 and
 * ESP = SYSENTER_ESP; VM, IF and RF are cleared (so it leaves virtual-8086 mode too). Any
 * CPL may execute it; #GP(0) in real mode or with a null SYSENTER_CS. Nothing is saved:
 * user code passes its return EIP/ESP in registers, by convention EDX/ECX for SYSEXIT.
 */
export function sysenter(cpu: Cpu, _i: Insn): void {
  if (!(cpu.cr0 & PE) || sysenterCsIsNull(cpu)) fault(GP, 0);
  cpu.eflagsRest &= ~(VM | IF | RF);
  const cs = cpu.sysenterCs & 0xfffc;
  enterFlat(cpu, 0, cs, cs + 8, cpu.sysenterEip, cpu.sysenterEsp);
}

/**
 * SYSEXIT: to CPL 3 at (SYSENTER_CS + 16) | 3 : EDX with SS = (SYSENTER_CS + 24) | 3 and
 * ESP = ECX. #GP(0) in real mode, with a null SYSENTER_CS, or outside CPL 0 (so also in
 * virtual-8086 mode). EFLAGS is not changed.
 */
export function sysexit(cpu: Cpu, _i: Insn): void {
  if (!(cpu.cr0 & PE) || sysenterCsIsNull(cpu) || cpu.cpl !== 0 || cpu.eflagsRest & VM) fault(GP, 0);
  const base = cpu.sysenterCs & 0xffff;
  enterFlat(cpu, 3, ((base + 16) | 3) & 0xffff, ((base + 24) | 3) & 0xffff, cpu.regs[2]!, cpu.regs[1]!);
}
