import { spawnSync } from "node:child_process";
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
 * (test/x87-guest.test.ts relates it to expected.txt). Needs Bochs and nasm.
 */
const MATCHING_BOCHS = ["nullkernel-polled", "nullkernel-preempt", "sensitive", "demo", "monitor-torture", "irq-boundary", "x87", "fpubench"];

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
});
