import { decode } from "../decode/decoder.js";
import { Insn, REP_E, REP_NE } from "../decode/insn.js";
import type { Operand } from "../decode/opcode-def.js";
import { mnemonicOf } from "../decode/decode-bytes.js";
import { undefinedOpcode } from "../exec/system.js";
import { X87_MEMORY, X87_REGISTER } from "./x87-names.js";
import { REG16_NAMES, REG32_NAMES, REG8_NAMES, SEG_NAMES, ZERO_REG } from "../state/registers.js";

/** One disassembled instruction. */
export interface DisassembledInsn {
  addr: number;
  length: number;
  /** Intel syntax in the style of `objdump -Mintel`, e.g. `mov DWORD PTR [eax+0x4],ebx`. */
  text: string;
}

class OutOfBytes {}

/**
 * Intel-syntax disassembly of `bytes` placed at `org`, decoded by the same table the CPU
 * executes from. `code32` selects 32-bit (default) or 16-bit code. Bytes that do not form
 * an instruction print as `(bad)`.
 */
export function disassemble(bytes: Uint8Array, org: number, code32 = true): DisassembledInsn[] {
  const out: DisassembledInsn[] = [];
  let off = 0;
  while (off < bytes.length) {
    const insn = new Insn(undefinedOpcode);
    const at = off;
    let text: string;
    try {
      decode(
        (k) => {
          if (at + k >= bytes.length) throw new OutOfBytes();
          return bytes[at + k]!;
        },
        code32,
        insn,
      );
      text = formatInsn(insn, (org + off) >>> 0, code32);
    } catch {
      insn.len = 1;
      text = "(bad)";
    }
    out.push({ addr: (org + off) >>> 0, length: insn.len, text });
    off += insn.len;
  }
  return out;
}

const hex = (v: number): string => "0x" + (v >>> 0).toString(16);
const SIZE_PTR: Record<number, string> = { 8: "BYTE PTR ", 16: "WORD PTR ", 32: "DWORD PTR ", 48: "FWORD PTR ", 64: "QWORD PTR " };

function regName(r: number, size: number): string {
  return size === 8 ? REG8_NAMES[r]! : size === 16 ? REG16_NAMES[r]! : REG32_NAMES[r]!;
}

function unsignedImm(v: number, size: number): string {
  return hex(size === 32 ? v : v & ((1 << size) - 1));
}

/** Operands whose printed form shows the operand size (so a 66 prefix is "used"). */
const V_OPERANDS = new Set<Operand>(["Ev", "Gv", "Zv", "Iz", "Iv", "Ibs", "eAX", "Xv", "Yv", "Ov", "Mp", "Ma", "Mv", "Esw", "Jz", "Ap"]);
/** Operands whose printed form shows the address size (so a 67 prefix is "used"). */
const A_OPERANDS = new Set<Operand>(["Xb", "Xv", "Yb", "Yv", "Xlat"]);
/**
 * Stack and near/far transfer opcodes that objdump marks with a "w" suffix when a 66 prefix
 * makes them 16-bit in 32-bit code (pushw, retw, callw, enterw...).
 */
const W_SUFFIX = new Set([0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x1a0, 0x1a1, 0x1a8, 0x1a9, 0x68, 0x6a, 0xc2, 0xc3, 0xc8, 0xc9, 0xca, 0xcb, 0xe8, 0xe9]);

/** Formats a decoded instruction at address `addr`. */
export function formatInsn(i: Insn, addr: number, code32 = true): string {
  const d = i.def;
  if (d === null) return "(bad)";
  if (i.opcode >= 0xd8 && i.opcode <= 0xdf) return formatX87(i);
  // A memory-only operand encoded with mod = 3 is #UD; objdump prints (bad).
  if (i.rm >= 0 && d.ops.some((o) => o[0] === "M")) return "(bad)";
  let mnem = mnemonicOf(i);
  let prefix = "";
  if (code32) {
    const o16 = (i.sizePrefixes & 1) !== 0;
    const a16 = (i.sizePrefixes & 2) !== 0;
    if (o16 && W_SUFFIX.has(i.opcode)) mnem += "w";
    else if (o16 && (!d.mnem.includes("|") || i.opcode === 0xe3) && !d.ops.some((o) => V_OPERANDS.has(o))) prefix += "data16 ";
    const usesAddr = (i.modrm >= 0 && i.modrm >> 6 !== 3) || d.ops.some((o) => A_OPERANDS.has(o)) || i.opcode === 0xe3;
    if (a16 && !usesAddr) prefix += "addr16 ";
  }
  if (i.lock) prefix += "lock ";
  if (i.rep !== 0 && !(i.opcode === 0x90 && i.rep === REP_E)) {
    if (d.string && i.rep === REP_E) prefix += i.op === 1 || i.op === 4 ? "repz " : "rep ";
    else prefix += i.rep === REP_NE ? "repnz " : "repz ";
  }
  let immIndex = 0;
  const ops = d.ops.map((o) => {
    // ENTER has two immediates: the first prints from imm, the second from imm2.
    const isImm = o === "Ib" || o === "Iw";
    const text = formatOperand(i, o, addr, isImm && immIndex > 0 ? i.imm2 : i.imm);
    if (isImm || o === "Iv" || o === "Iz" || o === "Ibs") immIndex++;
    return text;
  });
  return prefix + mnem + (ops.length ? " " + ops.join(",") : "");
}

