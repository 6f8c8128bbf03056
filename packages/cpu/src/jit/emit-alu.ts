import * as alu from "../exec/alu.js";
import type { Handler, Insn } from "../decode/insn.js";
import { CC_ADD, CC_DEC, CC_INC, CC_LOGIC, CC_SUB } from "../state/lazy-flags.js";
import { EmitContext, type Emitter } from "./emit-context.js";
import { cfExpr, KNOWN_SBB } from "./flag-conditions.js";

/**
 * ADD/SUB/AND/OR/XOR/CMP, TEST, INC/DEC with 32-bit operands (exec/alu.ts), recording the
 * same lazy flags as the interpreter: `ccA`, `ccB`, `ccRes` = operands and result.
 * ADC and SBB take CF in (`c`) and record CC_ADD / CC_SUB as the interpreter does.
 */

/**
 * ADC/SBB's carry in, into `c`: inline when this block recorded the flags, else from the
 * reference formula on the flags written back.
 */
function carryIn(ctx: EmitContext): void {
  ctx.readFlags();
  const cf = ctx.knownOp === -1 ? null : cfExpr(ctx.knownOp);
  ctx.emit(cf !== null ? `c = ${cf};` : `${EmitContext.flagsWriteBack()} c = getCF(cpu);`);
}

/** Emits `op` on expressions `a` and `b`; the result is in `fr` afterwards. False when `op` is not translated. */
function emitOp(ctx: EmitContext, op: number, a: string, b: string): boolean {
  let res: string;
  let cc: number;
  switch (op) {
    case alu.ADD:
      res = "(fa + fb) | 0";
      cc = CC_ADD;
      break;
    case alu.ADC:
      carryIn(ctx);
      res = "(fa + fb + c) | 0";
      cc = CC_ADD;
      break;
    case alu.SBB:
      carryIn(ctx);
      res = "(fa - fb - c) | 0";
      cc = CC_SUB;
      break;
    case alu.SUB:
    case alu.CMP:
      res = "(fa - fb) | 0";
      cc = CC_SUB;
      break;
    case alu.AND:
      res = "fa & fb";
      cc = CC_LOGIC;
      break;
    case alu.OR:
      res = "fa | fb";
      cc = CC_LOGIC;
      break;
    case alu.XOR:
      res = "fa ^ fb";
      cc = CC_LOGIC;
      break;
    default:
      return false;
  }
  ctx.setFlags(cc, a, b, res);
  if (op === alu.SBB) ctx.knownOp = KNOWN_SBB;
  return true;
}

/** ALU op with a register destination `dst` and source expression `src`. */
function aluToReg(ctx: EmitContext, op: number, dst: number, src: string): boolean {
  emitOp(ctx, op, ctx.reg(dst), src);
  if (op !== alu.CMP) ctx.setReg(dst, "fr");
  return true;
}

function rr32(ctx: EmitContext, i: Insn): boolean {
  return aluToReg(ctx, i.op, i.rm, ctx.reg(i.reg));
}

function ri32(ctx: EmitContext, i: Insn): boolean {
  return aluToReg(ctx, i.op, i.rm, String(i.imm | 0));
}

/** op eAX,Iz. */
function ai(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  return aluToReg(ctx, i.op, 0, String(i.imm | 0));
}

/** op Gv,Ev: a register or a memory source. */
function ge(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  if (i.rm >= 0) return aluToReg(ctx, i.op, i.reg, ctx.reg(i.rm));
  if (i.a16) return false;
  ctx.address(i);
  ctx.load32();
  return aluToReg(ctx, i.op, i.reg, "v");
}

/**
 * op Ev,src with a memory destination: read, compute into a scratch, write, and only then
 * record the flags, so that a faulting write leaves the flags as they were.
 */
