/**
 * `@ringlab/cpu`: the IA-32 core. The hardware — it knows nothing of monitors; a host may
 * claim exceptions and interrupts through `Cpu.exitHook`.
 */
export { Cpu, RECENT_COUNT, type StopReason } from "./cpu.js";
export { CPU_STATE_VERSION } from "./state/cpu-snapshot.js";
export type { ExitEvent, ExitKind } from "./state/cpu-state.js";
export type { DecodedInsn } from "./decode/insn.js";
export { decodeInstruction, mnemonicOf } from "./decode/decode-bytes.js";
export { SYS, type SystemClass, systemClass, systemClassOf } from "./decode/system-class.js";
export { VMX_EXIT, VMX_EXIT_NAMES, type VmxExitName } from "./decode/vm-exit-reason.js";
export { disassemble, type DisassembledInsn } from "./disasm/disassemble.js";
export {
  ALL_INSN_GROUPS,
  cpuidLeaf,
  type CpuModel,
  EDX_FEATURE_NAMES,
  edxFeatureNames,
  IMPLEMENTED_EDX,
  INSN_GROUPS,
  type InsnGroup,
  signatureOf,
} from "./model/cpu-model.js";
export { CPU_MODEL_NAMES, CPU_MODELS, DEFAULT_CPU_MODEL, findCpuModel, RINGLAB } from "./model/cpu-models.js";
export { MSR_SYSENTER_CS, MSR_SYSENTER_EIP, MSR_SYSENTER_ESP, MSR_TSC } from "./exec/msr.js";
export { describeX87, x87InUse, x87TraceLine, x87ValueText } from "./fpu/x87-report.js";
export type { X87State } from "./fpu/x87-state.js";
export { type F80, f80h } from "./fpu/float80.js";
export { peekTranslate } from "./mmu/debug-read.js";
export { PageWalkCounter, type TlbEntry } from "./mmu/paging.js";
export * as vectors from "./exceptions/vectors.js";
export * as eflags from "./state/eflags.js";
export { CR4_PVI } from "./exec/virtual-interrupts.js";
export { ENGINES, type Engine } from "./jit/engine-name.js";
export { HOT_THRESHOLD, type JitEngine } from "./jit/jit-engine.js";
