import { type CpuModel, EDX, IMPLEMENTED_EDX } from "./cpu-model.js";

/**
 * The CPU models `--cpu` / `cpu.model` choose from. Each real part reports its own vendor,
 * signature and leaves (Intel AP-485 "Processor Identification and the CPUID Instruction",
 * SDM vol.2 "CPUID") but only the CPUID.1:EDX flags ringlab implements
 * ({@link IMPLEMENTED_EDX}); `realFeaturesEdx` keeps the part's own value for listings.
 */

const INTEL = "GenuineIntel";

/**
 * Today's invented part, the default: family 5 with the P6's CMOV, and VME because that flag
 * announces CR4.PVI (which is implemented; CR4.VME's virtual-8086 extensions are not).
 * No SYSENTER and no PAE: the model is kept exactly as it was before models existed.
 */
export const RINGLAB: CpuModel = {
  name: "ringlab",
  description: "ringlab's own IA-32 core (an invented part)",
  vendor: "RinglabIA32x",
  family: 5,
  model: 2,
  stepping: 0,
  maxLeaf: 1,
  featuresEdx: EDX.FPU | EDX.VME | EDX.DE | EDX.PSE | EDX.TSC | EDX.MSR | EDX.CX8 | EDX.PGE | EDX.CMOV,
  realFeaturesEdx: EDX.FPU | EDX.VME | EDX.DE | EDX.PSE | EDX.TSC | EDX.MSR | EDX.CX8 | EDX.PGE | EDX.CMOV,
  featuresEcx: 0,
  instructions: ["cpuid", "rdtsc", "msr", "cmpxchg8b", "cmov", "fcmov", "hint-nop"],
};

/**
 * The Intel486 DX4 (family 4 model 8), one of the later 486s with CPUID (AP-485 table 3).
 * Its CPUID.1:EDX is FPU and VME; VME is left out. No TSC, MSRs, CMPXCHG8B or CMOV.
 */
const I486: CpuModel = {
  name: "486",
  description: "Intel486 DX4",
  vendor: INTEL,
  family: 4,
  model: 8,
  stepping: 0,
  maxLeaf: 1,
  realFeaturesEdx: EDX.FPU | EDX.VME,
  featuresEdx: (EDX.FPU | EDX.VME) & IMPLEMENTED_EDX,
  featuresEcx: 0,
  instructions: ["cpuid"],
};

/** The Pentium P54C (family 5 model 2, stepping C2): TSC, MSR, CX8; VME and MCE left out. */
const PENTIUM: CpuModel = {
  name: "pentium",
  description: "Intel Pentium (P54C)",
  vendor: INTEL,
  family: 5,
  model: 2,
  stepping: 0xc,
  maxLeaf: 1,
  realFeaturesEdx: 0x1bf,
  featuresEdx: 0x1bf & IMPLEMENTED_EDX,
  featuresEcx: 0,
  instructions: ["cpuid", "rdtsc", "msr", "cmpxchg8b"],
};

/**
 * Leaf 2 of the P6 parts (AP-485 table 5): EAX's low byte 1 = one CPUID.2 call; 01 ITLB 4K
 * 32 entries, 02 ITLB 4M 2 entries, 03 DTLB 4K 64 entries, 04 DTLB 4M 8 entries; then the caches.
 */
const P6_TLB_DESCRIPTORS = 0x03020101;

/**
 * The Pentium Pro (family 6 model 1, stepping B0): CMOV and the P6 x87 forms, global pages,
 * PAE paging (the part introduced it), MTRRs.
 * It reports SEP, yet has no SYSENTER/SYSEXIT: the SDM (vol.2 "SYSENTER") tells software to
 * treat SEP as absent when family 6, model < 3 and stepping < 3, and Linux does exactly that.
 * As on the real part, 0F 34/35 are #UD and MSRs 0x174-0x176 #GP(0) here. Caches (leaf 2):
 * 06 L1 code 8K, 0A L1 data 8K, 42 L2 256K.
 */
const PENTIUM_PRO: CpuModel = {
  name: "pentium-pro",
  description: "Intel Pentium Pro",
  vendor: INTEL,
  family: 6,
  model: 1,
  stepping: 2,
  maxLeaf: 2,
  realFeaturesEdx: 0xfbff,
  featuresEdx: 0xfbff & IMPLEMENTED_EDX,
  featuresEcx: 0,
  cacheDescriptors: [P6_TLB_DESCRIPTORS, 0, 0, 0x06040a42],
  instructions: ["cpuid", "rdtsc", "msr", "cmpxchg8b", "cmov", "fcmov", "hint-nop"],
  notes: "reports sep, but SYSENTER/SYSEXIT are #UD (SDM: family 6, model < 3, stepping < 3 has none)",
};

/**
 * The Pentium II (Deschutes, family 6 model 5 stepping 2): the Pentium Pro's set plus a working
 * SYSENTER/SYSEXIT, PAE paging, and FXSAVE/FXRSTOR with CR4.OSFXSR, which the Deschutes core
 * introduced. The first Pentium II, Klamath (model 3), reported CPUID.1:EDX = 0080FBFF (no
 * FXSR), Deschutes 0183FBFF (FXSR, PAT, PSE-36 added): the Linux boot logs of both parts show
 * those values, and Intel's manuals list FXSR and CR4.OSFXSR among the P6 features added after
 * the model-3 parts (Intel Architecture Software Developer's Manual, 1999, vol.1 §11.3.1-11.3.2,
 * table 11-2). The model is a Deschutes so that FXSR belongs to the part it names; Klamath
 * would have to leave FXSAVE #UD. MMX, PAT, PSE-36, MCE/MCA, APIC and VME are left out (not
 * implemented). Caches (leaf 2, the same on both cores): 08 L1 code 16K, 0C L1 data 16K,
 * 43 L2 512K. No brand string (that came with later parts).
 */
const PENTIUM2: CpuModel = {
  name: "pentium2",
  description: "Intel Pentium II (Deschutes)",
  vendor: INTEL,
  family: 6,
  model: 5,
  stepping: 2,
  maxLeaf: 2,
  realFeaturesEdx: 0x0183fbff,
  featuresEdx: 0x0183fbff & IMPLEMENTED_EDX,
  featuresEcx: 0,
  cacheDescriptors: [P6_TLB_DESCRIPTORS, 0, 0, 0x0c040843],
  instructions: ["cpuid", "rdtsc", "msr", "cmpxchg8b", "cmov", "fcmov", "sysenter", "hint-nop", "fxsr"],
};

/** Every model, the default first. */
export const CPU_MODELS: readonly CpuModel[] = [RINGLAB, I486, PENTIUM, PENTIUM_PRO, PENTIUM2];

/** The model names `--cpu` and `cpu.model` accept. */
export const CPU_MODEL_NAMES = CPU_MODELS.map((m) => m.name) as [string, ...string[]];

/** The model a machine gets when its config names none. */
export const DEFAULT_CPU_MODEL = RINGLAB;

/** The model called `name`, or undefined. */
export function findCpuModel(name: string): CpuModel | undefined {
  return CPU_MODELS.find((m) => m.name === name);
}
