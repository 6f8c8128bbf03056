/**
 * `@ringlab/cpu`: the IA-32 core. The hardware — it knows nothing of monitors; a host may
 * claim exceptions and interrupts through `Cpu.exitHook`.
 */
export { Cpu, RECENT_COUNT, type StopReason } from "./cpu.js";
export type { ExitEvent, ExitKind } from "./state/cpu-state.js";
export type { DecodedInsn } from "./decode/insn.js";
export { decodeInstruction, mnemonicOf } from "./decode/decode-bytes.js";
export { disassemble, type DisassembledInsn } from "./disasm/disassemble.js";
export { CPUID_FEATURES_EDX, CPUID_SIGNATURE, CPUID_VENDOR } from "./exec/system.js";
export * as vectors from "./exceptions/vectors.js";
export * as eflags from "./state/eflags.js";
export { CR4_PVI } from "./exec/virtual-interrupts.js";
