import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeNeeds, extraPath } from "@ringlab/testkit";
import { expect, it } from "vitest";
import { GUESTS_DIR } from "./lib/guest-list.js";

/**
 * Bochs, the second reference machine, prints each guest's expected.txt (recorded from QEMU)
 * byte for byte: test/guests/run-bochs.sh boots the guest from a reset-vector ROM
 * (common/rom-boot.asm, built with nasm) and compares. Left out: monitor-torture2, where
 * Bochs pushes RF=1 in the EFLAGS of two #PF frames taken in the middle of a REP string
 * instruction and QEMU RF=0 (test/guests/README.md), and cpubench (about 25 s under Bochs;
 * its checksum has a model of its own). x87 is compared with Bochs's own recording, bochs.txt
 * (test/x87-guest.test.ts relates it to expected.txt). pae runs on the Bochs model for its
 * `cpu` file (p2_klamath). Needs Bochs and nasm.
 */
const MATCHING_BOCHS = ["nullkernel-polled", "nullkernel-preempt", "sensitive", "demo", "monitor-torture", "irq-boundary", "x87", "fpubench", "pae", "syscallbench", "idle"];

describeNeeds(["bochs", "nasm"], "the guests under Bochs print exactly their expected.txt", () => {
  for (const g of MATCHING_BOCHS) {
    it(`${g}`, () => {
      const r = spawnSync("sh", [join(GUESTS_DIR, "run-bochs.sh"), g], {
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, BOCHS: extraPath("bochs"), NASM: extraPath("nasm") },
      });
      expect(r.error?.message, r.stderr).toBeUndefined();
      expect(r.stdout).toMatch(new RegExp(`^PASS ${g} `));
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }, 150_000);
  }

  // pae built with -DSTRICT: the cases where QEMU 7.2 departs from the SDM (the P bit of a
  // reserved-bit #PF's error code, the PDPTE #GP(0)); its reference is Bochs's output.
  it("pae -DSTRICT prints expected-strict.txt", () => {
    const r = spawnSync("sh", [join(GUESTS_DIR, "run-bochs.sh"), join(GUESTS_DIR, "pae", "pae-strict.bin")], {
      encoding: "latin1",
      timeout: 120_000,
      env: { ...process.env, BOCHS: extraPath("bochs"), NASM: extraPath("nasm") },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(GUESTS_DIR, "pae", "expected-strict.txt"), "latin1"));
  }, 150_000);
});