/** An x87 escape (D8-DF), named from the x87 map though the core cannot execute it. */
function formatX87(i: Insn): string {
  const k = (i.opcode - 0xd8) * 8 + ((i.modrm >> 3) & 7);
  if (i.rm < 0) {
    const m = X87_MEMORY[k];
    return m ? m[0] + " " + memOperand(i, m[1] ? m[1] + " PTR " : "") : "(bad)";
  }
  const r = X87_REGISTER[k]!;
  const text = typeof r === "string" ? r.replace("{i}", String(i.rm)) : r[i.rm];
  return text ?? "(bad)";
}

function memOperand(i: Insn, sizePtr: string): string {
  const mod = i.modrm >> 6;
  const hasBase = i.base !== ZERO_REG;
  const hasIndex = i.index !== ZERO_REG;
  const seg = i.segOverride >= 0 ? SEG_NAMES[i.segOverride]! + ":" : "";
  if (!hasBase && !hasIndex) {
    const v = i.a16 ? i.disp & 0xffff : i.disp;
    return sizePtr + (seg || "ds:") + hex(v);
  }
  const names = i.a16 ? REG16_NAMES : REG32_NAMES;
  let s = "";
  if (hasBase) s += names[i.base]!;
  if (hasIndex) {
    s += (s ? "+" : "") + names[i.index]!;
    if (!i.a16) s += "*" + (1 << i.scale);
  }
  // A displacement prints when the encoding has one (mod 1/2, or a SIB without base).
  if (mod === 1 || mod === 2 || (!hasBase && mod === 0)) {
    const v = i.disp;
    if (!hasBase && mod === 0) s += "+" + hex(v);
    else s += v < 0 ? "-" + hex(-v) : "+" + hex(v);
  }
  return sizePtr + seg + "[" + s + "]";
}

function stringOperand(i: Insn, size: number, dest: boolean): string {
  const reg = dest ? (i.a16 ? "di" : "edi") : i.a16 ? "si" : "esi";
  const seg = dest ? "es" : i.segOverride >= 0 ? SEG_NAMES[i.segOverride]! : "ds";
  return SIZE_PTR[size]! + seg + ":[" + reg + "]";
}

function formatOperand(i: Insn, o: Operand, addr: number, imm: number): string {
  const size = i.opSize;
  switch (o) {
    case "Eb":
    case "Ew":
    case "Ed":
    case "Ev": {
      const s = o === "Eb" ? 8 : o === "Ew" ? 16 : o === "Ed" ? 32 : size;
      return i.rm >= 0 ? regName(i.rm, s) : memOperand(i, SIZE_PTR[s]!);
    }
    case "Esw":
      return i.rm >= 0 ? regName(i.rm, size) : memOperand(i, SIZE_PTR[16]!);
    case "Xlat":
      return "BYTE PTR " + (i.segOverride >= 0 ? SEG_NAMES[i.segOverride]! : "ds") + ":[" + (i.a16 ? "bx" : "ebx") + "]";
    case "Gb":
      return regName(i.reg, 8);
    case "Gw":
      return regName(i.reg, 16);
    case "Gd":
      return regName(i.reg, 32);
    case "Gv":
      return regName(i.reg, size);
    case "M":
    case "Ms":
      return i.rm >= 0 ? regName(i.rm, size) : memOperand(i, "");
    case "Mb":
      return memOperand(i, SIZE_PTR[8]!);
    case "Mw":
      return memOperand(i, SIZE_PTR[16]!);
    case "Md":
      return memOperand(i, SIZE_PTR[32]!);
    case "Mv":
      return memOperand(i, SIZE_PTR[size]!);
    case "Mp":
      return memOperand(i, SIZE_PTR[size === 16 ? 32 : 48]!);
    case "Mq":
      return memOperand(i, SIZE_PTR[64]!);
    case "Ma":
      return memOperand(i, SIZE_PTR[size === 16 ? 32 : 64]!);
    case "Rd":
      return regName(i.rm >= 0 ? i.rm : i.modrm & 7, 32);
    case "Cd":
      return "cr" + i.reg;
    case "Dd":
      return "dr" + i.reg;
    case "Sw":
      return SEG_NAMES[i.reg] ?? "?";
    case "Ib":
      return hex(imm & 0xff);
    case "Iw":
      return hex(imm & 0xffff);
    case "Iv":
    case "Iz":
    case "Ibs":
      return unsignedImm(i.imm, size);
    case "Jb":
    case "Jz": {
      const t = addr + i.len + i.imm;
      return hex(size === 16 ? t & 0xffff : t);
    }
    case "Ob":
    case "Ov":
      return (i.segOverride >= 0 ? SEG_NAMES[i.segOverride]! : "ds") + ":" + hex(i.a16 ? i.disp & 0xffff : i.disp);
    case "Ap":
      return hex(i.imm2) + ":" + hex(size === 16 ? i.imm & 0xffff : i.imm);
    case "Zb":
      return regName(i.reg, 8);
    case "Zv":
      return regName(i.reg, size);
    case "AL":
      return "al";
    case "CL":
      return "cl";
    case "AX":
      return "ax";
    case "DX":
      return "dx";
    case "eAX":
      return regName(0, size);
    case "One":
      return "1";
    case "Xb":
      return stringOperand(i, 8, false);
    case "Xv":
      return stringOperand(i, size, false);
    case "Yb":
      return stringOperand(i, 8, true);
    case "Yv":
      return stringOperand(i, size, true);
    default:
      return o.toLowerCase();
  }
}
