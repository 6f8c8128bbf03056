/** General-purpose register numbers as encoded in ModRM/opcodes (SDM vol.2 table 2-1). */
export const EAX = 0;
export const ECX = 1;
export const EDX = 2;
export const EBX = 3;
export const ESP = 4;
export const EBP = 5;
export const ESI = 6;
export const EDI = 7;
/**
 * Index of an always-zero slot after the eight registers: a memory operand with no base or
 * no index names it, so the effective-address sum needs no branch.
 */
export const ZERO_REG = 8;

export const REG32_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
export const REG16_NAMES = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] as const;
/** 8-bit registers: 0-3 are the low bytes of EAX..EBX, 4-7 their second bytes. */
export const REG8_NAMES = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"] as const;

/** Segment register numbers as encoded in the ModRM reg field of MOV Sreg (SDM vol.2 §3.1.1.3). */
export const ES = 0;
export const CS = 1;
export const SS = 2;
export const DS = 3;
export const FS = 4;
export const GS = 5;
/** The LDTR and TR descriptor caches share the segment-cache arrays after the six segments. */
export const LDTR = 6;
export const TR = 7;
export const SEG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"] as const;
