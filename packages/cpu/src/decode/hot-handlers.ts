import * as alu from "../exec/alu.js";
import * as control from "../exec/control.js";
import * as data from "../exec/data.js";
import * as shift from "../exec/shift.js";
import * as stack from "../exec/stack.js";
import * as x87 from "../exec/x87-register-forms.js";
import type { Handler } from "./insn.js";

/**
 * The handlers the run loop calls directly from a switch (cpu.ts) instead of through
 * `insn.handler`: a direct call to a known function is cheaper than a megamorphic indirect
 * one, and the optimiser may inline it into the loop. The order here is the switch's
 * numbering (1-based); keep the two in step. The list is the 32-bit register and memory
 * forms that dominate compiled code (measured on the cpubench guest).
 */
export const HOT_HANDLERS: readonly Handler[] = [
  data.movRR32,
  data.movRR32Rev,
  data.movRM32,
  data.movMR32,
  data.movZI32,
  alu.addRR32,
  alu.subRR32,
  alu.logicRR32,
  alu.aluRI32,
  alu.incR32,
  alu.decR32,
  alu.testRR32,
  alu.testRI32,
  control.jz32,
  control.jnz32,
  control.jcc32,
  control.jmp32,
  control.callRel32,
  control.ret32,
  stack.pushZ32,
  stack.popZ32,
  shift.shiftR32,
  data.lea,
  // The x87 register forms of FP loops (exec/x87-register-forms.ts; bench/fpubench.mjs).
  x87.arithSt0,
  x87.arithSti,
  x87.fldSti,
  x87.fxchSti,
  x87.fcomSti,
];

const ids = new Map<Handler, number>(HOT_HANDLERS.map((h, k) => [h, k + 1]));

/** The switch index of `h`, or 0. */
export function hotId(h: Handler): number {
  return ids.get(h) ?? 0;
}
