import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { getCF, getStatusFlags, testCondition } from "../state/lazy-flags.js";
import { CS } from "../state/registers.js";
import { EmitContext } from "./emit-context.js";
import { emitX87, EMITTERS } from "./emitters.js";
import { type JitBlock, NO_BLOCK } from "./jit-block.js";
import { callRel32 as callHandler, ret32 as retHandler } from "../exec/control.js";

/** At most this many instructions per block (bounds compile time and the budget a block needs). */
export const MAX_BLOCK_INSNS = 48;

/** PF of a result's low byte (set when its count of 1 bits is even), for generated code. */
const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let bits = 0;
  for (let v = i; v; v >>= 1) bits += v & 1;
  PARITY[i] = bits & 1 ? 0 : 1;
}

/** Where a generated block leaves a fault for the run loop (the JIT engine). */
export interface FaultSink {
  fault: unknown;
}

/**
 * The decoded instructions of a block as the builder finds them: `fetch(eip, lin)` returns
 * the instruction cached at that address (decoding and caching it), or undefined when it
 * cannot be cached without side effects (then the block ends before it).
 */
export type Fetch = (eip: number, lin: number) => Insn | undefined;

/**
 * Translates the straight-line block that starts with `first` (at CS:`eip`, linear `lin`)
 * into a JS function: registers and lazy flags live in locals between an entry that loads
 * them and an exit that stores them back, memory is accessed inline through the CPU's fast
 * tables, and the block stops at the first control transfer (included), at the first
 * instruction no emitter translates (left to the interpreter), at the page's end, or after
 * {@link MAX_BLOCK_INSNS}. A block never crosses a page, so the code cache's page
 * invalidation drops it with its first instruction.
 *
 * Returns {@link NO_BLOCK} when not even the first instruction is translated.
 */
export function buildBlock(cpu: Cpu, first: Insn, eip: number, lin: number, fetch: Fetch, sink: FaultSink): JitBlock {
  const ctx = new EmitContext();
  const page = lin >>> 12;
  let insn: Insn | undefined = first;
  let count = 0;
  let off = 0;
  /** Return offsets of the CALLs this block went through: where their RET most likely goes. */
  const returns: number[] = [];
  while (insn !== undefined && count < MAX_BLOCK_INSNS) {
    const emitter = EMITTERS.get(insn.handler) ?? (insn.opcode >= 0xd8 && insn.opcode <= 0xdf ? emitX87 : undefined);
    if (emitter === undefined) break;
    ctx.index = count;
    ctx.starts[count] = off;
    ctx.nexts[count] = off + insn.len;
    const mark = ctx.lines.length;
    ctx.hadSlowPath = false;
    ctx.staticTarget = null;
    ctx.branch = null;
    const calls = ctx.calls.length;
    if (!emitter(ctx, insn)) {
      ctx.lines.length = mark;
      ctx.calls.length = calls;
      ctx.starts.length = count;
      ctx.nexts.length = count;
      ctx.exitEip = null;
      ctx.ended = false;
      break;
    }
    count++;
    off += insn.len;
    if (ctx.ended) {
      // Where the block may go on: a JMP or CALL's target; a Jcc's fall-through (the taken
      // branch becomes a side exit); after a RET, the return address of a CALL this block
      // went through (checked: any other popped value is a side exit).
      let target: number | null = ctx.staticTarget;
      let sideExit: string | null = null;
      // (The emitter set ctx.branch; TypeScript's narrowing from the reset above cannot see it.)
      const branch = ctx.branch as { cond: string; taken: string } | null;
      if (branch !== null) {
        target = off;
        sideExit = `if (${branch.cond}) { ni = ${count}; ne = ${branch.taken}; break out; }`;
      } else if (insn.handler === retHandler && returns.length > 0) {
        target = returns.pop()!;
        sideExit = `if (ne !== ((e0 + ${target}) >>> 0)) { ni = ${count}; break out; }`;
      }
      if (target === null || count >= MAX_BLOCK_INSNS || ((lin + target) | 0) >>> 12 !== page) break;
      if (insn.handler === callHandler) returns.push(off);
      if (ctx.hadSlowPath) ctx.emit(`if (slow !== 0) { ni = ${count}; ne = ${ctx.exitEip}; break out; }`);
      if (insn.handler === retHandler) ctx.emit(`ne = ${ctx.exitEip};`);
      if (sideExit !== null) ctx.emit(sideExit);
      ctx.ended = false;
      ctx.exitEip = null;
      off = target;
    } else if (ctx.hadSlowPath) {
      // After a slow access (MMIO, a write to decoded code, a TLB fill) the block stops:
      // a device may have raised an interrupt or asked to stop, or the code may have changed.
      ctx.emit(`if (slow !== 0) { ni = ${count}; ne = ${ctx.nextEip()}; break out; }`);
    }
    const nextLin = (lin + off) | 0;
    if (nextLin >>> 12 !== page || count >= MAX_BLOCK_INSNS) break;
    insn = fetch((eip + off) >>> 0, nextLin);
  }
  if (count === 0) return NO_BLOCK;
  const exitEip = ctx.exitEip ?? `((e0 + ${off}) >>> 0)`;
  const source = assemble(ctx, count, exitEip, lin);
  try {
    const make = new Function("sink", "offs", "testCondition", "getCF", "getStatusFlags", "PARITY", "H", "I", source) as (...a: unknown[]) => (c: Cpu) => number;
    const run = make(sink, Int32Array.from(ctx.starts), testCondition, getCF, getStatusFlags, PARITY, ctx.calls.map((c) => c.handler), ctx.calls.slice());
    return { count, lin: lin >>> 0, run, source };
  } catch (e) {
    // A code generator bug must not take the guest down: the interpreter runs this code.
    jitErrors.push(`${(e as Error).message}\n${source}`);
    return NO_BLOCK;
  }
}

