/**
 * What a CPU model is: the identity CPUID reports (vendor, signature, feature flags, cache
 * descriptors, brand string) and the instruction groups the part has, so that the one opcode
 * table can make an instruction the model lacks #UD (SDM vol.2 §3.2 "CPUID", each
 * instruction's "CPUID Feature Flag" and compatibility notes).
 */

/**
 * Instruction groups that came and went between the 486 and the Pentium II. An opcode-table
 * entry names the group it belongs to (`def(..., { needs: "cmov" })`); a model without the
 * group decodes it as #UD, before any other check, as a part that never had the opcode does.
 * RDPMC and the SSE/MMX groups are not listed: no model here executes them.
 */
export type InsnGroup =
  /** CPUID itself (some 486s, every Pentium). */
  | "cpuid"
  /** RDTSC (CPUID.1:EDX.TSC). */
  | "rdtsc"
  /** RDMSR/WRMSR (CPUID.1:EDX.MSR). */
  | "msr"
  /** CMPXCHG8B (CPUID.1:EDX.CX8). */
  | "cmpxchg8b"
  /** CMOVcc (CPUID.1:EDX.CMOV). */
  | "cmov"
  /** The P6 x87 additions FCMOVcc, FCOMI/FCOMIP, FUCOMI/FUCOMIP (CMOV and FPU both set). */
  | "fcmov"
  /** SYSENTER/SYSEXIT and their MSRs 0x174-0x176 (CPUID.1:EDX.SEP, on a working part). */
  | "sysenter"
  /** The hint NOPs 0F 18-1F, multi-byte NOP included (the P6 family; no CPUID flag). */
  | "hint-nop"
  /** FXSAVE/FXRSTOR, 0F AE /0 and /1 (CPUID.1:EDX.FXSR). */
  | "fxsr";

/** Every group, in the order of their bits in {@link insnGroupMask}. */
export const INSN_GROUPS: readonly InsnGroup[] = ["cpuid", "rdtsc", "msr", "cmpxchg8b", "cmov", "fcmov", "sysenter", "hint-nop", "fxsr"];

/** The bit of `group` in an instruction-group mask (what the decoder tests). */
export function insnGroupBit(group: InsnGroup): number {
  return 1 << INSN_GROUPS.indexOf(group);
}

/** The mask of a list of groups. */
export function insnGroupMask(groups: readonly InsnGroup[]): number {
  let m = 0;
  for (const g of groups) m |= insnGroupBit(g);
  return m;
}

/** Every instruction group: what an opcode without a model check, or a disassembler, sees. */
export const ALL_INSN_GROUPS = insnGroupMask(INSN_GROUPS);

/** CPUID.1:EDX flag names by bit (SDM vol.2 table 3-11), for listings. */
export const EDX_FEATURE_NAMES: readonly (string | null)[] = [
  "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
  "cx8", "apic", null, "sep", "mtrr", "pge", "mca", "cmov",
  "pat", "pse36", "psn", "clfsh", null, "ds", "acpi", "mmx",
  "fxsr", "sse", "sse2", "ss", "htt", "tm", null, "pbe",
];

/** CPUID.1:EDX bits, by name. */
export const EDX = {
  FPU: 1 << 0,
  VME: 1 << 1,
  DE: 1 << 2,
  PSE: 1 << 3,
  TSC: 1 << 4,
  MSR: 1 << 5,
  PAE: 1 << 6,
  MCE: 1 << 7,
  CX8: 1 << 8,
  APIC: 1 << 9,
  SEP: 1 << 11,
  MTRR: 1 << 12,
  PGE: 1 << 13,
  MCA: 1 << 14,
  CMOV: 1 << 15,
  MMX: 1 << 23,
  FXSR: 1 << 24,
} as const;

/**
 * The CPUID.1:EDX flags whose feature ringlab implements (checked against the code): the x87
 * (src/fpu), CR4.DE's DR4/DR5 rule (exec/system.ts), 4 MiB pages and global pages
 * (mmu/paging.ts), PAE paging (mmu/pae-paging.ts), the TSC and MSR instructions, CMPXCHG8B (exec/atomic.ts), CMOVcc and the
 * P6 x87 forms, SYSENTER/SYSEXIT (exec/fast-system-call.ts), the MTRR registers
 * (state/mtrrs.ts), FXSAVE/FXRSTOR and CR4.OSFXSR (exec/x87-fxsave.ts). Not here: VME (CR4.VME's
 * virtual-8086 extensions are not modelled; only PVI is), MCE/MCA, the APIC, PAT (no such
 * MSR), PSE-36, MMX (so FXSAVE's register slots hold only the x87 registers), SSE.
 */
export const IMPLEMENTED_EDX =
  EDX.FPU | EDX.DE | EDX.PSE | EDX.TSC | EDX.MSR | EDX.PAE | EDX.CX8 | EDX.SEP | EDX.MTRR | EDX.PGE | EDX.CMOV | EDX.FXSR;

