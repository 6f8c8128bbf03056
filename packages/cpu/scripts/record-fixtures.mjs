#!/usr/bin/env node
// Re-records the oracle answers the differential and disassembler tests run against
// (test/diff/fixtures: Unicorn's final states, objdump's disassembly; format in
// test/diff/fixtures.ts). Needs python3-unicorn and binutils (or just the one asked for):
//
//   pnpm --filter @ringlab/cpu run record-fixtures            # both
//   pnpm --filter @ringlab/cpu run record-fixtures unicorn    # or: objdump
//
// Unchanged answers leave their files untouched; commit whatever `git status` shows.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const which = process.argv.slice(2);
if (which.some((w) => !["unicorn", "objdump"].includes(w))) {
  console.error("usage: record-fixtures [unicorn] [objdump]");
  process.exit(64);
}
const r = spawnSync("npx", ["vitest", "run", "--config", "vitest.record.config.ts"], {
  cwd: pkg,
  stdio: "inherit",
  env: { ...process.env, RINGLAB_REQUIRE_EXTRAS: "1", RINGLAB_RECORD: which.join(",") },
});
process.exit(r.status ?? 1);
