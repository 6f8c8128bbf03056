import "reflect-metadata";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PostCodes } from "@ringlab/devices-debug";
import { CollectingConsole, DEFAULT_DEVICES, type RunOutcome, builtinRegistry, createMachine, mapRomImage } from "@ringlab/machine";
import type { MonitorPolicy } from "@ringlab/monitor";
import { extraPath, itNeeds } from "@ringlab/testkit";
import { describe, expect } from "vitest";

/**
 * test386.asm (github.com/barotto/test386.asm), built for a real 386, with the output of its
 * stage 0xEE on a real 386: a conformance suite we do not ship. It lives in
 * `$RINGLAB_CONFORMANCE_DIR/test386/` (`test386.bin`, `test386-EE-reference.txt`); the
 * tests that run it need the `test386` extra and are skipped, with that reason, without it.
 */
export const test386Dir = (): string => extraPath("test386");

/** The POST codes test386 writes to port 0x190 when every stage passes, in order. */
export const ALL_STAGES = "00 01 02 03 04 05 06 08 09 20 21 22 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C E0 EE FF".split(" ");

/**
 * Instructions test386 retires from the reset vector to its final HLT under pure emulation
 * (asserted by test386.test.ts); every policy must retire exactly as many.
 */
export const TEST386_INSTRUCTIONS = 79_684_847;

export interface Test386Run {
  /** POST codes written, as two-digit hex. */
  codes: string[];
  outcome: RunOutcome;
  /** What stage 0xEE printed, carriage returns removed. */
  output: string;
  instructions: number;
  monitor: MonitorPolicy;
}

/** Runs test386.bin from the reset vector under `policy`. Throws (the reason) when the ROM is missing. */
export function runTest386(policy: string): Test386Run {
  const rom = join(test386Dir(), "test386.bin");
  const console = new CollectingConsole();
  const m = createMachine(
    {
      memory: { size: "2M" },
      maxInstructions: 300_000_000,
      devices: [...DEFAULT_DEVICES, { plugin: "post-codes", options: { port: 0x190 } }],
      monitor: { policy },
    },
    builtinRegistry(),
    { console },
  );
  mapRomImage(m.bus, rom, new Uint8Array(readFileSync(rom)), 0xe0000);
  const outcome = m.run();
  const codes = m.device<PostCodes>("post-codes").codes().map((c) => c.toString(16).toUpperCase().padStart(2, "0"));
  return { codes, outcome, output: console.text().replace(/\r/g, ""), instructions: m.clock.instructions, monitor: m.monitor };
}

/** Stage 0xEE's reference output (a real 386's unchecked results). */
export function test386Reference(): string {
  return readFileSync(join(test386Dir(), "test386-EE-reference.txt"), "latin1").replace(/\r/g, "");
}

/**
 * Defines the test of test386 under a deprivileging policy: real mode and virtual-8086
 * stretches are emulated, the protected-mode stages run deprivileged (privilege,
 * task-switch, paging and exception tests included). It must pass every stage with the same
 * output and instruction count as under pure emulation. One file per policy, so that vitest
 * runs them in parallel.
 */
export function describeTest386Under(policy: string): void {
  describe(`test386.asm under the ${policy} monitor policy`, () => {
    itNeeds("test386", "passes every stage, prints the reference, and retires as many instructions as under pure", () => {
      const { codes, outcome, output, instructions, monitor } = runTest386(policy);
      expect(codes, `stopped with ${JSON.stringify(outcome)}`).toEqual(ALL_STAGES);
      expect(output).toBe(test386Reference());
      expect(instructions).toBe(TEST386_INSTRUCTIONS);
      const c = monitor.counters();
      expect(c.direct + c.emulated).toBe(instructions);
      // Most of the ROM's protected-mode code ran directly on the CPU.
      expect(c.direct).toBeGreaterThan(c.emulated);
    }, 300_000);
  });
}
