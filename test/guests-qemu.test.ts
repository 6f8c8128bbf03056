import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeNeeds, extraPath } from "@ringlab/testkit";
import { expect, it } from "vitest";
import { GUESTS_DIR, NOT_FROM_QEMU, guestCpu, guestNames } from "./lib/guest-list.js";

/**
 * Each guest's expected.txt — the debug-console output every ringlab test of that guest must
 * match — is what QEMU, the project's reference machine, prints for it: this re-checks the
 * recordings (test/guests/run-qemu.sh does the same by hand, and re-records). Needs QEMU.
 * The guest's exit status 0 makes QEMU exit with (0 << 1) | 1 = 1. Not the guests in
 * NOT_FROM_QEMU, whose references are other machines. A guest with a `cpu` file (pae) runs
 * on that QEMU CPU model.
 */
describeNeeds("qemu", "the guests under QEMU print exactly their expected.txt", () => {
  for (const g of guestNames().filter((n) => !NOT_FROM_QEMU.has(n) && existsSync(join(GUESTS_DIR, n, "expected.txt")))) {
    it(`${g}`, () => {
      const cpu = guestCpu(g);
      const args = [...(cpu === undefined ? [] : ["-cpu", cpu]), "-kernel", join(GUESTS_DIR, g, `${g}.bin`), "-display", "none", "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot", "-m", "32"];
      const r = spawnSync(extraPath("qemu"), args, { encoding: "latin1", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
      expect(r.error?.message, r.stderr).toBeUndefined();
      expect(r.status, `QEMU's status (1 = the guest wrote 0 to port 0xF4); stderr: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe(readFileSync(join(GUESTS_DIR, g, "expected.txt"), "latin1"));
    }, 150_000);
  }
});
