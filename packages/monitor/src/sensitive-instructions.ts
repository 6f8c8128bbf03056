import type { DecodedInsn } from "@ringlab/cpu";

/**
 * The sensitive-but-unprivileged instructions of IA-32 (Robin & Irvine, "Analysis of the
 * Intel Pentium's Ability to Support a Secure Virtual Machine Monitor", 2000; the
 * FreeMWare/plex86 plan): they do not fault when the guest kernel runs deprivileged, yet
 * they read or depend on state the monitor has changed (the real CPL in CS/SS's RPL, the
 * real IF and IOPL, the monitor's descriptor tables). A scan-and-patch monitor must make
 * each of them exit. Returns the instruction's name when `insn` is one, else null.
 *
 * Opcodes are the CPU decoder's: 0x00-0xFF, or 0x100 | second byte for the 0F map.
 */
export function sensitiveInstruction(insn: DecodedInsn): string | null {
  const op = insn.opcode;
  switch (op) {
    case 0x100: // group 6: SLDT /0, STR /1, VERR /4, VERW /5 (LLDT/LTR are privileged)
      return (["sldt", "str", null, null, "verr", "verw", null, null] as const)[insn.reg] ?? null;
    case 0x101: // group 7: SGDT /0 and SIDT /1 (memory forms only), SMSW /4
      if (insn.reg === 4) return "smsw";
      if (insn.modrm >= 0xc0) return null;
      return insn.reg === 0 ? "sgdt" : insn.reg === 1 ? "sidt" : null;
    case 0x102:
      return "lar";
    case 0x103:
      return "lsl";
    case 0x9c:
      return "pushf";
    case 0x9d:
      return "popf";
    case 0x8c:
      return "mov r/m,sreg";
    case 0x8e:
      return "mov sreg,r/m";
    case 0x06:
    case 0x0e:
    case 0x16:
    case 0x1e:
    case 0x1a0:
    case 0x1a8:
      return "push sreg";
    case 0x07:
    case 0x17:
    case 0x1f:
    case 0x1a1:
    case 0x1a9:
      return "pop sreg";
    case 0x9a:
      return "call far";
    case 0xea:
      return "jmp far";
    case 0xff:
      return insn.reg === 3 ? "call far" : insn.reg === 5 ? "jmp far" : null;
    case 0xca:
    case 0xcb:
      return "retf";
    case 0xcc:
      return "int3";
    case 0xcd:
      return "int";
    case 0xce:
      return "into";
    case 0xcf:
      return "iret";
    case 0xd9: // FNSTENV (D9 /6) and FNSAVE (DD /6) store FCS, the CS selector of the last
    case 0xdd: // x87 instruction with its RPL (SDM vol.1 §8.1.8): the guest kernel's would show the compressed ring
      if (insn.reg !== 6 || insn.modrm >= 0xc0) return null;
      return op === 0xd9 ? "fnstenv" : "fnsave";
    case 0x1b2:
      // Not in Robin & Irvine's list, but unsafe under ring compression: a stack segment
      // must have DPL = RPL = CPL, so from the compressed ring LSS would accept a ring-1 (or
      // ring-3) stack that the guest kernel's ring 0 must refuse. MOV SS and POP SS are
      // patched anyway.
      return "lss";
    default:
      return null;
  }
}

/**
 * Sensitive instructions the monitor makes fault without a patch, by the state it keeps in
 * the CPU while the guest runs deprivileged. SYSENTER may run at any CPL and would take the
 * guest straight into the CPU's real ring 0 (SDM vol.2 "SYSENTER"): the monitor keeps
 * IA32_SYSENTER_CS at 0 meanwhile (virtual-state.ts), so SYSENTER raises #GP(0) and is
 * run in the guest's own view, with the guest's MSR — with or without patching.
 */
export function msrTrappedInstruction(insn: DecodedInsn): string | null {
  return insn.opcode === 0x134 ? "sysenter" : null;
}

/**
 * The privileged instructions: #GP(0) at CPL > 0 (SDM vol.3 §5.9), so a deprivileged guest
 * kernel exits on them without any patching. Returns the instruction's name, or null.
 */
export function privilegedInstruction(insn: DecodedInsn): string | null {
  const op = insn.opcode;
  switch (op) {
    case 0xf4:
      return "hlt";
    case 0xfa:
      return "cli";
    case 0xfb:
      return "sti";
    case 0x100:
      return insn.reg === 2 ? "lldt" : insn.reg === 3 ? "ltr" : null;
    case 0x101: // group 7: LMSW /6 (both forms); LGDT /2, LIDT /3, INVLPG /7 (memory forms)
      if (insn.reg === 6) return "lmsw";
      if (insn.modrm >= 0xc0) return null;
      return insn.reg === 2 ? "lgdt" : insn.reg === 3 ? "lidt" : insn.reg === 7 ? "invlpg" : null;
    case 0x106:
      return "clts";
    case 0x108:
      return "invd";
    case 0x109:
      return "wbinvd";
    case 0x120:
    case 0x122:
      return "mov cr";
    case 0x121:
    case 0x123:
      return "mov dr";
    case 0x130:
      return "wrmsr";
    case 0x132:
      return "rdmsr";
    case 0x131:
      return "rdtsc";
    case 0x135: // SYSEXIT: CPL 0 only (SDM vol.2 "SYSEXIT")
      return "sysexit";
    default:
      return null;
  }
}

/** IN, OUT, INS, OUTS: what a monitor forwards to the bus. */
export function ioInstruction(insn: DecodedInsn): string | null {
  const op = insn.opcode;
  if (op === 0xe4 || op === 0xe5 || op === 0xec || op === 0xed) return "in";
  if (op === 0xe6 || op === 0xe7 || op === 0xee || op === 0xef) return "out";
  if (op === 0x6c || op === 0x6d) return "ins";
  if (op === 0x6e || op === 0x6f) return "outs";
  return null;
}
