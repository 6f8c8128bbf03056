import type { Family } from "./template.js";
import { aluFamily } from "./templates/alu.js";
import { bcdFamily } from "./templates/bcd.js";
import { bitopsFamily } from "./templates/bitops.js";
import { condFamily } from "./templates/cond.js";
import { miscFamily } from "./templates/misc.js";
import { moveFamily } from "./templates/move.js";
import { divideErrorFamily, muldivFamily } from "./templates/muldiv.js";
import { exceptionsFamily } from "./templates/exceptions.js";
import { smcFamily } from "./templates/smc.js";
import { farxferFamily } from "./templates/farxfer.js";
import { pagingFamily } from "./templates/paging.js";
import { segloadFamily } from "./templates/segload.js";
import { shiftFamily } from "./templates/shift.js";
import { stackFamily } from "./templates/stack.js";
import { stringFamily } from "./templates/string.js";
import { xchgFamily } from "./templates/xchg.js";

const BASE_FAMILIES: readonly Family[] = [
  aluFamily,
  shiftFamily,
  muldivFamily,
  divideErrorFamily,
  bcdFamily,
  bitopsFamily,
  condFamily,
  stringFamily,
  stackFamily,
  xchgFamily,
  moveFamily,
  miscFamily,
  exceptionsFamily,
  smcFamily,
];

/**
 * Sequences drawn from every non-faulting family at once: lazy-flag bugs show up when, say,
 * an INC (CF untouched) follows a MUL, or an ADC reads CF left by a shift.
 */
const mixedFamily: Family = {
  name: "mixed",
  description: "up to 6 instructions drawn from all non-faulting families",
  templates: BASE_FAMILIES.filter((f) => f.name !== "divide-error" && f.name !== "exceptions" && f.name !== "smc").flatMap((f) => f.templates),
  maxLength: 6,
};

/**
 * Families that set up system state of their own (a GDT: DiffCase.gdt; paging). Listed apart
 * so that corpora drawn round-robin from the flat families (the disassembler test's) stay
 * the same cases when these are added.
 */
export const PROTECTED_MODE_FAMILIES: readonly Family[] = [segloadFamily, farxferFamily, pagingFamily];

/** Every family the generator knows, by name. */
export const ALL_FAMILIES: readonly Family[] = [...BASE_FAMILIES, mixedFamily, ...PROTECTED_MODE_FAMILIES];

export function familyByName(name: string): Family {
  const f = ALL_FAMILIES.find((x) => x.name === name);
  if (!f) throw new Error(`unknown differential family '${name}' (known: ${ALL_FAMILIES.map((x) => x.name).join(", ")})`);
  return f;
}
