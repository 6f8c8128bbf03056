import type { DecodedInsn } from "./insn.js";

/**
 * What the hardware says about an instruction's relation to privilege: the facts a monitor
 * must know to run a guest kernel deprivileged. They are stated once, on the opcode table's
 * entries (decode/opcode-table.ts), and every monitor policy derives what it intercepts from
 * them — so an instruction cannot be added to the table without the monitors knowing what
 * it is. Bits of {@link SystemClass.bits}:
 */
export const SYS = {
  /** #GP(0) at CPL > 0 (SDM vol.3 §5.9, "Privileged instructions"). */
  privileged: 1 << 0,
  /**
   * #GP(0) when CPL > IOPL (SDM vol.1 §19.5.1, "I/O privilege level"): CLI and STI (unless
   * CR4.PVI/VME make them change VIF), and port I/O (which the TSS I/O bitmap may still allow).
   */
  ioplSensitive: 1 << 1,
  /** Reads or writes an I/O port (SDM vol.1 ch.19). */
  io: 1 << 2,
  /**
   * Sensitive but not privileged: runs at any CPL without faulting, yet reads or depends on
   * state a deprivileging monitor changes — the current privilege level in CS/SS's RPL,
   * EFLAGS.IF/IOPL, the descriptor-table registers, CR0's low bits, descriptors' DPLs (Robin
   * & Irvine, "Analysis of the Intel Pentium's Ability to Support a Secure Virtual Machine
   * Monitor", USENIX Security 2000; the FreeMWare/plex86 plan).
   */
  sensitive: 1 << 3,
  /** RDTSC: #GP(0) at CPL > 0 when CR4.TSD = 1 (SDM vol.2, "RDTSC"). */
  timeStampDisable: 1 << 4,
  /**
   * SYSENTER: allowed at any CPL, it enters ring 0 at IA32_SYSENTER_CS:EIP (SDM vol.2,
   * "SYSENTER"), the CPU's real ring 0 unless the monitor holds that MSR.
   */
  sysenter: 1 << 5,
  /**
   * Causes a VM exit in VMX non-root operation whatever the VM-execution controls say (SDM
   * vol.3 §25.1.2, "Instructions That Cause VM Exits Unconditionally": CPUID, INVD...).
   */
  vmExitAlways: 1 << 6,
} as const;

/** An instruction form's privilege facts: {@link SYS} bits and the name reports give it. */
export interface SystemClass {
  readonly bits: number;
  /** e.g. `"mov r/m,sreg"`, `"sgdt"`, `"hlt"`, `"in"`. */
  readonly name: string;
  /**
   * The VT-x basic exit reason (`VMX_EXIT`, vm-exit-reason.ts) this form exits with in VMX non-root
   * operation — unconditionally with {@link SYS}.vmExitAlways, else when the VM-execution
   * control for that reason says so (SDM vol.3 §25.1.2-3) — or -1 when it never exits.
   */
  readonly vmExit: number;
}

/** A {@link SystemClass}; `name` is how statistics and reports label the instruction. */
export function systemClass(bits: number, name: string, vmExit = -1): SystemClass {
  return Object.freeze({ bits, name, vmExit });
}

/** The privilege facts of a decoded instruction, or null for one with none. */
export function systemClassOf(insn: DecodedInsn): SystemClass | null {
  return insn.def?.sys ?? null;
}
