import type { Handler } from "../decode/insn.js";
import { ALU_EMITTERS } from "./emit-alu.js";
import type { Emitter } from "./emit-context.js";
import { CONTROL_EMITTERS } from "./emit-control.js";
import { DATA_EMITTERS } from "./emit-data.js";
import { MULDIV_EMITTERS } from "./emit-muldiv.js";
import { SHIFT_EMITTERS } from "./emit-shift.js";
import { STACK_EMITTERS } from "./emit-stack.js";

/**
 * The instructions the JIT translates, keyed by the interpreter handler the decoder chose for
 * them (decode/opcode-table.ts): the handler already says operand size and register/memory
 * form, so the emitter only checks what it still cannot do (a 16-bit address, ADC/SBB).
 * An instruction whose handler is not here ends the block; the interpreter runs it.
 */
export const EMITTERS: ReadonlyMap<Handler, Emitter> = new Map<Handler, Emitter>([
  ...DATA_EMITTERS,
  ...ALU_EMITTERS,
  ...SHIFT_EMITTERS,
  ...MULDIV_EMITTERS,
  ...STACK_EMITTERS,
  ...CONTROL_EMITTERS,
]);
