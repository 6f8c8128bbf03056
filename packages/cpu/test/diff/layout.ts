/**
 * The flat address space every differential case runs in (same on Unicorn and on ringlab).
 * Everything lies below 64 KiB so that 16-bit addressing forms ([bx+si+disp16] ...) can
 * reach the data region. Segments are flat and paging is off (linear = physical), except in the
 * system families (segload/farxfer load other segments; paging maps every page to itself).
 */
export const CODE_BASE = 0x1000;
/** Two pages, so that code blocks can straddle a page boundary (decode across pages). */
export const CODE_SIZE = 0x2000;
export const DATA_BASE = 0x4000;
export const DATA_SIZE = 0x2000;
export const STACK_BASE = 0x8000;
export const STACK_SIZE = 0x1000;
/** Initial ESP, mid-page so pushes and pops both stay in the stack region. */
export const STACK_TOP = STACK_BASE + 0x800;

/** Page directory and one page table of the paging family (compared like any memory: A/D bits). */
export const PAGING_BASE = 0xa000;
export const PAGING_SIZE = 0x2000;

/** Pages mapped in Unicorn; anything else faults there (a generator bug, reported as such). */
export const REGIONS = [
  { addr: CODE_BASE, size: CODE_SIZE },
  { addr: DATA_BASE, size: DATA_SIZE },
  { addr: STACK_BASE, size: STACK_SIZE },
  { addr: PAGING_BASE, size: PAGING_SIZE },
] as const;

/** Register numbering used everywhere in the harness (= ModRM reg numbering, = Cpu.getReg32). */
export const REG_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

/** EFLAGS bits (SDM vol.1 3.4.3). */
export const CF = 0x0001, PF = 0x0004, AF = 0x0010, ZF = 0x0040, SF = 0x0080, TF = 0x0100,
  IF = 0x0200, DF = 0x0400, OF = 0x0800;
export const STATUS_FLAGS = CF | PF | AF | ZF | SF | OF;
/**
 * EFLAGS bits compared after every case: all of them. Only the per-instruction undefined
 * flags of undefined-flags.ts are masked out, case by case.
 */
export const COMPARED_FLAGS = 0xffffffff;
