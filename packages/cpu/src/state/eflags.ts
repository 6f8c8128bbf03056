/**
 * EFLAGS bit positions (SDM vol.1 §3.4.3, vol.3 §2.3). The six status flags are kept lazily
 * (see lazy-flags.ts); every other bit lives in `CpuState.eflagsRest`.
 */
export const CF = 1 << 0;
/** Bit 1 is reserved and always reads 1. */
export const EFLAGS_FIXED1 = 1 << 1;
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
export const IOPL_SHIFT = 12;
export const IOPL = 3 << IOPL_SHIFT;
export const NT = 1 << 14;
export const RF = 1 << 16;
export const VM = 1 << 17;
export const AC = 1 << 18;
export const VIF = 1 << 19;
export const VIP = 1 << 20;
export const ID = 1 << 21;

/** The six arithmetic status flags. */
export const STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;

/**
 * Bits software can ever change on a Pentium-class CPU with CPUID (ID is writable so that
 * the CPUID probe works). Bits 3, 5, 15 and 22-31 read 0 (SDM vol.1 fig. 3-8).
 */
export const EFLAGS_WRITABLE = STATUS_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;
