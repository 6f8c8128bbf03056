import * as control from "../exec/control.js";
import type { Handler, Insn } from "../decode/insn.js";
import { CC_NONE } from "../state/lazy-flags.js";
import { EmitContext, type Emitter } from "./emit-context.js";
import { emitPop, emitPush } from "./emit-stack.js";
import { conditionExpr } from "./flag-conditions.js";

/**
 * Near JMP/Jcc/CALL/RET with 32-bit operands (exec/control.ts): each ends the block, setting
 * the exit EIP. The block's entry guard requires a 4 GiB code segment, so no target exceeds
 * CS's limit (the interpreter's #GP check cannot fire).
 */

/** A boolean expression for condition `cc` over the block's flag locals. */
function condition(ctx: EmitContext, cc: number): string {
  ctx.readFlags();
  if (ctx.knownOp !== -1) {
    const e = conditionExpr(ctx.knownOp, cc);
    if (e !== null) return e;
  }
  if ((cc >> 1) === 2) {
    // JZ/JNZ: ZF straight from the lazy state, as control.ts's jz32/jnz32.
    const z = `(op !== ${CC_NONE} ? fr === 0 : (ff & 0x40) !== 0)`;
    return cc & 1 ? `!${z}` : z;
  }
  // Anything else: the reference formulas on the flags written back.
  ctx.emit(EmitContext.flagsWriteBack());
  return `testCondition(cpu, ${cc})`;
}

function jcc(ctx: EmitContext, i: Insn, cc: number): boolean {
  const c = condition(ctx, cc);
  ctx.exitEip = `(${c} ? ${ctx.relTarget(i.imm)} : ${ctx.nextEip()})`;
  ctx.branch = { cond: c, taken: ctx.relTarget(i.imm) };
  ctx.ended = true;
  return true;
}

function jmp32(ctx: EmitContext, i: Insn): boolean {
  ctx.exitEip = ctx.relTarget(i.imm);
  ctx.staticTarget = ctx.nexts[ctx.index]! + i.imm;
  ctx.ended = true;
  return true;
}

function callRel32(ctx: EmitContext, i: Insn): boolean {
  emitPush(ctx, ctx.nextEip());
  ctx.exitEip = ctx.relTarget(i.imm);
  ctx.staticTarget = ctx.nexts[ctx.index]! + i.imm;
  ctx.ended = true;
  return true;
}

/** RET / RET imm16. */
function ret32(ctx: EmitContext, i: Insn): boolean {
  emitPop(ctx, i.imm);
  ctx.exitEip = "(v >>> 0)";
  ctx.ended = true;
  return true;
}

export const CONTROL_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [control.jz32, (ctx, i) => jcc(ctx, i, 4)],
  [control.jnz32, (ctx, i) => jcc(ctx, i, 5)],
  [control.jcc32, (ctx, i) => jcc(ctx, i, i.op)],
  [control.jmp32, jmp32],
  [control.callRel32, callRel32],
  [control.ret32, ret32],
];
