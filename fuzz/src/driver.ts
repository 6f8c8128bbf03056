import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prng } from "@ringlab/sdk/testing";
import { mutate } from "./mutate.js";
import { type FuzzTarget, REPO } from "./targets.js";

/** A failing input and what the target threw. */
export interface FuzzFinding {
  input: Uint8Array;
  message: string;
  /** Where it was saved (with `save`). */
  file?: string;
}

export interface CampaignResult {
  target: string;
  executions: number;
  /** Guest instructions run, for targets that run guests. */
  instructions: number;
  /** Committed regression inputs replayed first. */
  regressions: number;
  findings: FuzzFinding[];
  seconds: number;
}

/** Where a target's committed regression inputs live: every input a campaign found. */
export function regressionDir(target: string): string {
  return join(REPO, "fuzz/regressions", target);
}

/**
 * A bounded campaign without coverage feedback, for CI and for machines where Jazzer.js
 * cannot run: replays the target's regression inputs, then its seeds, then `runs` inputs
 * mutated from the seeds by a seeded PRNG (the same inputs on every run of a seed). Every
 * exception is a finding; with `save`, a finding is written to the regression folder (named
 * by its hash) so it is replayed from then on.
 */
export async function campaign(target: FuzzTarget, options: { runs: number; seed: number; save?: boolean; maxFindings?: number }): Promise<CampaignResult> {
  const t0 = performance.now();
  const findings: FuzzFinding[] = [];
  const seen = new Set<string>();
  let executions = 0;
  let instructions = 0;
  const one = async (input: Uint8Array) => {
    executions++;
    try {
      await target.fuzz(input);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const key = message.split("\n")[0]!;
      if (!seen.has(key)) {
        seen.add(key);
        const finding: FuzzFinding = { input, message };
        if (options.save) finding.file = saveRegression(target.name, input);
        findings.push(finding);
      }
    }
    instructions += target.instructions?.() ?? 0;
  };
  const dir = regressionDir(target.name);
  const regressions = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bin")).sort() : [];
  for (const f of regressions) await one(new Uint8Array(readFileSync(join(dir, f))));
  const seeds = await target.seeds();
  for (const s of seeds) await one(s.slice(0, target.maxLength));
  const rnd = prng(options.seed);
  for (let i = 0; i < options.runs && findings.length < (options.maxFindings ?? 20); i++) {
    const base = seeds.length > 0 && rnd() < 0.9 ? seeds[Math.floor(rnd() * seeds.length)]! : Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
    await one(mutate(base, rnd, seeds, target.maxLength));
  }
  return { target: target.name, executions, instructions, regressions: regressions.length, findings, seconds: (performance.now() - t0) / 1000 };
}

function saveRegression(target: string, input: Uint8Array): string {
  const dir = regressionDir(target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha1").update(input).digest("hex")}.bin`);
  writeFileSync(file, input);
  return file;
}
