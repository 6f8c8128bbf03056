import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, extraPath, itNeeds } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module without type declarations (its JSDoc gives the types)
import { regionsOf, syncGuide } from "../scripts/doc-examples.mjs";

/**
 * docs/writing-a-device.md (issue 18): its code blocks are the files of the example package
 * examples/lpt-printer, which the workspace builds and whose own tests run in CI; here the
 * guide is checked against the files, and the example runs in a machine as the guide says.
 */
const GUIDE = join(REPO_ROOT, "docs/writing-a-device.md");
const EXAMPLE = "examples/lpt-printer";
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const sync = syncGuide as (root: string, md: string) => { text: string; quotes: { file: string; region?: string }[] };
const regions = regionsOf as (root: string, file: string) => string[];

describe("the device guide quotes its example package exactly", () => {
  it("every code block equals the region or file it names (node scripts/doc-examples.mjs docs/writing-a-device.md rewrites them)", () => {
    const md = readFileSync(GUIDE, "utf8");
    const { text, quotes } = sync(REPO_ROOT, md);
    expect(quotes.length).toBeGreaterThan(15);
    expect(text === md, "the guide's blocks are out of date: run node scripts/doc-examples.mjs docs/writing-a-device.md").toBe(true);
  });

  it("shows every region of the example's source", () => {
    const { quotes } = sync(REPO_ROOT, readFileSync(GUIDE, "utf8"));
    for (const file of [`${EXAMPLE}/src/lpt-registers.ts`, `${EXAMPLE}/src/parallel-port.ts`, `${EXAMPLE}/src/index.ts`]) {
      for (const region of regions(REPO_ROOT, file)) {
        expect(quotes.some((q) => q.file === file && q.region === region), `${file}#${region} is in the guide`).toBe(true);
      }
    }
  });
});

describe("the example device in a machine", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: "latin1", timeout: 120_000 });
  const machine = ["--config", `${EXAMPLE}/machine.toml`, "--load", `${EXAMPLE}/guest/print.bin@0x100000`];

  it("prints the guest's line on the printer, and compare finds every policy indistinguishable", () => {
    const r = run(["run", ...machine, "--screen", "none"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("Hello from LPT1!\n");
    const c = run(["compare", ...machine]);
    expect(c.status, c.stdout + c.stderr).toBe(0);
    expect(c.stdout).toMatch(/verdict: the guest could not tell pure, scan-patch, pvi, vtx apart/);
  });

  itNeeds("nasm", "its guest image is what nasm builds from print.asm", () => {
    const out = join(mkdtempSync(join(tmpdir(), "ringlab-lpt-")), "print.bin");
    const r = spawnSync(extraPath("nasm"), ["-f", "bin", "-o", out, join(REPO_ROOT, EXAMPLE, "guest/print.asm")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(join(REPO_ROOT, EXAMPLE, "guest/print.bin")))).toBe(true);
  });
});
