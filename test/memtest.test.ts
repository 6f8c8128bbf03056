import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describeNeeds, extraPath, REPO_ROOT } from "@ringlab/testkit";
import { expect, it } from "vitest";

// Software nobody here wrote (issue 14): memtest86+, fetched from Debian by
// scripts/fetch-guests.sh (the "guests" extra), run through `ringlab compare` as a user would.
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const POLICIES = ["pure", "scan-patch", "pvi", "vtx"] as const;

/**
 * memtest86+ 6.10 (Debian's `memtest86+ia32.bin`, a Linux-boot-protocol image) with its screen
 * mirrored to COM1 (`console=ttyS0`; `nopause` skips the wait for a key at its start screen),
 * run by `ringlab compare` as a user would check it: 10^9 instructions (1 s of virtual time)
 * take it from its title through tests #0-#4 into #5 on 8 MiB. It redraws the status only now
 * and then, so the short tests #1-#4 may not show; the test number must only rise. Every
 * status line it draws must say "Errors: 0", and compare must find the policies
 * indistinguishable (same COM1 bytes, screen, instruction count and event log).
 */
function compareMemtest(...extra: string[]) {
  const image = join(extraPath("guests"), "memtest", "memtest.bin");
  const args = [CLI, "compare", image, "--mem", "8M", "--cmdline", "console=ttyS0 nopause", "--max-instructions", "1000000000", "--json", ...extra];
  const r = spawnSync(process.execPath, args, { encoding: "latin1", timeout: 900_000, maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"] });
  expect(r.error?.message, r.stderr.slice(-2000)).toBeUndefined();
  expect(r.stderr).toBe("");
  return { status: r.status, report: JSON.parse(r.stdout) as CompareReport };
}

/** What `ringlab compare --json` prints (the fields used here). */
interface CompareReport {
  indistinguishable: boolean;
  runs: { policy: string; status: number; instructions: number; console: string; screen: string | null; exits: number; differences: string[] }[];
}

/** The text memtest draws, with its ANSI cursor and colour sequences taken out. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, " ");

/**
 * What memtest must show after 10^9 instructions: its title and "Errors: 0" on the VGA screen
 * at the end and on COM1 all along, tests from #0 rising into #5.
 */
function expectFirstTestsPassed(com1: string, screen: string): void {
  expect(screen).toContain("Memtest86+ v6.10");
  expect([...screen.matchAll(/Errors:\s*(\d+)/g)].map((m) => m[1]), screen).toEqual(["0"]);
  const serial = plain(com1);
  expect(serial).toContain("Memtest86+ v6.10");
  expect(serial).toMatch(/Memory\s*:\s*8MB/);
  // COM1 gets only what changed on the screen, so the test now running is on the screen.
  const text = `${serial}\n${screen}`;
  const tests = [...text.matchAll(/#(\d+)\s+\[/g)].map((m) => Number(m[1]));
  expect(tests[0], "the first test drawn").toBe(0);
  expect(tests, "test numbers only rise").toEqual([...tests].sort((a, b) => a - b));
  expect(Math.max(...tests), "reached test #5").toBeGreaterThanOrEqual(5);
  const errors = [...text.matchAll(/Errors:\s*(\d+)/g)].map((m) => Number(m[1]));
  expect(errors.length, "status lines drawn").toBeGreaterThan(3);
  expect(errors.every((e) => e === 0), `error counts ${[...new Set(errors)]}`).toBe(true);
}

describeNeeds("guests", "memtest86+", () => {
  let compared: ReturnType<typeof compareMemtest> | undefined;
  it("runs under every policy through ringlab compare, which finds them indistinguishable", () => {
    compared = compareMemtest("--policies", POLICIES.join(","));
    const { status, report } = compared;
    expect(report.runs.map((r) => r.policy)).toEqual([...POLICIES]);
    expect(report.runs.map((r) => r.differences)).toEqual(POLICIES.map(() => []));
    expect(report.indistinguishable).toBe(true);
    expect(status).toBe(0);
    // The monitors did intercept it: it is not the same run four times by accident.
    expect(report.runs.map((r) => r.exits > 0)).toEqual([false, true, true, true]);
  }, 900_000);

  for (const policy of POLICIES) {
    it(`shows its title and runs its first tests with no errors under ${policy}`, () => {
      const run = compared?.report.runs.find((r) => r.policy === policy);
      expect(run, "the compare run above ran").toBeDefined();
      expect(run!.status).toBe(120); // the instruction limit, as asked
      expectFirstTestsPassed(run!.console, run!.screen ?? "");
    });
  }

  // The Pentium II model offers PAE, and memtest then pages with it (issue 13), saying so on
  // its screen ("[PAE]"). pure against pvi, the policy whose deprivileged kernel needs the
  // monitor's view of the page tables most (every policy runs the PAE paths of test/guests/pae).
  it("takes its PAE path on --cpu pentium2, runs its first tests with no errors, and pvi cannot be told from pure", () => {
    const { status, report } = compareMemtest("--cpu", "pentium2", "--policies", "pure,pvi");
    expect(report.runs.map((r) => r.differences)).toEqual([[], []]);
    expect(status).toBe(0);
    for (const run of report.runs) {
      expect(run.screen, run.policy).toMatch(/Pentium II[\s\S]*\[PAE\]/);
      expectFirstTestsPassed(run.console, run.screen ?? "");
    }
  }, 900_000);
});
