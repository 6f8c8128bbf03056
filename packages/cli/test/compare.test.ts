import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const guests = fileURLToPath(new URL("../../../test/guests/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ringlab-compare-"));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A raw image at 0x100000 (nasm): pushfd / pop eax / mov ebx,cs / cli / mov al,'A' /
 * out 0xe9,al / mov al,0 / out 0xf4,al — prints "A", exits 0.
 */
const PROBE = "9c588ccbfab041e6e9b000e6f4";

function image(name: string, hex: string): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.from(hex, "hex"));
  return p;
}

describe("ringlab compare", () => {
  it("runs the sensitive guest under every policy and finds them indistinguishable", () => {
    const r = ringlab("compare", `${guests}sensitive/sensitive.bin`);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const events = /^pure +exit 0 +150,904 +100\.0% +0 +([\d,]+) +reference +reference /m.exec(r.stdout)?.[1];
    expect(events, r.stdout).toBeDefined();
    expect(r.stdout).toMatch(new RegExp(`^scan-patch +exit 0 +150,904 .* ${events} +same +same `, "m"));
    expect(r.stdout).toMatch(new RegExp(`^pvi +exit 0 +150,904 .* ${events} +same +same `, "m"));
    expect(r.stdout).toMatch(new RegExp(`^vtx +exit 0 +150,904 .* ${events} +same +same `, "m"));
    // vtx runs the guest at its own privilege levels: no sensitive instruction exits.
    expect(r.stdout).toMatch(/^ {2}sensitive-instruction +0 +[\d,]+ +[\d,]+ +0$/m);
    expect(r.stdout).toContain("verdict: the guest could not tell pure, scan-patch, pvi, vtx apart");
  });

  it("exits 124 and names the difference when the guest can tell (--no-patch)", () => {
    const r = ringlab("compare", `${guests}sensitive/sensitive.bin`, "--no-patch", "--policies", "pure,scan-patch");
    expect(r.status).toBe(124);
    expect(r.stdout).toContain("verdict: the guest COULD tell the policies apart");
    expect(r.stdout).toContain('scan-patch vs pure: console output differs at line 2: "ring1 sgdt');
  });

  it("takes policies with options, labelled as written (scan-patch:ring=3, the 0/3/3 model)", () => {
    const r = ringlab("compare", `${guests}sensitive/sensitive.bin`, "--policies", "pure,scan-patch,scan-patch:ring=3");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scan-patch:ring=3 +exit 0 +150,904 /m);
    expect(r.stdout).toContain("verdict: the guest could not tell pure, scan-patch, scan-patch:ring=3 apart");
    // Unpatched, the guest sees the ring its kernel really runs in.
    const leak = ringlab("compare", `${guests}sensitive/sensitive.bin`, "--no-patch", "--policies", "pure,scan-patch:ring=3");
    expect(leak.status).toBe(124);
    expect(leak.stdout).toContain('scan-patch:ring=3 vs pure: console output differs at line 2: "ring3 sgdt');
  });

  it("--json gives every run's outcome, output and exits", () => {
    const r = ringlab("compare", "--load", `${image("probe.bin", PROBE)}@0x100000`, "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as {
      indistinguishable: boolean;
      reference: string;
      runs: { policy: string; console: string; instructions: number; exits: number; exitsByReason: Record<string, number>; differences: string[] }[];
    };
    expect(j.indistinguishable).toBe(true);
    expect(j.reference).toBe("pure");
    expect(j.runs.map((x) => x.policy)).toEqual(["pure", "scan-patch", "pvi", "vtx"]);
    for (const run of j.runs) {
      expect(run.console).toBe("A");
      expect(run.instructions).toBe(8);
      expect(run.differences).toEqual([]);
    }
    expect(j.runs[0]!.exits).toBe(0);
    // pushfd and mov from cs are patched; cli and the two outs fault in ring 1.
    expect(j.runs[1]!.exitsByReason).toEqual({ "sensitive-instruction": 2, "privileged-instruction": 1, io: 2 });
    // Under pvi the guest kernel's cli only clears VIF.
    expect(j.runs[2]!.exitsByReason).toEqual({ "sensitive-instruction": 2, io: 2 });
  });

  it("refuses bad --policies lists and --policy in one line", () => {
    for (const [args, msg] of [
      [["--policies", "pure,vmx"], "ringlab: --policies: unknown policy 'vmx' (known: pure, scan-patch, pvi, vtx)\n"],
      [["--policies", "pure,scan-patch:ring=2"], "ringlab: --policies: policy 'scan-patch': option 'ring': expected 1 (the 0/1/3 model) or 3 (0/3/3)\n"],
      [["--policies", "pvi"], "ringlab: --policies: expected at least two policies to compare, got 'pvi'\n"],
      [["--policies", "pvi,pvi"], "ringlab: --policies: a policy is listed twice in 'pvi,pvi'\n"],
      [["--policies", "pvi,PVI"], "ringlab: --policies: expected NAME or NAME:KEY=VALUE[:KEY=VALUE...] (see ringlab policies), got 'PVI'\n"],
      [["--policy", "pvi"], "ringlab: --policy: compare runs several policies; choose them with --policies\n"],
    ] as const) {
      const r = ringlab("compare", "--load", `${image("probe.bin", PROBE)}@0x100000`, ...args);
      expect(r.stderr).toBe(msg);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe("");
    }
  });
});

describe("ringlab run --policy --stats", () => {
  it("lists the policy's exits by reason and instruction", () => {
    const r = ringlab("run", "--load", `${image("probe.bin", PROBE)}@0x100000`, "--policy", "scan-patch", "--stats", "--screen", "none");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("A");
    expect(r.stderr).toMatch(/^\[stats\] monitor policy: {7}scan-patch: guest ring 0 runs in ring 1; sensitive instructions patched before they run$/m);
    expect(r.stderr).toMatch(/^\[stats\] exits: {16}5$/m);
    expect(r.stderr).toMatch(/^\[stats\] {3}io +out +2$/m);
    expect(r.stderr).toMatch(/^\[stats\] {3}sensitive-instruction +pushf +1$/m);
    expect(r.stderr).toMatch(/^\[stats\] {3}sensitive-instruction +mov r\/m,sreg +1$/m);
    expect(r.stderr).toMatch(/^\[stats\] {3}privileged-instruction +cli +1$/m);
  });

  it("says pure emulation intercepts nothing", () => {
    const r = ringlab("run", "--load", `${image("probe.bin", PROBE)}@0x100000`, "--stats", "--screen", "none");
    expect(r.stderr).toMatch(/^\[stats\] exits: {16}none \(pure emulation intercepts nothing\)$/m);
  });

  it("--no-patch: the guest's mov from CS sees ring 1", () => {
    // mov eax,cs / out 0xe9,al / mov al,0 / out 0xf4,al : prints CS's low byte
    const p = image("cs.bin", "8cc8e6e9b000e6f4");
    expect(ringlab("run", "--load", `${p}@0x100000`, "--policy", "scan-patch", "--screen", "none").stdout).toBe("\x08");
    expect(ringlab("run", "--load", `${p}@0x100000`, "--policy", "scan-patch", "--no-patch", "--screen", "none").stdout).toBe("\x09");
  });
});
