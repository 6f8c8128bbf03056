import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeNeeds } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { GUESTS_DIR } from "./lib/guest-list.js";
import { expectedWorkload, initMarkers, runLinux } from "./lib/linux-guest.js";

/**
 * Issue 13, CPU models: `--cpu pentium2` boots the project's guests unchanged (they use
 * nothing a Pentium II lacks), through the CLI as a user would run them.
 */
const CLI = join(GUESTS_DIR, "../../packages/cli/dist/main.js");

function run(image: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, [CLI, "run", join(GUESTS_DIR, image), "--screen", "none", ...flags], {
    encoding: "latin1",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The guests whose expected.txt is QEMU's output (test/guests.test.ts). */
const GUESTS = ["nullkernel-polled", "nullkernel-preempt", "sensitive", "demo", "monitor-torture", "monitor-torture2", "irq-boundary"];

describe("--cpu pentium2 boots the project's guests unchanged", () => {
  for (const guest of GUESTS) {
    it(`${guest}: exactly expected.txt, exit status 0`, () => {
      const r = run(`${guest}/${guest}.bin`, "--cpu", "pentium2");
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(readFileSync(join(GUESTS_DIR, guest, "expected.txt"), "latin1"));
      expect(r.status).toBe(0);
    });
  }

  it("cpubench (100,000 iterations): the reference checksum", () => {
    const r = run("cpubench/cpubench-100k.bin", "--cpu", "pentium2");
    expect(r.stdout).toMatch(/checksum=204f02e4\n$/);
    expect(r.status).toBe(0);
  });

  it("x87: the same lines as on the default model, the Pentium II's FCOMI/FCMOV included", () => {
    const ref = run("x87/x87.bin");
    const p2 = run("x87/x87.bin", "--cpu", "pentium2");
    expect(p2.status, p2.stderr).toBe(0);
    expect(p2.stdout).toBe(ref.stdout);
  });

  it("under scan-patch and pvi too (demo)", () => {
    const expected = readFileSync(join(GUESTS_DIR, "demo", "expected.txt"), "latin1");
    for (const policy of ["scan-patch", "pvi"]) {
      const r = run("demo/demo.bin", "--cpu", "pentium2", "--policy", policy);
      expect(r.stdout, policy).toBe(expected);
      expect(r.status, policy).toBe(0);
    }
  });

  it("x87 on the Pentium (P54C): FCOMI, a P6 instruction, is #UD and the guest reports it", () => {
    const r = run("x87/x87.bin", "--cpu", "pentium");
    expect(r.stdout).toMatch(/\nfcomi lt\n\*\*\* exception 06 err=00000000 at 0008:[0-9a-f]{8}\n/);
    // Everything before the first P6 instruction is as on the default model.
    const ref = run("x87/x87.bin").stdout;
    const upTo = r.stdout.indexOf("fcomi lt");
    expect(ref.slice(0, upTo)).toBe(r.stdout.slice(0, upTo));
  });
});

/**
 * Debian's 686 kernel (the "guests" extra, as in linux.test.ts) on the Pentium II
 * model: it sees family 6 (uname -m i686), reads the MTRRs, and runs /init's workload.
 */
describeNeeds("guests", "Debian's Linux kernel on --cpu pentium2", () => {
  it("boots to /init as an i686 and runs the workload", () => {
    const r = runLinux("--cpu", "pentium2");
    const markers = initMarkers(r.stdout);
    expect(markers[1], r.stdout.slice(-3000) + r.stderr.slice(-2000)).toMatch(/^ringlab-init: kernel 6\.\d+\.\d+-\d+-686 on i686$/);
    expect(markers.slice(2, 5)).toEqual(expectedWorkload());
    expect(markers[5]).toBe("ringlab-init: done");
    expect(r.stdout).toMatch(/CPU MTRRs all blank/);
    expect(r.status).toBe(122); // HLT with interrupts off after poweroff -f
  }, 900_000);
});
