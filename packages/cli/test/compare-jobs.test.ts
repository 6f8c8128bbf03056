import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `ringlab compare --jobs N` (issue 15): the policies run in worker threads, and everything
// the command reports but the host time is what a run one after another reports.

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const guests = fileURLToPath(new URL("../../../test/guests/", import.meta.url));
const badInput = fileURLToPath(new URL("../../../test/bad-input/files/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ringlab-compare-jobs-"));

function ringlab(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A config file with the usual devices plus `device`, whose plugin comes from --plugin. */
function devicesConfig(device: string): string {
  const p = join(dir, `${device}.toml`);
  writeFileSync(p, `devices = ["pic", "pit", "debugcon", "exit-port", "${device}"]\n`);
  return p;
}

/** `--json` output with every run's host time taken out (the one field allowed to differ). */
function withoutHostTime(json: string): unknown {
  const j = JSON.parse(json) as { runs: { hostMs?: unknown }[] };
  for (const r of j.runs) {
    expect(typeof r.hostMs).toBe("number");
    delete r.hostMs;
  }
  return j;
}

/** The table and verdict with the host-time column blanked. */
const withoutHostColumn = (text: string) => text.replace(/ +\d+\.\d\d s$/gm, " <time>");

// Each compare runs every built-in policy (four with vtx), several times per test.
describe("ringlab compare --jobs", { timeout: 240_000 }, () => {
  for (const guest of ["demo/demo.bin", "nullkernel-polled/nullkernel-polled.bin"]) {
    it(`--jobs 2 and 3 give the same JSON as --jobs 1 but for hostMs: ${guest}`, () => {
      const serial = ringlab(dir, "compare", `${guests}${guest}`, "--json", "--jobs", "1");
      expect(serial.stderr).toBe("");
      expect(serial.status).toBe(0);
      const ref = withoutHostTime(serial.stdout) as { runs: { events: number; instructions: number }[] };
      // A real run, with events to carry across the thread boundary.
      expect(ref.runs.length).toBe(4);
      expect(ref.runs[0]!.instructions).toBeGreaterThan(1000);
      for (const jobs of ["2", "3"]) {
        const r = ringlab(dir, "compare", `${guests}${guest}`, "--json", "--jobs", jobs);
        expect(r.stderr).toBe("");
        expect(r.status).toBe(0);
        expect(withoutHostTime(r.stdout), `--jobs ${jobs}`).toEqual(ref);
      }
    });
  }

  it("still finds and names the difference when the guest can tell (--no-patch), with the same table", () => {
    const args = ["compare", `${guests}sensitive/sensitive.bin`, "--no-patch"];
    const serial = ringlab(dir, ...args);
    expect(serial.status).toBe(124);
    const r = ringlab(dir, ...args, "--jobs", "3");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(124);
    expect(r.stdout).toContain("verdict: the guest COULD tell the policies apart");
    expect(r.stdout).toContain('scan-patch vs pure: console output differs at line 2: "ring1 sgdt');
    expect(withoutHostColumn(r.stdout)).toBe(withoutHostColumn(serial.stdout));
    // The event log itself crossed intact: the JSON differences (event log included) match too.
    const j1 = withoutHostTime(ringlab(dir, ...args, "--json").stdout);
    expect(withoutHostTime(ringlab(dir, ...args, "--json", "--jobs", "2").stdout)).toEqual(j1);
  });

  it("--jobs 0 and auto use one worker per core; more jobs than policies is fine", () => {
    const ref = withoutHostTime(ringlab(dir, "compare", `${guests}sensitive/sensitive.bin`, "--json").stdout);
    for (const jobs of ["0", "auto", "16"]) {
      const r = ringlab(dir, "compare", `${guests}sensitive/sensitive.bin`, "--json", "--jobs", jobs);
      expect(r.stderr, jobs).toBe("");
      expect(r.status).toBe(0);
      expect(withoutHostTime(r.stdout)).toEqual(ref);
    }
  });

  it("refuses a bad --jobs value in one line naming the flag, status 64", () => {
    for (const v of ["abc", "-1", "1.5", "", "two", "0x2"]) {
      const r = ringlab(dir, "compare", `${guests}sensitive/sensitive.bin`, "--jobs", v);
      expect(r.status, v).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `ringlab: option '--jobs <n>' argument '${v}' is invalid. expected a number of worker threads (1 or more), or 0 or 'auto' for one per core, got '${v}' (see 'ringlab --help')\n`,
      );
    }
  });

  it("a plugin that throws inside a worker is reported with the serial run's line and status", () => {
    for (const args of [
      ["-c", "throws-in-handler.toml"],
      ["-c", "throws-in-constructor.toml"],
      ["-c", "throws-in-attach.toml"],
      // The plugin from --plugin, its device listed in a config without plugins.
      ["--plugin", "throws-in-handler.mjs", "-c", devicesConfig("grumpy")],
    ]) {
      const base = ["compare", "--load", "port300.bin@0x100000", ...args];
      const serial = ringlab(badInput, ...base);
      expect(serial.status, args.join(" ")).toBe(79);
      expect(serial.stderr).toMatch(/^ringlab: (plugins|--plugin): .*: plugin '\w+': device '\w+': .* threw .*\n$/);
      for (const jobs of ["2", "3"]) {
        const r = ringlab(badInput, ...base, "--jobs", jobs);
        expect(r.stderr, `${args.join(" ")} --jobs ${jobs}`).toBe(serial.stderr);
        expect(r.status).toBe(79);
        expect(r.stdout).toBe(serial.stdout);
      }
    }
  });

  it("a worker that dies without a result is one line naming its policy, status 70", () => {
    // A plugin that ends its thread when it is built in a worker (process.exit there stops
    // only the worker): the crash the main thread must notice.
    const plugin = join(dir, "exits-in-worker.mjs");
    writeFileSync(
      plugin,
      [
        'import { isMainThread } from "node:worker_threads";',
        'import { defineDevicePlugin, z } from "@ringlab/sdk";',
        'import { injectable } from "tsyringe";',
        "class Quitter { constructor() { if (!isMainThread) process.exit(3); } }",
        "injectable()(Quitter);",
        'export default defineDevicePlugin({ name: "quitter", description: "exits its worker", options: z.object({}).strict(), device: Quitter });',
      ].join("\n"),
    );
    const r = ringlab(badInput, "compare", "--load", "port300.bin@0x100000", "--plugin", plugin, "-c", devicesConfig("quitter"), "--jobs", "2");
    expect(r.status).toBe(70);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "ringlab: internal error: the worker running policy 'pure' exited (status 3) without a result (a ringlab bug; run with RINGLAB_DEBUG=1 for the stack)\n",
    );
  });
});
