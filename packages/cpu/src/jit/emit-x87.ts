import type { Insn } from "../decode/insn.js";
import { fwait } from "../exec/fpu.js";
import { selectX87 } from "../exec/x87-register-forms.js";
import { ZERO_REG } from "../state/registers.js";
import { EmitContext, type Emitter } from "./emit-context.js";

/**
 * The x87 (D8-DF) and FWAIT inside a block: the generated code calls the interpreter's own
 * handler for the instruction (exec/fpu.ts, and the pre-decoded register forms of
 * exec/x87-register-forms.ts), so FIP/FCS/FOP/FDP/FDS, the status word, #NM/#MF/FERR# and
 * every result are the interpreter's by construction. What the call needs from the block is
 * made visible first, as the run loop has it when it calls a handler:
 *
 * - `cpu.eip` = the next instruction's EIP (FIP is `eip - len`), `cpu.n` = the count before
 *   this instruction (FERR# raises IRQ 13 in mid-instruction), and `at` = its index, so a
 *   fault it throws (#NM, #MF, #UD, #GP, #PF) is caught by the block with the state before the
 *   instruction, exactly as the interpreter's run loop rewinds it;
 * - the base and index registers of a memory operand, if the block changed them (the
 *   handler computes the address from `cpu.regs`);
 * - the lazy flags, for the forms that read or write EFLAGS (FCMOVcc reads them, FCOMI/
 *   FUCOMI(P) write ZF PF CF), stored before the call and reloaded after; FNSTSW AX's AX is
 *   reloaded after.
 *
 * After the call the block stops if the CPU has something pending (FERR# raised IRQ 13, a
 * device was touched through MMIO), and after every form that stores to memory (FST, FIST,
 * FBSTP, FNSTENV, FNSAVE, FNSTCW, FNSTSW m16): a store may hit decoded code, which the inline
 * stores check and a handler's store does not report. The x87 handlers raise faults by
 * throwing (never Cpu.signalFault), which the block's catch clause turns into a precise fault.
 */

/** Forms whose handler reads or writes the status flags: DA/DB /0-3 (FCMOVcc), DB/DF /5-6. */
function touchesFlags(i: Insn): boolean {
  if (i.rm < 0) return false;
  const esc = i.opcode - 0xd8;
  return ((esc === 2 || esc === 3) && i.reg < 4) || ((esc === 3 || esc === 7) && (i.reg === 5 || i.reg === 6));
}

/** Memory forms that store: D9/DB/DD/DF /2 /3 /6 /7 (the undefined ones among them are #UD). */
function storesToMemory(i: Insn): boolean {
  return i.rm < 0 && (i.opcode & 1) === 1 && (i.reg === 2 || i.reg === 3 || i.reg >= 6);
}

/** Emits a call of the interpreter's handler for `i`, with the state it reads made visible. */
function callHandler(ctx: EmitContext, i: Insn): void {
  const k = ctx.index;
  const flags = touchesFlags(i);
  if (i.rm < 0) {
    for (const r of [i.base, i.index]) if (r !== ZERO_REG && ctx.regsWritten.has(r)) ctx.emit(`regs[${r}] = r${r};`);
  }
  if (flags) {
    ctx.readFlags();
    ctx.emit(EmitContext.flagsWriteBack());
  }
  const j = ctx.call(i);
  ctx.emit(`at = ${k}; cpu.eip = ${ctx.nextEip()}; cpu.n = n0 + ${k}; h${j}(cpu, i${j});`);
  if (flags) {
    // The handler's flags are whatever it recorded: conditions after it are computed generally.
    ctx.emit("op = cpu.ccOp; fa = cpu.ccA; fb = cpu.ccB; fr = cpu.ccRes; ff = cpu.ccFlags;");
    ctx.knownOp = -1;
  }
  if (i.opcode === 0xdf && i.rm === 0 && i.reg === 4) ctx.setReg(0, "regs[0]"); // FNSTSW AX
  ctx.emit(`if (cpu.pending !== 0) { ni = ${k + 1}; ne = ${ctx.nextEip()}; break out; }`);
  if (storesToMemory(i)) {
    ctx.hadSlowPath = true;
    ctx.emit("slow = 1;");
  }
}

/** An x87 escape: translated as a call when the decoder chose its x87 handler. */
export function emitX87(ctx: EmitContext, i: Insn): boolean {
  if (i.opcode < 0xd8 || i.opcode > 0xdf || i.handler !== selectX87(i)) return false;
  callHandler(ctx, i);
  return true;
}

/** FWAIT: #NM with CR0.MP = TS = 1, then a pending exception's report (the interpreter's). */
function emitFwait(ctx: EmitContext, i: Insn): boolean {
  callHandler(ctx, i);
  return true;
}

export const X87_EMITTERS: ReadonlyArray<readonly [typeof fwait, Emitter]> = [[fwait, emitFwait]];
