import * as stack from "../exec/stack.js";
import type { Handler, Insn } from "../decode/insn.js";
import { ESP } from "../state/registers.js";
import type { EmitContext, Emitter } from "./emit-context.js";

/**
 * PUSH/POP with a 32-bit operand and a 32-bit stack (exec/stack.ts): the write or read comes
 * first and ESP changes after it, so a faulting access leaves ESP as it was. The block's
 * entry guard checks the 32-bit stack (`cpu.stackMask`).
 */

/** Pushes the value of expression `value` (read before ESP moves: PUSH ESP pushes the old one). */
export function emitPush(ctx: EmitContext, value: string): void {
  ctx.emit(`t = ${value};`);
  ctx.stackAddress(`${ctx.reg(ESP)} - 4`);
  ctx.store32("t");
  ctx.setReg(ESP, `(${ctx.reg(ESP)} - 4) | 0`);
}

/** Pops into `v`, moving ESP by 4 + `extra` afterwards. */
export function emitPop(ctx: EmitContext, extra = 0): void {
  ctx.stackAddress(ctx.reg(ESP));
  ctx.load32();
  ctx.setReg(ESP, `(${ctx.reg(ESP)} + ${4 + extra}) | 0`);
}

function pushZ32(ctx: EmitContext, i: Insn): boolean {
  emitPush(ctx, ctx.reg(i.reg));
  return true;
}

/** POP r32: POP ESP leaves the popped value in ESP (written after the increment). */
function popZ32(ctx: EmitContext, i: Insn): boolean {
  emitPop(ctx);
  ctx.setReg(i.reg, "v");
  return true;
}

/** PUSH imm32 / imm8 sign-extended. */
function pushI(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  emitPush(ctx, String(i.imm | 0));
  return true;
}

export const STACK_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [stack.pushZ32, pushZ32],
  [stack.popZ32, popZ32],
  [stack.pushI, pushI],
];
