import { CpuFault } from "../exceptions/cpu-fault.js";
import { GP } from "../exceptions/vectors.js";
import { undefinedOpcode } from "../exec/system.js";
import { DS, SS, ZERO_REG } from "../state/registers.js";
import { hotId } from "./hot-handlers.js";
import { Insn, REP_E, REP_NE } from "./insn.js";
import { ALL_INSN_GROUPS } from "../model/cpu-model.js";
import { isGroup, type OpDef } from "./opcode-def.js";
import { OPCODES, PREFIX_SEG } from "./opcode-table.js";

/** The longest legal instruction (SDM vol.2 §2.3.11): a longer one raises #GP(0). */
export const MAX_INSN_LENGTH = 15;

/** Reads the byte at `offset` from the instruction's first byte. */
export type ByteFetcher = (offset: number) => number;

/** 16-bit ModRM base/index pairs for rm = 0..7 (SDM vol.2 table 2-1). */
const BASE16 = [3, 3, 5, 5, 6, 7, 5, 3];
const INDEX16 = [6, 7, 6, 7, ZERO_REG, ZERO_REG, ZERO_REG, ZERO_REG];

/**
 * Decodes one instruction into `insn` (prefixes, opcode, ModRM/SIB, displacement,
 * immediates) and picks its handler. `code32` is CS.D. `groups` is the CPU model's
 * instruction-group mask (model/cpu-model.ts; default: every group, as a disassembler wants).
 * An undefined opcode, one of a group the model lacks, or a misuse of LOCK decodes to a #UD
 * handler (`insn.def` still names the instruction); a fetch past 15 bytes throws #GP(0).
 */
export function decode(fetch: ByteFetcher, code32: boolean, insn: Insn, groups = ALL_INSN_GROUPS): Insn {
  let pos = 0;
  const next = (): number => {
    if (pos >= MAX_INSN_LENGTH) throw new CpuFault(GP, 0);
    return fetch(pos++);
  };
  let o16 = !code32;
  let a16 = !code32;
  let seg = -1;
  let rep = 0;
  let lock = false;
  let sizePrefixes = 0;
  let b: number;
  for (;;) {
    b = next();
    if (b === 0x66) {
      o16 = code32;
      sizePrefixes |= 1;
    } else if (b === 0x67) {
      a16 = code32;
      sizePrefixes |= 2;
    }
    else if (b === 0xf0) lock = true;
    else if (b === 0xf3) rep = REP_E;
    else if (b === 0xf2) rep = REP_NE;
    else if (PREFIX_SEG[b] !== undefined) seg = PREFIX_SEG[b]!;
    else break;
  }
  let opcode = b;
  if (b === 0x0f) opcode = 0x100 | next();

  insn.opcode = opcode;
  insn.segOverride = seg;
  insn.sizePrefixes = sizePrefixes;
  insn.rep = rep;
  insn.lock = lock;
  insn.a16 = a16;
  insn.adSize = a16 ? 16 : 32;
  insn.modrm = -1;
  insn.reg = opcode & 7;
  insn.rm = -1;
  insn.base = ZERO_REG;
  insn.index = ZERO_REG;
  insn.scale = 0;
  insn.disp = 0;
  insn.seg = seg >= 0 ? seg : DS;
  insn.imm = 0;
  insn.imm2 = 0;
  insn.def = null;

  let entry = OPCODES[opcode] ?? null;
  let modrm = -1;
  if (entry !== null && isGroup(entry)) {
    modrm = next();
    const reg = (modrm >> 3) & 7;
    entry = (modrm >> 6 === 3 && entry.regForms ? entry.regForms[reg] : entry.group[reg]) ?? null;
  }
  const d: OpDef | null = entry;
  insn.opSize = d === null ? (o16 ? 16 : 32) : d.size === "v" ? (o16 ? 16 : 32) : d.size;
  if (d !== null && d.modrm && modrm < 0) modrm = next();
  if (modrm >= 0) decodeModrm(insn, modrm, next, seg);
  if (d === null) {
    insn.len = pos;
    insn.handler = undefinedOpcode;
    insn.fast = 0;
    return insn;
  }
  insn.def = d;
  insn.op = d.op;
  let first = true;
  for (const o of d.ops) {
    let v: number;
    switch (o) {
      case "Ib":
        v = next();
        break;
      case "Ibs":
      case "Jb":
        v = (next() << 24) >> 24;
        break;
      case "Iw":
        v = next() | (next() << 8);
        break;
      case "Iv":
      case "Iz":
      case "Jz":
        v = insn.opSize === 16 ? next() | (next() << 8) : next() | (next() << 8) | (next() << 16) | (next() << 24);
        if (o === "Jz" && insn.opSize === 16) v = (v << 16) >> 16;
        break;
      case "Ob":
      case "Ov":
        // moffs: a memory operand with only a displacement of the address size.
        insn.disp = a16 ? next() | (next() << 8) : next() | (next() << 8) | (next() << 16) | (next() << 24);
        continue;
      case "Ap": {
        const off = insn.opSize === 16 ? next() | (next() << 8) : next() | (next() << 8) | (next() << 16) | (next() << 24);
        insn.imm = off;
        insn.imm2 = next() | (next() << 8);
        continue;
      }
      default:
        continue;
    }
    if (first) insn.imm = v;
    else insn.imm2 = v;
    first = false;
  }
  insn.len = pos;

  // #UD rules: LOCK only on the listed read-modify-write forms with a memory destination;
  // memory-only operands with mod = 3 (SDM vol.2 "LOCK", table A-6 notes).
  let ud = (d.needs & ~groups) !== 0 || (lock && (!d.lockable || insn.rm >= 0));
  if (!ud && insn.rm >= 0) for (const o of d.ops) if (o[0] === "M") ud = true;
  insn.handler = ud ? undefinedOpcode : d.select(insn);
  insn.fast = hotId(insn.handler);
  return insn;
}

function decodeModrm(insn: Insn, modrm: number, next: () => number, seg: number): void {
  insn.modrm = modrm;
  const mod = modrm >> 6;
  const rm = modrm & 7;
  insn.reg = (modrm >> 3) & 7;
  if (mod === 3) {
    insn.rm = rm;
    return;
  }
  let defSeg = DS;
  if (insn.a16) {
    if (mod === 0 && rm === 6) {
      insn.disp = next() | (next() << 8);
    } else {
      insn.base = BASE16[rm]!;
      insn.index = INDEX16[rm]!;
      if (rm === 2 || rm === 3 || rm === 6) defSeg = SS; // BP-based forms use SS
      if (mod === 1) insn.disp = (next() << 24) >> 24;
      else if (mod === 2) insn.disp = ((next() | (next() << 8)) << 16) >> 16;
    }
  } else {
    let base = rm;
    if (rm === 4) {
      const sib = next();
      const index = (sib >> 3) & 7;
      base = sib & 7;
      insn.scale = sib >> 6;
      insn.index = index === 4 ? ZERO_REG : index;
      if (index === 4) insn.scale = 0;
    }
    if (mod === 0 && base === 5) {
      insn.base = ZERO_REG;
      insn.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
    } else {
      insn.base = base;
      if (base === 4 || base === 5) defSeg = SS; // ESP/EBP-based forms use SS
      if (mod === 1) insn.disp = (next() << 24) >> 24;
      else if (mod === 2) insn.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
    }
  }
  insn.seg = seg >= 0 ? seg : defSeg;
}
