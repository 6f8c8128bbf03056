import { spawnSync } from "node:child_process";
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ringlab/testkit";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { badImages } from "./lib/bad-images.js";
import { badSnapshots } from "./lib/bad-snapshots.js";

/**
 * The bad-input corpus (issue 16): test/bad-input/cases.toml lists every way a user can get
 * ringlab's input wrong, with the status and the one stderr line each must give. Every case
 * runs through the built CLI as a user would run it, in a copy of test/bad-input/files.
 */
interface Case {
  name: string;
  args: string[];
  status: number;
  stderr: string;
  stdout?: "pipe" | "closed" | "full";
}

const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const CORPUS = join(REPO_ROOT, "test/bad-input");
const cases = (parse(readFileSync(join(CORPUS, "cases.toml"), "utf8")) as unknown as { case: Case[] }).case;

const dir = mkdtempSync(join(tmpdir(), "ringlab-bad-input-"));
cpSync(join(CORPUS, "files"), dir, { recursive: true });
// Big enough that its disassembly cannot fit in a pipe's buffer; generated, not committed.
writeFileSync(join(dir, "random-300k.bin"), Uint8Array.from({ length: 300_000 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 0xff));
// Kernel and ROM images wrong in one way each, built from their formats (test/lib/bad-images.ts).
for (const [name, bytes] of Object.entries(badImages())) writeFileSync(join(dir, name), bytes);
// A good snapshot of the bundled demo guest, then files wrong in one way each made from it
// (test/lib/bad-snapshots.ts).
const made = spawnSync(process.execPath, [CLI, "run", "--snapshot-at", "1000", "--snapshot", "good.snap", "--screen", "none"], { cwd: dir, encoding: "utf8" });
if (made.status !== 0) throw new Error(`making good.snap: ${made.stderr}`);
for (const [name, bytes] of Object.entries(badSnapshots(readFileSync(join(dir, "good.snap"))))) writeFileSync(join(dir, name), bytes);

/**
 * Runs `args` with stdout on a FIFO whose only reader is already closed, so the first write
 * that reaches the kernel fails with EPIPE — whatever the timing, unlike `| head`.
 */
const CLOSED_READER = 'p=$(mktemp -u); mkfifo "$p"; exec 3<>"$p"; exec 4>"$p"; exec 3<&-; rm "$p"; exec "$@" >&4 4>&-';

function run(c: Case) {
  const env = { ...process.env, RINGLAB_DEBUG: "" };
  if (c.stdout === "closed") {
    return spawnSync("sh", ["-c", CLOSED_READER, "sh", process.execPath, CLI, ...c.args], { cwd: dir, env, encoding: "utf8", timeout: 30_000 });
  }
  if (c.stdout === "full") {
    const fd = openSync("/dev/full", "w");
    try {
      return spawnSync(process.execPath, [CLI, ...c.args], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", fd, "pipe"], timeout: 30_000 });
    } finally {
      closeSync(fd);
    }
  }
  return spawnSync(process.execPath, [CLI, ...c.args], { cwd: dir, env, encoding: "utf8", timeout: 30_000 });
}

describe("the bad-input corpus (test/bad-input/cases.toml)", () => {
  it("has cases, each with a status and a stderr pattern", () => {
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      expect(c.name, JSON.stringify(c)).toBeTypeOf("string");
      expect(Array.isArray(c.args), c.name).toBe(true);
      expect(Number.isInteger(c.status), c.name).toBe(true);
      expect(c.stderr, c.name).toBeTypeOf("string");
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      const r = run(c);
      expect(r.error, c.name).toBeUndefined();
      const stderr = r.stderr ?? "";
      expect({ status: r.status, stderr }).toMatchObject({ status: c.status });
      if (c.stderr === "") {
        expect(stderr).toBe("");
      } else {
        // One line, never a stack trace.
        expect(stderr.split("\n").filter((l) => l !== ""), stderr).toHaveLength(1);
        expect(stderr.trimEnd()).toMatch(new RegExp(c.stderr));
      }
    });
  }
});
