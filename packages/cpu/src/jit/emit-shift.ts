import * as shift from "../exec/shift.js";
import type { Handler, Insn } from "../decode/insn.js";
import { CC_NONE, CC_SHL, CC_SHR } from "../state/lazy-flags.js";
import { EmitContext, type Emitter } from "./emit-context.js";

/**
 * SHL/SAL/SHR/SAR r32 by an immediate or 1 (exec/shift.ts shiftR32): `ccA` is the operand
 * shifted by count-1 (the QEMU convention the interpreter records), `ccB` is left as it was,
 * and a count of 0 changes nothing, flags included.
 */
function shiftR32(ctx: EmitContext, i: Insn): boolean {
  const c = (i.opcode === 0xd1 ? 1 : i.imm) & 31;
  if (c === 0) return true;
  const r = ctx.reg(i.rm);
  switch (i.op) {
    case shift.SHR:
      ctx.setFlags(CC_SHR, `(${r} >>> ${c - 1}) | 0`, null, "(fa >>> 1) | 0");
      break;
    case shift.SAR:
      ctx.setFlags(CC_SHR, `${r} >> ${c - 1}`, null, "fa >> 1");
      break;
    case shift.SHL:
    case shift.SAL:
      ctx.setFlags(CC_SHL, `${r} << ${c - 1}`, null, "fa << 1");
      break;
    default:
      return false;
  }
  ctx.setReg(i.rm, "fr");
  return true;
}

/**
 * ROL/ROR r32 by an immediate or 1 (shift.ts rotR32): CF and OF from the result, the other
 * status flags materialised from the lazy state and kept (the flags become CC_NONE).
 */
function rotR32(ctx: EmitContext, i: Insn): boolean {
  const c = (i.opcode === 0xd1 ? 1 : i.imm) & 31;
  if (c === 0) return true;
  if (i.op !== shift.ROL && i.op !== shift.ROR) return false;
  const r = ctx.reg(i.rm);
  ctx.readFlags();
  ctx.emit(`${EmitContext.flagsWriteBack()} t = getStatusFlags(cpu) & ~0x801;`);
  if (i.op === shift.ROL) {
    ctx.emit(`u = (${r} << ${c}) | (${r} >>> ${32 - c}); w = u & 1; ff = t | w | ((((u >>> 31) ^ w)) << 11);`);
  } else {
    ctx.emit(`u = (${r} >>> ${c}) | (${r} << ${32 - c}); w = u >>> 31; ff = t | w | ((w ^ ((u >>> 30) & 1)) << 11);`);
  }
  ctx.emit(`op = ${CC_NONE};`);
  ctx.knownOp = CC_NONE;
  ctx.setReg(i.rm, "u");
  return true;
}

export const SHIFT_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [shift.shiftR32, shiftR32],
  [shift.rotR32, rotR32],
];
