import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CollectingConsole,
  type RunOutcome,
  bootKernel,
  builtinRegistry,
  createMachine,
  planMultiboot,
} from "@ringlab/machine";
import { describe, expect, it } from "vitest";
import { guestCpu } from "./lib/guest-list.js";

const guestsDir = fileURLToPath(new URL("./guests/", import.meta.url));

/**
 * Boots a guest image from test/guests the way `ringlab run` does (with `--cpu` from the
 * guest's `cpu` file, if it has one); returns its console output.
 */
function boot(image: string, maxInstructions = 100_000_000): { output: string; outcome: RunOutcome } {
  const console = new CollectingConsole();
  const model = guestCpu(image.split("/")[0]!);
  const m = createMachine({ maxInstructions, ...(model === undefined ? {} : { cpu: { model } }) }, builtinRegistry(), { console });
  const path = guestsDir + image;
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))), { loaderName: "ringlab" });
  const outcome = m.run();
  return { output: console.text(), outcome };
}

function expected(guest: string): string {
  return readFileSync(`${guestsDir}${guest}/expected.txt`, "latin1");
}

/**
 * Guests whose debug-console output must equal QEMU's (expected.txt) byte for byte, ending
 * with the guest's own exit status 0.
 */
const MATCHING_QEMU = ["nullkernel-polled", "nullkernel-preempt", "sensitive", "demo", "monitor-torture", "monitor-torture2", "irq-boundary", "fpubench", "pae", "syscallbench", "idle"];

/**
 * Guests that need CPU features not built yet. Each must stop with the CPU's "not implemented
 * yet" shutdown, having printed a prefix of QEMU's output; when one starts passing, this
 * test fails: move it to MATCHING_QEMU. Empty: every guest matches QEMU.
 */
const PENDING: Record<string, RegExp> = {};

describe("the project's guests under ringlab", () => {
  it("cpubench (100,000 iterations) prints the checksum of its reference model", () => {
    const { output, outcome } = boot("cpubench/cpubench-100k.bin");
    // 204f02e4 is what test/guests/cpubench/model.py computes for 100,000 iterations.
    expect(output).toBe(
      "cpubench: 100000 iterations of ALU, load/store, call and branch work\ncpubench: checksum=204f02e4\n",
    );
    expect(outcome).toMatchObject({ kind: "exit", status: 0 });
  });

  for (const guest of MATCHING_QEMU) {
    it(`${guest} prints exactly what it prints under QEMU`, () => {
      const { output, outcome } = boot(`${guest}/${guest}.bin`);
      expect(output).toBe(expected(guest));
      expect(outcome).toMatchObject({ kind: "exit", status: 0 });
    });
  }

  it("pae -DSTRICT (the SDM's cases QEMU 7.2 gets wrong) prints what Bochs prints", () => {
    const { output, outcome } = boot("pae/pae-strict.bin");
    expect(output).toBe(readFileSync(`${guestsDir}pae/expected-strict.txt`, "latin1"));
    expect(outcome).toMatchObject({ kind: "exit", status: 0 });
  });

  it("idle -DHALT_MASKED: a HLT with IF=1 that no IRQ line can reach ends the run as halted, not idling for ever", () => {
    const { output, outcome } = boot("idle/idle-halt-masked.bin");
    expect(output).toBe(`${readFileSync(`${guestsDir}idle/expected.txt`, "latin1")}STI; HLT with every line masked\n`);
    expect(outcome).toMatchObject({ kind: "halted", reason: expect.stringMatching(/no IRQ line can reach the CPU/) });
  });

  it("syscallbench -DNO_PAGING (the same work with paging off) prints what it prints under QEMU", () => {
    const { output, outcome } = boot("syscallbench/syscallbench-nopaging.bin");
    expect(output).toBe(readFileSync(`${guestsDir}syscallbench/expected-nopaging.txt`, "latin1"));
    expect(outcome).toMatchObject({ kind: "exit", status: 0 });
  });

  for (const [guest, reason] of Object.entries(PENDING)) {
    it(`${guest} agrees with QEMU up to the CPU feature it still lacks`, () => {
      const { output, outcome } = boot(`${guest}/${guest}.bin`);
      expect(outcome.kind).toBe("shutdown");
      expect(outcome.kind === "shutdown" && outcome.why).toMatch(reason);
      expect(output.length).toBeGreaterThan(0);
      expect(expected(guest).startsWith(output)).toBe(true);
    });
  }
});