function toMem(ctx: EmitContext, i: Insn, src: string): boolean {
  const op = i.op;
  if (i.a16) return false;
  // The source is read before anything changes (it may be the address's own register).
  ctx.emit(`t = ${src};`);
  ctx.address(i);
  ctx.load32();
  let res: string;
  let cc: number;
  switch (op) {
    case alu.ADD:
      res = "(v + t) | 0";
      cc = CC_ADD;
      break;
    case alu.ADC:
      carryIn(ctx);
      res = "(v + t + c) | 0";
      cc = CC_ADD;
      break;
    case alu.SBB:
      carryIn(ctx);
      res = "(v - t - c) | 0";
      cc = CC_SUB;
      break;
    case alu.SUB:
    case alu.CMP:
      res = "(v - t) | 0";
      cc = CC_SUB;
      break;
    case alu.AND:
      res = "v & t";
      cc = CC_LOGIC;
      break;
    case alu.OR:
      res = "v | t";
      cc = CC_LOGIC;
      break;
    default:
      res = "v ^ t";
      cc = CC_LOGIC;
      break;
  }
  ctx.emit(`u = ${res};`);
  if (op !== alu.CMP) ctx.store32("u");
  ctx.setFlags(cc, "v", "t", "u");
  if (op === alu.SBB) ctx.knownOp = KNOWN_SBB;
  return true;
}

/** op Ev,Gv. */
function eg(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  if (i.rm >= 0) return aluToReg(ctx, i.op, i.rm, ctx.reg(i.reg));
  return toMem(ctx, i, ctx.reg(i.reg));
}

/** op Ev,Iz / Ev,Ib. */
function ei(ctx: EmitContext, i: Insn): boolean {
  if (i.opSize !== 32) return false;
  if (i.rm >= 0) return aluToReg(ctx, i.op, i.rm, String(i.imm | 0));
  return toMem(ctx, i, String(i.imm | 0));
}

function testRR32(ctx: EmitContext, i: Insn): boolean {
  ctx.setFlags(CC_LOGIC, ctx.reg(i.rm), ctx.reg(i.reg), "fa & fb");
  return true;
}

function testRI32(ctx: EmitContext, i: Insn): boolean {
  ctx.setFlags(CC_LOGIC, ctx.reg(i.rm >= 0 ? i.rm : 0), String(i.imm | 0), "fa & fb");
  return true;
}

/** INC/DEC r32: CF survives in `ccFlags` (state/lazy-flags.ts CC_INC/CC_DEC). */
function incDec(ctx: EmitContext, r: number, inc: boolean): boolean {
  const known = ctx.knownOp;
  const cf = known === -1 ? null : cfExpr(known);
  if (cf === null) {
    // What the block entered with: ask the reference formulas.
    ctx.readFlags();
    ctx.emit(`if (op !== ${CC_INC} && op !== ${CC_DEC}) { ${EmitContext.flagsWriteBack()} ff = getCF(cpu); }`);
  } else if (known !== CC_INC && known !== CC_DEC) {
    ctx.emit(`ff = ${cf};`);
  }
  ctx.setFlags(inc ? CC_INC : CC_DEC, ctx.reg(r), "1", inc ? "(fa + 1) | 0" : "(fa - 1) | 0");
  ctx.setReg(r, "fr");
  return true;
}

export const ALU_EMITTERS: ReadonlyArray<readonly [Handler, Emitter]> = [
  [alu.addRR32, rr32],
  [alu.subRR32, rr32],
  [alu.logicRR32, rr32],
  [alu.aluRR32, rr32],
  [alu.aluRI32, ri32],
  [alu.aluAI, ai],
  [alu.aluGE, ge],
  [alu.aluEG, eg],
  [alu.aluEI, ei],
  [alu.testRR32, testRR32],
  [alu.testRI32, testRI32],
  [alu.incR32, (ctx, i) => incDec(ctx, i.reg, true)],
  [alu.decR32, (ctx, i) => incDec(ctx, i.reg, false)],
];
