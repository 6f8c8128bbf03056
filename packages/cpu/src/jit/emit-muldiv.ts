import * as muldiv from "../exec/muldiv.js";
import type { Handler, Insn } from "../decode/insn.js";
import { CC_MUL } from "../state/lazy-flags.js";
import type { EmitContext, Emitter } from "./emit-context.js";

/**
 * IMUL r32,r/m32 and IMUL r32,r/m32,imm (exec/muldiv.ts): the low half with CF=OF set when
 * the signed product does not fit 32 bits (`ccA` = 1/0, `ccB` = 0, `ccRes` = the low half,
 * as the interpreter records CC_MUL). The double product `a * b` is exact below 2^53 and
 * certainly unequal to the int32 low half above, so comparing the two tells overflow exactly.
 */
/** The r/m operand as an expression (a register, or `v` after a load); null when not translated. */
function source(ctx: EmitContext, i: Insn): string | null {
  if (i.rm >= 0) return ctx.reg(i.rm);
  if (i.a16) return null;
  ctx.address(i);
  ctx.load32();
  return "v";
}

/** `reg = t * u` with the CC_MUL flags. */
function product(ctx: EmitContext, i: Insn, a: string, b: string): void {
  ctx.emit(`t = ${a}; u = ${b};`);
  ctx.setFlags(CC_MUL, "(t * u) !== Math.imul(t, u) ? 1 : 0", "0", "Math.imul(t, u)");
  ctx.setReg(i.reg, "fr");
}

/** IMUL Gv,Ev,Iz / Gv,Ev,Ib. */
function imulGEI(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  const src = source(ctx, i);
  if (src === null) return false;
  product(ctx, i, src, String(i.imm | 0));
  return true;
}

/** IMUL Gv,Ev. */
function imulGE(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  const src = source(ctx, i);
  if (src === null) return false;
  product(ctx, i, ctx.reg(i.reg), src);
  return true;
}

export const MULDIV_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [muldiv.imulGEI, imulGEI],
  [muldiv.imulGE, imulGE],
];
