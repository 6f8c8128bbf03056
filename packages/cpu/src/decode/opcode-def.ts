import { type InsnGroup, insnGroupBit } from "../model/cpu-model.js";
import type { Handler, Insn } from "./insn.js";
import type { SystemClass } from "./system-class.js";

/**
 * Operand forms, in the notation of the SDM's opcode map (vol.2 appendix A.2):
 * E = ModRM r/m, G = ModRM reg, M = memory-only r/m, R = register-only r/m (MOV CRn),
 * I = immediate, J = relative offset, O = moffs, A = far pointer, S/C/D = segment, control
 * and debug register in ModRM.reg, Z = register in the opcode's low 3 bits, X/Y = string
 * source DS:eSI / destination ES:eDI. Size suffixes: b byte, w word, d dword, v operand
 * size, z = v (16 or 32 in IA-32), bs = byte sign-extended to the operand size, p far
 * pointer, q quadword, a BOUND pair, s 6-byte descriptor-table pointer; Esw is MOV Sreg's
 * r/m (a register of the operand size, or a word in memory).
 */
export type Operand =
  | "Eb" | "Ew" | "Ed" | "Ev"
  /** A segment-register move's r/m: operand-size register, or a word in memory. */
  | "Esw"
  | "Gb" | "Gw" | "Gd" | "Gv"
  | "M" | "Mb" | "Mw" | "Md" | "Mv" | "Mp" | "Mq" | "Ma" | "Ms"
  | "Rd"
  | "Ib" | "Iw" | "Iv" | "Iz" | "Ibs"
  | "Jb" | "Jz"
  | "Ob" | "Ov"
  | "Ap"
  | "Sw" | "Cd" | "Dd"
  | "Zb" | "Zv"
  | "AL" | "CL" | "AX" | "DX" | "eAX" | "One"
  | "Xb" | "Xv" | "Yb" | "Yv"
  /** XLAT's implicit table byte, DS:[eBX] (shown by disassemblers). */
  | "Xlat"
  | "ES" | "CS" | "SS" | "DS" | "FS" | "GS";

/** Operand size of an opcode: from the 66 prefix ("v"), or fixed. */
export type SizeRule = "v" | 8 | 16 | 32;

/** Which prefixes an opcode honours for #UD and disassembly. */
export interface OpDef {
  /** Intel mnemonic; "cbw|cwde" gives the 16-bit and 32-bit operand-size spellings. */
  readonly mnem: string;
  readonly ops: readonly Operand[];
  /** Chooses the handler for a decoded instruction (its size, register or memory form). */
  readonly select: (i: Insn) => Handler;
  /** Family sub-operation passed to the handler in `Insn.op` (ALU op, condition code...). */
  readonly op: number;
  readonly size: SizeRule;
  /** LOCK is allowed (with a memory destination), SDM vol.2 "LOCK". */
  readonly lockable: boolean;
  /** A string instruction: F2/F3 mean REPNE/REP(E). */
  readonly string: boolean;
  /** Derived: the opcode has a ModRM byte. */
  readonly modrm: boolean;
  /**
   * The instruction group the opcode belongs to, as a bit of an instruction-group mask (see
   * model/cpu-model.ts), or 0 for opcodes every model has. A CPU model without it is #UD.
   */
  readonly needs: number;
  /**
   * What the hardware says about this form and privilege (faults at CPL > 0, depends on
   * IOPL, touches ports, sensitive though unprivileged...), or null: see system-class.ts.
   */
  readonly sys: SystemClass | null;
}

const BYTE_OPS = new Set<Operand>(["Eb", "Gb", "Zb", "AL", "Ob", "Xb", "Yb"]);
const MODRM_OPS = /^(E|G|M|R|S|C|D)/;

export interface DefOptions {
  size?: SizeRule;
  lock?: boolean;
  string?: boolean;
  op?: number;
  /** The instruction group a model must have for the opcode to exist (CMOV, CPUID...). */
  needs?: InsnGroup;
  /** The form's privilege facts (system-class.ts). */
  sys?: SystemClass;
}

/** Describes one opcode once: mnemonic, operand forms, handler selector. */
export function def(mnem: string, operands: string, select: (i: Insn) => Handler, o: DefOptions = {}): OpDef {
  const ops = (operands === "" ? [] : operands.split(",")) as Operand[];
  const size: SizeRule = o.size ?? (ops.some((x) => BYTE_OPS.has(x)) ? 8 : "v");
  return {
    mnem,
    ops,
    select,
    op: o.op ?? 0,
    size,
    lockable: o.lock ?? false,
    string: o.string ?? false,
    needs: o.needs === undefined ? 0 : insnGroupBit(o.needs),
    sys: o.sys ?? null,
    modrm: ops.some((x) => MODRM_OPS.test(x) && x !== "DX" && x !== "DS" && x !== "CS" && x !== "SS" && x !== "ES" && x !== "CL" && x !== "GS" && x !== "FS"),
  };
}

/** Chooses among handlers by operand size. */
export function bySize(h8: Handler, h16: Handler, h32: Handler): (i: Insn) => Handler {
  return (i) => (i.opSize === 8 ? h8 : i.opSize === 16 ? h16 : h32);
}

/** Always the same handler. */
export function always(h: Handler): (i: Insn) => Handler {
  return () => h;
}

/** An opcode whose ModRM.reg selects the instruction (SDM vol.2 table A-6). */
export interface Group {
  readonly group: readonly (OpDef | null)[];
  /** Entries used when mod = 3 (group 7's register forms), if they differ. */
  readonly regForms?: readonly (OpDef | null)[];
}

export type TableEntry = OpDef | Group | null;

export function isGroup(e: TableEntry): e is Group {
  return e !== null && "group" in e;
}
