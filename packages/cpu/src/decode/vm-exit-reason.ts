/**
 * The VT-x basic exit reasons (SDM vol.3 Appendix C, "VMX Basic Exit Reasons"): the number a
 * VM exit stores in bits 15:0 of the exit-reason field, under the names the SDM's table and
 * common hypervisors give them. Which instruction forms can cause which exit in VMX non-root
 * operation is stated on the opcode table's entries ({@link SystemClass.vmExit}); whether they
 * do is the VM-execution controls', i.e. a monitor's choice. Only reasons a 32-bit guest of
 * this core can cause are listed.
 */
export const VMX_EXIT = {
  /** An exception (its vector's bit set in the exception bitmap) or an NMI. */
  EXCEPTION_NMI: 0,
  /** An external interrupt, with "external-interrupt exiting" (pin-based control). */
  EXTERNAL_INTERRUPT: 1,
  TRIPLE_FAULT: 2,
  /** The guest became able to take an interrupt, with "interrupt-window exiting". */
  INTERRUPT_WINDOW: 7,
  TASK_SWITCH: 9,
  /** Unconditional (SDM vol.3 §25.1.2). */
  CPUID: 10,
  HLT: 12,
  /** Unconditional (SDM vol.3 §25.1.2). */
  INVD: 13,
  INVLPG: 14,
  RDPMC: 15,
  RDTSC: 16,
  /** MOV to/from CR0, CR3, CR4 (CR8 in 64-bit mode), CLTS, LMSW (SDM vol.3 §25.1.3). */
  CR_ACCESS: 28,
  DR_ACCESS: 29,
  /** IN, OUT, INS, OUTS. */
  IO_INSTRUCTION: 30,
  RDMSR: 31,
  WRMSR: 32,
  /** LGDT, LIDT, SGDT, SIDT with "descriptor-table exiting". */
  GDTR_IDTR: 46,
  /** LLDT, LTR, SLDT, STR with "descriptor-table exiting". */
  LDTR_TR: 47,
  /** A guest-physical access the EPT paging structures do not allow. */
  EPT_VIOLATION: 48,
  /** WBINVD with "WBINVD exiting" (a secondary control). */
  WBINVD: 54,
} as const;

/** A basic exit reason's name, e.g. `"CPUID"`. */
export type VmxExitName = keyof typeof VMX_EXIT;

/** Every basic exit reason's name, in the SDM's (numeric) order. */
export const VMX_EXIT_NAMES: readonly VmxExitName[] = (Object.keys(VMX_EXIT) as VmxExitName[]).sort(
  (a, b) => VMX_EXIT[a] - VMX_EXIT[b],
);
