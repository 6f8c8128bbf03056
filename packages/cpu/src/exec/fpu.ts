import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { NM, UD } from "../exceptions/vectors.js";

/**
 * The core has no x87 FPU (CPUID.1:EDX.FPU = 0). SDM vol.3 §2.5 and table 2-2: an x87
 * instruction (D8-DF) raises #NM when CR0.EM = 1 or CR0.TS = 1, so an OS emulates it. With
 * EM = 0 and TS = 0 there is no coprocessor to run it; like Bochs built without an FPU this
 * raises #UD. WAIT/FWAIT raises #NM only when CR0.MP = 1 and TS = 1, and is otherwise a NOP
 * (no FPU exception can be pending).
 */
const CR0_MP = 1 << 1;
const CR0_EM = 1 << 2;
const CR0_TS = 1 << 3;

export function fpuEscape(cpu: Cpu, _i: Insn): void {
  if (cpu.cr0 & (CR0_EM | CR0_TS)) fault(NM);
  fault(UD);
}

export function fwait(cpu: Cpu, _i: Insn): void {
  if ((cpu.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) fault(NM);
}
