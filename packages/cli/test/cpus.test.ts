import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, RINGLAB_DEBUG: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "ringlab-cpus-"));
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const MODELS = "'ringlab', '486', 'pentium', 'pentium-pro', 'pentium2'";

describe("ringlab cpus", () => {
  it("lists every model with its vendor, signature, features and instruction groups", () => {
    const r = ringlab("cpus");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ringlab +ringlab's own IA-32 core .*\[default\]\n {4}cpuid: +RinglabIA32x, family 5 model 2 stepping 0 \(0x520\)$/m);
    expect(r.stdout).toMatch(/^pentium2 +Intel Pentium II \(Deschutes\)\n {4}cpuid: +GenuineIntel, family 6 model 5 stepping 2 \(0x652\)\n {4}features: +fpu de pse tsc msr pae cx8 sep mtrr pge cmov fxsr$/m);
    expect(r.stdout).toMatch(/^486 +Intel486 DX4\n.*\n {4}features: +fpu\n {4}not offered: +vme .*\n {4}instructions: +cpuid$/m);
    const json = JSON.parse(ringlab("cpus", "--json").stdout) as { name: string; signature: string; instructions: string[]; default: boolean }[];
    expect(json.map((c) => c.name)).toEqual(["ringlab", "486", "pentium", "pentium-pro", "pentium2"]);
    expect(json.find((c) => c.name === "pentium")).toMatchObject({ signature: "0x52c", instructions: ["cpuid", "rdtsc", "msr", "cmpxchg8b"], default: false });
  });
});

describe("--cpu and cpu.model", () => {
  // cmove eax,ecx; mov al,5; out 0xF4,al
  const cmov = file("cmov.bin", Uint8Array.from([0x0f, 0x44, 0xc1, 0xb0, 0x05, 0xe6, 0xf4]));

  it("--cpu 486 makes CMOV #UD (a triple fault here: the image has no IDT); --cpu pentium2 runs it", () => {
    const p2 = ringlab("run", "--load", `${cmov}@0x100000`, "--cpu", "pentium2", "--screen", "none");
    expect(p2.status, p2.stderr).toBe(5);
    const i486 = ringlab("run", "--load", `${cmov}@0x100000`, "--cpu", "486", "--screen", "none");
    expect(i486.status).toBe(121);
    expect(i486.stderr).toMatch(/^ringlab: CPU shutdown: triple fault$/m);
    expect(i486.stderr).toMatch(/EDX=00000480/); // the 486 DX4's signature, from reset
    expect(i486.stderr).toMatch(/instructions retired: 0\n.*\n {4}00100000 {2}cmove eax,ecx/);
  });

  it("an unknown model is one line naming the flag or the key and every model", () => {
    const r = ringlab("run", "--cpu", "k6", "--screen", "none");
    expect(r.status).toBe(78);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`ringlab: --cpu: expected one of ${MODELS}, got 'k6'\n`);
    const toml = file("vm.toml", '[cpu]\nmodel = "pentium3"\n');
    const c = ringlab("config", "-c", toml);
    expect(c.status).toBe(78);
    expect(c.stderr).toBe(`ringlab: ${toml}: key 'cpu.model': expected one of ${MODELS}, got 'pentium3'\n`);
  });

  it("config --print shows cpu.model; the flag overrides the file", () => {
    const toml = file("p.toml", '[cpu]\nmodel = "pentium"\n');
    expect(ringlab("config", "-c", toml).stdout).toMatch(/^\[cpu\]\nmodel = "pentium"$/m);
    expect(ringlab("config", "-c", toml, "--cpu", "486").stdout).toMatch(/^\[cpu\]\nmodel = "486"$/m);
    expect(ringlab("config").stdout).toMatch(/^\[cpu\]\nmodel = "ringlab"$/m);
  });
});
