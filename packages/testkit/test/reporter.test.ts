import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatSkipped } from "../src/reporter.js";

const here = dirname(fileURLToPath(import.meta.url));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/** Runs fixture-project/ in a child vitest with the extras reporter; every extra it needs is hidden. */
function runFixture(extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", RINGLAB_CONFORMANCE_DIR: "/nonexistent", RINGLAB_PYTHON: "/nonexistent/python3", RINGLAB_NASM: "/nonexistent/nasm", ...extraEnv };
  if (!("RINGLAB_REQUIRE_EXTRAS" in extraEnv)) delete env.RINGLAB_REQUIRE_EXTRAS;
  if (!("RINGLAB_IGNORE_EXTRAS" in extraEnv)) delete env.RINGLAB_IGNORE_EXTRAS;
  delete env.VITEST; // the child is a run of its own, not a worker of this one
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  const r = spawnSync(process.execPath, [vitestBin, "run", "--config", join(here, "fixture-project/vitest.config.ts"), "--reporter=default", `--reporter=${join(here, "../src/reporter.ts")}`], { encoding: "utf8", env, cwd: here, timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("the extras reporter", () => {
  it("ends a run that skipped tests with each test under the reason it was skipped for", () => {
    const { status, out } = runFixture();
    expect(status, out).toBe(0);
    expect(out).toMatch(/Tests {2}1 passed \| 5 skipped \(6\)/);
    const tail = out.slice(out.indexOf(" Skipped 5 tests")).trimEnd().split("\n");
    expect(tail).toEqual([
      " Skipped 5 tests, for these 4 reasons (RINGLAB_REQUIRE_EXTRAS=1 turns them into failures; CI sets it):",
      "   needs test386 in $RINGLAB_CONFORMANCE_DIR/test386 (not found at /nonexistent/test386) — 1 test:",
      "     needs.spec.ts > needs the test386 ROM",
      "   needs python3-unicorn (apt-get install -y python3-unicorn): /nonexistent/python3 not found (RINGLAB_PYTHON chooses the Python) — 1 test:",
      "     needs.spec.ts > calls needs() itself",
      "   needs nasm (apt-get install -y nasm): RINGLAB_NASM=/nonexistent/nasm does not exist — 2 tests:",
      "     needs.spec.ts > a suite that needs nasm > first",
      "     needs.spec.ts > a suite that needs nasm > second",
      "   skipped with no reason given (it.skip / describe.skip) — 1 test:",
      "     needs.spec.ts > is skipped with no reason",
    ]);
  }, 90_000);

  it("under RINGLAB_REQUIRE_EXTRAS=1 fails every test whose extra is missing, naming it", () => {
    const { status, out } = runFixture({ RINGLAB_REQUIRE_EXTRAS: "1" });
    expect(status).toBe(1);
    expect(out).toMatch(/Tests {2}4 failed \| 1 passed \| 1 skipped \(6\)/);
    expect(out).toContain("MissingExtraError: needs test386 in $RINGLAB_CONFORMANCE_DIR/test386 (not found at /nonexistent/test386) [RINGLAB_REQUIRE_EXTRAS is set: this test may not be skipped]");
    expect(out).toContain("MissingExtraError: needs nasm (apt-get install -y nasm)");
    // The one skip left gave no reason: still listed.
    expect(out).toContain(" Skipped 1 test, for this reason:\n   skipped with no reason given (it.skip / describe.skip) — 1 test:\n     needs.spec.ts > is skipped with no reason");
  }, 90_000);

  it("prints nothing about skips when nothing was skipped", () => {
    expect(formatSkipped([])).toEqual([]);
    expect(formatSkipped([{ name: "a > b", todo: true }], true)).toEqual(["", " Skipped 1 test, for this reason:", "   todo (not written yet) — 1 test:", "     a > b"]);
  });
});
