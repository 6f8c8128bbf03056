import type { Cpu } from "../cpu.js";
import { DS } from "../state/registers.js";
import { ZERO_REG } from "../state/registers.js";
import type { OpDef } from "./opcode-def.js";
import type { SystemClass } from "./system-class.js";

/** Executes one decoded instruction. `cpu.eip` already points at the next instruction. */
export type Handler = (cpu: Cpu, i: Insn) => void;

/**
 * What a host sees of a decoded instruction (the patch hook's argument): its opcode
 * (0x00-0xFF, or 0x100-0x1FF for the 0F map), ModRM.reg, ModRM (-1 when none), length,
 * operand and address size, REP prefix, and mnemonic.
 */
export interface DecodedInsn {
  readonly opcode: number;
  readonly reg: number;
  readonly modrm: number;
  /** The register of a mod=3 r/m operand (MOV CRn's source or destination), -1 for memory. */
  readonly rm: number;
  /** The first immediate (IN/OUT's port number, INT n's vector). */
  readonly imm: number;
  readonly len: number;
  readonly opSize: number;
  readonly adSize: number;
  /** REP_NONE, REP_E or REP_NE. */
  readonly rep: number;
  readonly def: { readonly mnem: string; readonly sys: SystemClass | null } | null;
}

/** REP prefix kinds. */
export const REP_NONE = 0;
/** F3: REP / REPE / REPZ. */
export const REP_E = 1;
/** F2: REPNE / REPNZ. */
export const REP_NE = 2;

/**
 * One pre-decoded instruction: the handler chosen for its operand size and form plus every
 * decoded operand, so executing it again (a loop) costs no decoding. All fields are set in
 * the constructor so every instance has the same hidden class.
 */
export class Insn {
  handler: Handler;
  def: OpDef | null = null;
  /** Length in bytes, prefixes included. */
  len = 0;
  /** Opcode: 0x00-0xFF one-byte map, 0x100-0x1FF the 0F map. */
  opcode = 0;
  /** Operand size in bits: 8, 16 or 32. */
  opSize = 32;
  /** Address size in bits: 16 or 32. */
  adSize = 32;
  /** ModRM byte, or -1. */
  modrm = -1;
  /** ModRM.reg, or the register encoded in the opcode's low bits. */
  reg = 0;
  /** Register number of a mod=3 r/m operand; -1 for a memory operand. */
  rm = -1;
  /** Memory operand: base register (ZERO_REG when none). */
  base = ZERO_REG;
  /** Memory operand: index register (ZERO_REG when none). */
  index = ZERO_REG;
  /** Memory operand: index shift count (0..3). */
  scale = 0;
  /** Memory operand: displacement (signed). */
  disp = 0;
  /** Memory operand / string source segment (ES..GS). */
  seg = DS;
  /** Segment override prefix (ES..GS), or -1. */
  segOverride = -1;
  /** True when a 16-bit effective address (wraps at 64 KiB). */
  a16 = false;
  /** First immediate / relative displacement / moffs. */
  imm = 0;
  /** Second immediate (ENTER's level, a far pointer's selector). */
  imm2 = 0;
  /** REP_NONE, REP_E or REP_NE. */
  rep = REP_NONE;
  lock = false;
  /** Prefixes seen: 1 = operand size (66), 2 = address size (67); for the disassembler. */
  sizePrefixes = 0;
  /**
   * Index of the handler in the run loop's direct-dispatch switch (hot-handlers.ts), or 0
   * to call `handler` indirectly.
   */
  fast = 0;
  /** Family sub-operation from the opcode table (ALU op, condition code, shift kind...). */
  op = 0;
  /**
   * The block JIT's translation of the straight-line block starting at this instruction, or
   * null (jit/translation-cache.ts). It lives and dies with this decoded entry, so every
   * reason the code cache drops decoded code (a guest write, a flush) drops it too.
   */
  jit: object | null = null;
  /** How often the run loop reached this instruction untranslated (the JIT's hotness count). */
  hits = 0;

  constructor(handler: Handler) {
    this.handler = handler;
  }
}