/** The names of the flags set in a CPUID.1:EDX value, lowest bit first. */
export function edxFeatureNames(edx: number): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if (edx & (1 << b)) out.push(EDX_FEATURE_NAMES[b] ?? `bit${b}`);
  return out;
}

/** A CPU model: what CPUID reports and which instruction groups execute. */
export interface CpuModel {
  /** The `--cpu` / `cpu.model` name, e.g. `pentium2`. */
  readonly name: string;
  /** The part it stands for, e.g. "Intel Pentium II (Klamath)". */
  readonly description: string;
  /** CPUID.0's 12-character vendor string (EBX, EDX, ECX). */
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  readonly stepping: number;
  /** The highest basic CPUID leaf (CPUID.0:EAX). */
  readonly maxLeaf: number;
  /** CPUID.1:EDX as ringlab reports it: the real part's flags that ringlab implements. */
  readonly featuresEdx: number;
  /** CPUID.1:EDX of the real part, for listings of what was left out. */
  readonly realFeaturesEdx: number;
  /** CPUID.1:ECX (no part here has any flag there). */
  readonly featuresEcx: number;
  /** CPUID.2's EAX, EBX, ECX, EDX (cache and TLB descriptors), on parts with leaf 2. */
  readonly cacheDescriptors?: readonly [number, number, number, number];
  /** The 48-character brand string of leaves 0x80000002-4, on parts that had them. */
  readonly brand?: string;
  /** The instruction groups the part executes. */
  readonly instructions: readonly InsnGroup[];
  /** Why the model differs from a reading of its flags, shown by `ringlab cpus`. */
  readonly notes?: string;
}

/** CPUID.1:EAX: stepping, model, family (SDM vol.2 figure 3-6; no extended fields here). */
export function signatureOf(m: CpuModel): number {
  return (m.family << 8) | (m.model << 4) | m.stepping;
}

function ascii4(s: string, at: number): number {
  return s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24);
}

/** The four registers of a string of 16 characters, as the brand-string leaves return them. */
function ascii16(s: string, at: number): [number, number, number, number] {
  return [ascii4(s, at), ascii4(s, at + 4), ascii4(s, at + 8), ascii4(s, at + 12)];
}

/**
 * CPUID leaf `leaf` of model `m`: [EAX, EBX, ECX, EDX]. A leaf above the highest basic or
 * extended leaf returns the highest basic leaf's data, as Intel parts do (SDM vol.2 "CPUID":
 * "If a value entered for CPUID.EAX is higher than the maximum input value ... the data for
 * the highest basic information leaf is returned").
 */
export function cpuidLeaf(m: CpuModel, leaf: number): [number, number, number, number] {
  leaf >>>= 0;
  const maxExt = m.brand !== undefined ? 0x80000004 : 0;
  if (leaf >= 0x80000000 && leaf <= maxExt) {
    if (leaf === 0x80000000) return [maxExt | 0, 0, 0, 0];
    if (leaf === 0x80000001) return [0, 0, 0, 0];
    return ascii16(m.brand!.padEnd(48, "\0"), (leaf - 0x80000002) * 16);
  }
  if (leaf > m.maxLeaf) leaf = m.maxLeaf;
  switch (leaf) {
    case 0:
      return [m.maxLeaf, ascii4(m.vendor, 0), ascii4(m.vendor, 8), ascii4(m.vendor, 4)];
    case 1:
      return [signatureOf(m), 0, m.featuresEcx, m.featuresEdx];
    default: {
      const d = m.cacheDescriptors ?? [0, 0, 0, 0];
      return [d[0], d[1], d[2], d[3]];
    }
  }
}

/** CR4.VME, PVI, TSD, DE, PSE, PAE, PGE, OSFXSR (SDM vol.3 §2.5). */
const CR4_VME_PVI = 0x3;
const CR4_TSD = 0x4;
const CR4_DE = 0x8;
const CR4_PSE = 0x10;
const CR4_PAE = 0x20;
const CR4_PGE = 0x80;
/** CR4.OSFXSR (bit 9): the OS saves the FPU with FXSAVE/FXRSTOR; offered with CPUID's FXSR. */
export const CR4_OSFXSR = 0x200;

/**
 * The CR4 bits MOV CR4 accepts on model `m`: those whose feature CPUID reports (SDM vol.3
 * §2.5: setting a bit for an unsupported feature is #GP(0)). VME announces PVI too; FXSR
 * announces OSFXSR ("Presence of this bit also indicates that CR4.OSFXSR is available", SDM
 * vol.2 "CPUID", table 3-11, bit 24).
 */
export function cr4WritableBits(m: CpuModel): number {
  const f = m.featuresEdx;
  return (
    (f & EDX.VME ? CR4_VME_PVI : 0) |
    (f & EDX.TSC ? CR4_TSD : 0) |
    (f & EDX.DE ? CR4_DE : 0) |
    (f & EDX.PSE ? CR4_PSE : 0) |
    (f & EDX.PAE ? CR4_PAE : 0) |
    (f & EDX.PGE ? CR4_PGE : 0) |
    (f & EDX.FXSR ? CR4_OSFXSR : 0)
  );
}
