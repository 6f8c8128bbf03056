#!/usr/bin/env node
// `pnpm --filter @ringlab/fuzz fuzz TARGET [--runs N] [--seed S] [--save]`: a bounded
// campaign on one target (or `all`), printing executions, guest instructions and findings.
import "reflect-metadata";
import { removeScratch } from "./cli-run.js";
import { campaign } from "./driver.js";
import { TARGETS, findTarget } from "./targets.js";

const args = process.argv.slice(2);
const value = (flag: string, dflt: string) => {
  const i = args.indexOf(flag);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const name = args[0];
const runs = Number(value("--runs", "1000"));
const seed = Number(value("--seed", "1"));
const targets = name === "all" ? TARGETS : name !== undefined ? [findTarget(name)].filter((t) => t !== undefined) : [];
if (targets.length === 0 || !Number.isSafeInteger(runs) || runs < 0 || !Number.isSafeInteger(seed)) {
  console.error(`usage: fuzz TARGET|all [--runs N] [--seed S] [--save]   (targets: ${TARGETS.map((t) => t.name).join(", ")})`);
  process.exit(64);
}
let found = 0;
for (const t of targets) {
  const r = await campaign(t, { runs, seed, save: args.includes("--save") });
  found += r.findings.length;
  const ips = r.instructions > 0 ? `, ${r.instructions.toLocaleString("en-US")} guest instructions` : "";
  console.log(`${t.name}: ${r.executions.toLocaleString("en-US")} executions (${r.regressions} regression inputs)${ips} in ${r.seconds.toFixed(1)} s; ${r.findings.length} findings`);
  for (const f of r.findings) console.log(`  ${f.message.split("\n")[0]}${f.file ? ` (saved: ${f.file})` : ""}`);
}
removeScratch();
process.exit(found > 0 ? 1 : 0);
