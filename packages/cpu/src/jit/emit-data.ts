import * as data from "../exec/data.js";
import type { Handler, Insn } from "../decode/insn.js";
import type { EmitContext, Emitter } from "./emit-context.js";

/** MOV (register, memory and immediate forms) and LEA with 32-bit operands (exec/data.ts). */

function movRR32(ctx: EmitContext, i: Insn): boolean {
  ctx.setReg(i.rm, ctx.reg(i.reg));
  return true;
}

function movRR32Rev(ctx: EmitContext, i: Insn): boolean {
  ctx.setReg(i.reg, ctx.reg(i.rm));
  return true;
}

function movRM32(ctx: EmitContext, i: Insn): boolean {
  if (i.a16) return false;
  ctx.address(i);
  ctx.load32();
  ctx.setReg(i.reg, "v");
  return true;
}

function movMR32(ctx: EmitContext, i: Insn): boolean {
  if (i.a16) return false;
  ctx.address(i);
  ctx.store32(ctx.reg(i.reg));
  return true;
}

function movZI32(ctx: EmitContext, i: Insn): boolean {
  ctx.setReg(i.reg, String(i.imm | 0));
  return true;
}

/** MOV Ev,Iz (C7 /0). */
function movEI(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  if (i.rm >= 0) {
    ctx.setReg(i.rm, String(i.imm | 0));
    return true;
  }
  if (i.a16) return false;
  ctx.address(i);
  ctx.store32(String(i.imm | 0));
  return true;
}

/** LEA r32,M with a 32-bit address: the offset, no segment, no access. */
function lea(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32 || i.a16) return false;
  const parts: string[] = [];
  if (i.base !== 8) parts.push(ctx.reg(i.base));
  if (i.index !== 8) parts.push(i.scale === 0 ? ctx.reg(i.index) : `(${ctx.reg(i.index)} << ${i.scale})`);
  if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp | 0));
  ctx.setReg(i.reg, `(${parts.join(" + ")}) | 0`);
  return true;
}

export const DATA_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [data.movRR32, movRR32],
  [data.movRR32Rev, movRR32Rev],
  [data.movRM32, movRM32],
  [data.movMR32, movMR32],
  [data.movZI32, movZI32],
  [data.movEI, movEI],
  [data.lea, lea],
];
