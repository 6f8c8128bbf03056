import type { OpSize } from "./encoding.js";
import type { SequenceBuilder } from "./sequence-builder.js";

/** One instruction pattern: emits one instruction (plus the MOVs that pin its inputs). */
export interface Template {
  name: string;
  gen(b: SequenceBuilder): void;
}

/** An opcode family: the unit the in-suite list (families.ts) enables and reports on. */
export interface Family {
  name: string;
  description: string;
  templates: Template[];
  /** Longest sequence of templates in one case (default 4). */
  maxLength?: number;
}

/** Operand size for a template: 32-bit mostly, 16-bit (0x66 prefix) and 8-bit sometimes. */
export function pickSize(b: SequenceBuilder, allow8 = true): OpSize {
  const r = b.rng.below(10);
  if (r < 2 && allow8) return 8;
  if (r < 5) return 16;
  return 32;
}
