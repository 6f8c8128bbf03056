import type { DiffCase } from "./diff-case.js";
import { familyByName } from "./family-registry.js";
import { CODE_BASE } from "./layout.js";
import { Prng } from "./prng.js";
import { SequenceBuilder } from "./sequence-builder.js";

/** Mixes seed and index into one PRNG seed, so any case regenerates alone from its id. */
function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ index;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** One case of `family`: 1..maxLength templates of that family, state biased to edge values. */
export function generateCase(seed: number, index: number, family: string): DiffCase {
  const fam = familyByName(family);
  const rng = new Prng(caseSeed(seed, index));
  // One case in five starts just below the page boundary inside the code region, so that
  // instructions straddle two pages.
  const org = rng.chance(0.2) ? CODE_BASE + 0x1000 - rng.range(1, 24) : CODE_BASE;
  const b = new SequenceBuilder(rng, `${family}:${seed}:${index}`, family, org);
  const n = rng.range(1, fam.maxLength ?? 4);
  for (let i = 0; i < n && !b.ended; i++) {
    rng.pick(fam.templates).gen(b);
  }
  if (b.code.length === 0) {
    // A template may decline (e.g. ESP unknown); one more try keeps every case non-empty.
    rng.pick(fam.templates).gen(b);
  }
  return b.finish();
}

/** `count` cases spread round-robin over `families`. */
export function generateCases(seed: number, count: number, families: readonly string[]): DiffCase[] {
  const out: DiffCase[] = [];
  for (let i = 0; i < count; i++) out.push(generateCase(seed, i, families[i % families.length]!));
  return out;
}

/** Parses a case id `family:seed:index` back into its generator inputs. */
export function parseCaseId(id: string): { family: string; seed: number; index: number } {
  const [family, seed, index] = id.split(":");
  return { family: family!, seed: Number(seed), index: Number(index) };
}