/** Sources that failed to compile (a JIT bug; tests assert this stays empty). */
export const jitErrors: string[] = [];

function assemble(ctx: EmitContext, count: number, exitEip: string, lin: number): string {
  const regs = [...ctx.regsUsed].sort((a, b) => a - b);
  const written = [...ctx.regsWritten].sort((a, b) => a - b);
  const guards = [`sl[${CS}] !== -1`];
  if (ctx.usesStack) guards.push("cpu.stackMask !== 4294967295");
  for (const s of ctx.segsUsed) guards.push(`sc[${s}] !== 0`);
  const writeBack = [
    ...written.map((r) => `regs[${r}] = r${r};`),
    ctx.flagsTouched ? EmitContext.flagsWriteBack() : "",
  ].join(" ");
  const segLocals = [...ctx.segsUsed].map((s) => `const sb${s} = cpu.segBase[${s}];`).join(" ");
  // The handlers the block calls (emit-x87.ts) as constants of the closure, so that V8 sees
  // one callee at each call site and may inline it.
  const calls = ctx.calls.map((_, j) => `const h${j} = H[${j}], i${j} = I[${j}];`).join(" ");
  return `"use strict";
${calls}
// Named for the block's linear address, so a host profile (node --cpu-prof) shows which
// guest code the time went to. In parentheses, so V8 compiles it with its closure instead of
// pre-parsing it now and parsing it again at the first call (about a fifth of a block's cost).
return (function jit_${(lin >>> 0).toString(16).padStart(8, "0")}(cpu) {
  const regs = cpu.regs, sl = cpu.segLimit, sc = cpu.segCheck;
  if (${guards.join(" || ")}) return 0;
  const rp = cpu.rp, wp = cpu.wp, po = cpu.po, cm = cpu.codeMask;
  const e0 = cpu.eip, n0 = cpu.n;
  ${segLocals}
  ${regs.length ? `let ${regs.map((r) => `r${r} = regs[${r}]`).join(", ")};` : ""}
  ${ctx.flagsTouched ? "let op = cpu.ccOp, fa = cpu.ccA, fb = cpu.ccB, fr = cpu.ccRes, ff = cpu.ccFlags;" : ""}
  let lin = 0, p = 0, o = 0, b = null, m = 0, v = 0, w = 0, t = 0, u = 0, c = 0, at = 0, slow = 0, ni = ${count}, ne = 0;
  try {
    out: {
      ${ctx.lines.join("\n      ")}
      ni = ${count}; ne = ${exitEip};
    }
  } catch (e) {
    ${writeBack}
    cpu.eip = (e0 + offs[at]) >>> 0;
    cpu.n = n0 + at;
    sink.fault = e;
    return 2;
  }
  ${writeBack}
  cpu.eip = ne;
  cpu.n = n0 + ni;
  return 1;
});`;
}
