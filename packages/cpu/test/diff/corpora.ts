import type { DiffCase } from "./diff-case.js";
import { DISASM_ORG, type DisasmItem } from "./disasm-compare.js";
import { TRICKY_ENCODINGS } from "./disasm-corpus.js";
import { ALL_FAMILIES, PROTECTED_MODE_FAMILIES } from "./family-registry.js";
import { IN_SUITE_FAMILIES } from "./families.js";
import { generateCases } from "./generator.js";
import { CODE_BASE } from "./layout.js";

/**
 * The corpora the in-suite tests give their oracles (Unicorn, objdump). Each is defined once
 * here, so that the tests and the recorder (record-fixtures.ts) use the very same cases, and
 * the recorded answers (fixtures.ts) can be checked to be answers for them.
 */

/** The bounded in-suite differential run: diff.test.ts, against Unicorn. */
export const UNICORN_CORPUS = { seed: 20261125, count: 5000, families: IN_SUITE_FAMILIES } as const;

/** The cases of {@link UNICORN_CORPUS}, in order (case i is of family i mod families). */
export function unicornCorpusCases(): DiffCase[] {
  return generateCases(UNICORN_CORPUS.seed, UNICORN_CORPUS.count, UNICORN_CORPUS.families);
}

/** The disassembler comparison (disasm.test.ts): its seed and case count. */
export const DISASM_CORPUS = { seed: 99, flatCases: 1800, protectedModeCases: 240 } as const;

const fromHex = (h: string) => [...Buffer.from(h, "hex")];

/**
 * The encodings the disassembler is compared with objdump on: the hand-picked tricky ones,
 * then every distinct instruction of `flatCases` generated cases over the flat families and
 * `protectedModeCases` over the protected-mode ones.
 */
export function disasmItems(seed: number = DISASM_CORPUS.seed, flatCases: number = DISASM_CORPUS.flatCases): DisasmItem[] {
  const items: DisasmItem[] = TRICKY_ENCODINGS.map(([h, why]) => ({ group: "tricky", bytes: fromHex(h), why }));
  const seen = new Set<string>();
  const flat = ALL_FAMILIES.filter((f) => !PROTECTED_MODE_FAMILIES.includes(f)).map((f) => f.name);
  const cases = [...generateCases(seed, flatCases, flat), ...generateCases(seed, DISASM_CORPUS.protectedModeCases, PROTECTED_MODE_FAMILIES.map((f) => f.name))];
  for (const c of cases) {
    for (const i of c.insns) {
      const k = Buffer.from(i.bytes).toString("hex");
      if (seen.has(k)) continue;
      seen.add(k);
      items.push({ group: c.family, bytes: i.bytes, why: i.note });
    }
  }
  return items;
}

/** The generator's own check against objdump (unicorn-runner.test.ts): 40 cases of every family. */
export const BOUNDARY_CORPUS = { seed: 11, perFamily: 40 } as const;

export function boundaryCases(seed: number = BOUNDARY_CORPUS.seed): DiffCase[] {
  return generateCases(seed, BOUNDARY_CORPUS.perFamily * ALL_FAMILIES.length, ALL_FAMILIES.map((f) => f.name));
}

/** The chunks each objdump corpus asks objdump about, and where they are placed. */
export const OBJDUMP_CORPORA = {
  /** disasm.test.ts: one encoding per chunk (compareDisassembly's layout). */
  "disasm-corpus": () => ({ chunks: disasmItems().map((i) => i.bytes), org: DISASM_ORG }),
  /** unicorn-runner.test.ts: each generated case's code, checked for instruction boundaries. */
  "generator-boundaries": () => ({ chunks: boundaryCases().map((c) => c.code), org: CODE_BASE }),
} as const;

export type ObjdumpCorpus = keyof typeof OBJDUMP_CORPORA;
