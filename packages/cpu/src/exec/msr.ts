import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { EDX } from "../model/cpu-model.js";
import { privilegeDenied } from "./system.js";

/**
 * RDMSR/WRMSR (SDM vol.2 "RDMSR", "WRMSR"; vol.4 for the registers). The instructions
 * exist only on models with the "msr" instruction group (else #UD, from the opcode table);
 * the MSRs that exist depend on the model too: the TSC; the SYSENTER MSRs with SYSENTER; the
 * MTRRs (state/mtrrs.ts) where CPUID reports MTRR. Every other index is #GP(0), as on a part
 * without that register: no PAT (no model offers it), no APIC_BASE (there is no APIC), none
 * of the Pentium's test and performance-monitoring registers.
 */

/** IA32_TIME_STAMP_COUNTER. */
export const MSR_TSC = 0x10;
/** IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP (SYSENTER models only). */
export const MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175;
export const MSR_SYSENTER_EIP = 0x176;

const TWO_32 = 4294967296;

function hasSysenter(cpu: Cpu): boolean {
  return cpu.model.instructions.includes("sysenter");
}

function isMtrr(cpu: Cpu, index: number): boolean {
  return (cpu.model.featuresEdx & EDX.MTRR) !== 0 && cpu.mtrrs.has(index);
}

/** MSR `index` as [EAX, EDX], or #GP(0) when the model has no such MSR. */
function readMsr(cpu: Cpu, index: number): [number, number] {
  if (index === MSR_TSC) {
    const t = cpu.readTsc();
    return [t % TWO_32, Math.floor(t / TWO_32)];
  }
  if (isMtrr(cpu, index)) return cpu.mtrrs.read(index);
  if (hasSysenter(cpu)) {
    if (index === MSR_SYSENTER_CS) return [cpu.sysenterCs, 0];
    if (index === MSR_SYSENTER_ESP) return [cpu.sysenterEsp, 0];
    if (index === MSR_SYSENTER_EIP) return [cpu.sysenterEip, 0];
  }
  fault(GP, 0);
}

/** Writes MSR `index` (EDX:EAX = `hi`:`lo`), or #GP(0) when the model has no such MSR. */
function writeMsr(cpu: Cpu, index: number, hi: number, lo: number): void {
  if (index === MSR_TSC) {
    cpu.writeTsc((hi >>> 0) * TWO_32 + (lo >>> 0));
    return;
  }
  if (isMtrr(cpu, index)) {
    if (!cpu.mtrrs.write(index, hi, lo)) fault(GP, 0);
    return;
  }
  if (hasSysenter(cpu)) {
    // EDX is ignored: the P6's SYSENTER MSRs are 32 bits wide (SDM vol.3 §5.8.7.1).
    if (index === MSR_SYSENTER_CS) return void (cpu.sysenterCs = lo | 0);
    if (index === MSR_SYSENTER_ESP) return void (cpu.sysenterEsp = lo | 0);
    if (index === MSR_SYSENTER_EIP) return void (cpu.sysenterEip = lo | 0);
  }
  fault(GP, 0);
}

/** RDMSR: EDX:EAX = MSR[ECX]; CPL 0 only. */
export function rdmsr(cpu: Cpu, _i: Insn): void {
  if (privilegeDenied(cpu)) return;
  const [eax, edx] = readMsr(cpu, cpu.regs[1]! >>> 0);
  cpu.regs[0] = eax;
  cpu.regs[2] = edx;
}

/** WRMSR: MSR[ECX] = EDX:EAX; CPL 0 only. Writing the TSC moves the guest's TSC. */
export function wrmsr(cpu: Cpu, _i: Insn): void {
  if (privilegeDenied(cpu)) return;
  writeMsr(cpu, cpu.regs[1]! >>> 0, cpu.regs[2]!, cpu.regs[0]!);
}
