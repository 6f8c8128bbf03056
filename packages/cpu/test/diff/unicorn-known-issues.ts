import type { DiffCase, MachineResult } from "./diff-case.js";

/**
 * Places where Unicorn 2.0.1 (QEMU TCG) is known to differ from real hardware / the SDM.
 * Matching cases are excluded from the comparison, counted and listed in every run report,
 * never dropped silently. Each entry is also in the package README's table of known issues.
 */
export interface UnicornKnownIssue {
  id: string;
  /** Why Unicorn is wrong here, with the SDM reference. */
  reason: string;
  matches(c: DiffCase): boolean;
}

/** The first opcode byte after the legacy prefixes, and what follows. */
function afterPrefixes(bytes: readonly number[]): number[] {
  let i = 0;
  while (i < bytes.length && [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65].includes(bytes[i]!)) i++;
  return bytes.slice(i) as number[];
}

export const UNICORN_KNOWN_ISSUES: readonly UnicornKnownIssue[] = [
  {
    id: "unicorn-lock-mov",
    reason:
      "Unicorn executes LOCK MOV (F0 89/8B) as a plain MOV; SDM vol.2 LOCK: '#UD ... if the LOCK prefix is used with any instruction not in the above list' (MOV is not in it).",
    matches: (c) => c.insns.some((i) => i.bytes[0] === 0xf0 && (afterPrefixes(i.bytes)[0] === 0x89 || afterPrefixes(i.bytes)[0] === 0x8b)),
  },
  {
    id: "unicorn-vex-c4c5",
    reason:
      "C4/C5 with ModRM.mod = 11 in 32-bit code: Unicorn's CPU model has AVX and decodes a VEX prefix; on the Pentium ringlab models they are LES/LDS with a register operand, #UD (SDM vol.2 LDS/LES: '#UD If source operand is not a memory location').",
    matches: (c) =>
      c.insns.some((i) => {
        const b = afterPrefixes(i.bytes);
        return (b[0] === 0xc4 || b[0] === 0xc5) && (b[1] ?? 0) >= 0xc0;
      }),
  },
  {
    id: "unicorn-int6-reported-as-ud",
    reason:
      "Unicorn turns every exception with vector 6 into UC_ERR_INSN_INVALID with EIP at the instruction, so a software INT 6 (CD 06, EIP after the instruction per SDM vol.3 6.4.2) is indistinguishable from #UD; the hook never sees it.",
    matches: (c) => c.insns.some((i) => i.bytes[0] === 0xcd && i.bytes[1] === 0x06),
  },
  {
    id: "unicorn-icebp",
    reason: "Unicorn raises #UD for ICEBP/INT1 (F1); hardware raises #DB with EIP after it (SDM vol.2 INT1; host CPU: SIGTRAP).",
    matches: (c) => c.insns.some((i) => afterPrefixes(i.bytes)[0] === 0xf1),
  },
  {
    id: "unicorn-8f-reg-nonzero",
    reason: "Unicorn executes 8F with ModRM.reg != 0 (as POP); only 8F /0 is defined, hardware raises #UD (host CPU: SIGILL).",
    matches: (c) => c.insns.some((i) => afterPrefixes(i.bytes)[0] === 0x8f && (((afterPrefixes(i.bytes)[1] ?? 0) >> 3) & 7) !== 0),
  },
  {
    id: "unicorn-test-alias",
    reason: "Unicorn raises #UD for F6/F7 /1; processors execute it as TEST r/m, imm (objdump decodes it as test; host CPU executes it).",
    matches: (c) => c.insns.some((i) => {
      const b = afterPrefixes(i.bytes);
      return (b[0] === 0xf6 || b[0] === 0xf7) && (((b[1] ?? 0) >> 3) & 7) === 1;
    }),
  },
  {
    id: "unicorn-no-seg-limit",
    reason:
      "Unicorn (QEMU TCG) adds the segment base but never checks the segment limit on data accesses; SDM vol.3 5.3: an offset outside the limit (expand-up: > limit; expand-down: <= limit) is #GP(0), #SS(0) through SS.",
    matches: (c) => c.tags?.includes("seg-limit") === true,
  },
  {
    id: "unicorn-no-seg-writability",
    reason: "Unicorn ignores segment writability on data accesses; SDM vol.3 5.4.1: a write through a read-only data or a code segment is #GP(0).",
    matches: (c) => c.tags?.includes("seg-readonly-write") === true,
  },
  {
    id: "unicorn-null-seg-access",
    reason: "Unicorn lets an access through DS/ES/FS/GS holding a null selector go ahead; SDM vol.3 5.4.1: it is #GP(0).",
    matches: (c) => c.tags?.includes("null-seg-access") === true,
  },
  {
    id: "unicorn-cs-accessed-bit",
    reason:
      "A far JMP/CALL/RET that loads CS from a descriptor whose accessed bit is clear leaves the bit clear in Unicorn; SDM vol.3 3.4.5.1: the processor sets it when it loads the selector into a segment register (Unicorn does set it for data-segment loads).",
    matches: (c) => c.tags?.includes("cs-accessed-bit") === true,
  },
  {
    id: "unicorn-retf-no-limit-check",
    reason:
      "Unicorn's far RET loads CS without checking the return EIP against the new CS limit, and then fetches past the limit; SDM vol.2 RET: 'IF the return instruction pointer is not within the return code segment limit THEN #GP(0)'.",
    matches: (c) => c.tags?.includes("retf-limit") === true,
  },
];

/**
 * Matched on Unicorn's result rather than on the encoding: the runner process died. Seen with
 * IDIV r/m32 of EDX:EAX = 0x80000000_00000000 by -1 (the 8- and 16-bit forms are fine):
 * QEMU's helper divides on the host, whose own #DE kills the process with SIGFPE. Hardware
 * raises #DE (SDM vol.2 IDIV: quotient too large).
 */
export const UNICORN_HOST_CRASH: UnicornKnownIssue = {
  id: "unicorn-host-crash",
  reason: "Unicorn 2.0.1 kills its own process (SIGFPE) on IDIV of the most negative dividend by -1; hardware raises #DE.",
  matches: () => false,
};

export function knownIssueFor(c: DiffCase, unicorn?: MachineResult): UnicornKnownIssue | undefined {
  if (unicorn?.stop.kind === "crash") return UNICORN_HOST_CRASH;
  return UNICORN_KNOWN_ISSUES.find((k) => k.matches(c));
}
