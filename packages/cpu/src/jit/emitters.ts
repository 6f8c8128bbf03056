import type { Handler } from "../decode/insn.js";
import { ALU_EMITTERS } from "./emit-alu.js";
import type { Emitter } from "./emit-context.js";
import { CONTROL_EMITTERS } from "./emit-control.js";
import { DATA_EMITTERS } from "./emit-data.js";
import { MULDIV_EMITTERS } from "./emit-muldiv.js";
import { SHIFT_EMITTERS } from "./emit-shift.js";
import { STACK_EMITTERS } from "./emit-stack.js";
import { emitX87, X87_EMITTERS } from "./emit-x87.js";

export { emitX87 };

/**
 * The instructions the JIT translates, keyed by the interpreter handler the decoder chose for
 * them (decode/opcode-table.ts): the handler already says operand size and register/memory
 * form, so the emitter only checks what it still cannot do (a 16-bit address, ADC/SBB).
 * An instruction whose handler is not here ends the block; the interpreter runs it — except
 * the x87 escapes, whose several handlers (exec/x87-register-forms.ts) are recognised by
 * opcode ({@link emitX87}).
 */
export const EMITTERS: ReadonlyMap<Handler, Emitter> = new Map<Handler, Emitter>([
  ...DATA_EMITTERS,
  ...ALU_EMITTERS,
  ...SHIFT_EMITTERS,
  ...MULDIV_EMITTERS,
  ...STACK_EMITTERS,
  ...CONTROL_EMITTERS,
  ...X87_EMITTERS,
]);
