import { type DecodedInsn, SYS, systemClassOf } from "@ringlab/cpu";

/*
 * What a deprivileging monitor intercepts, derived from the privilege facts the CPU's opcode
 * table states for every instruction form (@ringlab/cpu, decode/system-class.ts). Nothing
 * here lists opcodes: an instruction added to the table with its facts is known here too.
 */

/** The facts' name when they have any of `bits`, else null. */
function named(insn: DecodedInsn, bits: number): string | null {
  const c = systemClassOf(insn);
  return c !== null && (c.bits & bits) !== 0 ? c.name : null;
}

/**
 * The sensitive-but-unprivileged instructions (SYS.sensitive: Robin & Irvine 2000, plus LSS
 * and FNSTENV/FNSAVE/FXSAVE): they do not fault when the guest kernel runs deprivileged, yet they
 * read or depend on state the monitor has changed, so a scan-and-patch monitor makes each of
 * them exit. Returns the instruction's name when `insn` is one, else null.
 */
export function sensitiveInstruction(insn: DecodedInsn): string | null {
  return named(insn, SYS.sensitive);
}

/**
 * Sensitive instructions the monitor makes fault without a patch, by the state it keeps in
 * the CPU while the guest runs deprivileged. SYSENTER may run at any CPL and would take the
 * guest straight into the CPU's real ring 0 (SDM vol.2 "SYSENTER"): the monitor keeps
 * IA32_SYSENTER_CS at 0 meanwhile (virtual-state.ts), so SYSENTER raises #GP(0) and is
 * run in the guest's own view, with the guest's MSR — with or without patching.
 */
export function msrTrappedInstruction(insn: DecodedInsn): string | null {
  return named(insn, SYS.sysenter);
}

/**
 * The instructions a deprivileged guest kernel exits on without any patching: the
 * privileged ones (#GP(0) at CPL > 0, SDM vol.3 §5.9), CLI and STI (#GP(0) with CPL > IOPL,
 * which the monitor keeps at 0), and RDTSC under CR4.TSD. Port I/O is IOPL-sensitive too,
 * but is {@link ioInstruction}'s. Returns the instruction's name, or null.
 */
export function privilegedInstruction(insn: DecodedInsn): string | null {
  const c = systemClassOf(insn);
  if (c === null || (c.bits & SYS.io) !== 0) return null;
  return (c.bits & (SYS.privileged | SYS.ioplSensitive | SYS.timeStampDisable)) !== 0 ? c.name : null;
}

/** IN, OUT, INS, OUTS: what a monitor forwards to the bus. */
export function ioInstruction(insn: DecodedInsn): string | null {
  return named(insn, SYS.io);
}
