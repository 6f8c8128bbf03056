import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const cpubench = fileURLToPath(new URL("../../../test/guests/cpubench/cpubench-100k.bin", import.meta.url));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, RINGLAB_DEBUG: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "ringlab-engine-"));

describe("--engine and cpu.engine", () => {
  it("cpubench prints the same checksum under --engine jit and --engine interp", () => {
    const interp = ringlab("run", cpubench, "--engine", "interp", "--screen", "none");
    const jit = ringlab("run", cpubench, "--engine", "jit", "--screen", "none");
    expect(interp.status, interp.stderr).toBe(0);
    expect(jit.status, jit.stderr).toBe(0);
    expect(jit.stdout).toContain("cpubench: checksum=204f02e4");
    expect(jit.stdout).toBe(interp.stdout);
  });

  it("an unknown engine is one line naming the flag or the key", () => {
    const r = ringlab("run", cpubench, "--engine", "turbo", "--screen", "none");
    expect(r.status).toBe(78);
    expect(r.stderr).toBe("ringlab: --engine: expected one of 'interp', 'jit', got 'turbo'\n");
    const toml = join(dir, "bad.toml");
    writeFileSync(toml, '[cpu]\nengine = "fast"\n');
    const c = ringlab("config", "-c", toml);
    expect(c.status).toBe(78);
    expect(c.stderr).toBe(`ringlab: ${toml}: key 'cpu.engine': expected one of 'interp', 'jit', got 'fast'\n`);
  });

  it("--jit-threshold sets cpu.jitThreshold, which changes nothing the guest sees; a bad value is one line", () => {
    expect(ringlab("config").stdout).toMatch(/^jitThreshold = 32768$/m);
    expect(ringlab("config", "--jit-threshold", "1").stdout).toMatch(/^jitThreshold = 1$/m);
    const eager = ringlab("run", cpubench, "--engine", "jit", "--jit-threshold", "1", "--screen", "none");
    expect(eager.status, eager.stderr).toBe(0);
    expect(eager.stdout).toContain("cpubench: checksum=204f02e4");
    const zero = ringlab("run", cpubench, "--engine", "jit", "--jit-threshold", "0", "--screen", "none");
    expect(zero.status).toBe(78);
    expect(zero.stderr).toBe("ringlab: --jit-threshold: Too small: expected number to be >=1\n");
    const toml = join(dir, "threshold.toml");
    writeFileSync(toml, "[cpu]\njitThreshold = 2.5\n");
    const c = ringlab("config", "-c", toml);
    expect(c.status).toBe(78);
    expect(c.stderr).toBe(`ringlab: ${toml}: key 'cpu.jitThreshold': Invalid input: expected int, received number\n`);
  });

  it("config --print shows cpu.engine (interp by default); the flag overrides the file", () => {
    const toml = join(dir, "jit.toml");
    writeFileSync(toml, '[cpu]\nengine = "jit"\n');
    expect(ringlab("config").stdout).toMatch(/^engine = "interp"$/m);
    expect(ringlab("config", "-c", toml).stdout).toMatch(/^engine = "jit"$/m);
    expect(ringlab("config", "-c", toml, "--engine", "interp").stdout).toMatch(/^engine = "interp"$/m);
  });
});
