import { itNeeds } from "@ringlab/testkit";
import { describe, expect } from "vitest";
import { ALL_STAGES, TEST386_INSTRUCTIONS, runTest386, test386Reference } from "./lib/test386.js";

/**
 * The last stage ringlab must reach: all of them. (Bochs 2.7 stops at 0x17, QEMU 7.2 at 0x20
 * on this 386-built ROM.) Reaching 0xFF also makes the stage-0xEE output comparison below
 * mandatory.
 */
const MUST_REACH = "FF";

describe("test386.asm from the reset vector", () => {
  itNeeds("test386", "passes every stage in order, and its stage-0xEE output equals the reference", () => {
    const { codes, outcome, output, instructions } = runTest386("pure");
    expect(codes, `stopped with ${JSON.stringify(outcome)}`).toEqual(ALL_STAGES.slice(0, codes.length));
    expect(codes.length, `POST codes ${codes.join(" ")}; ${JSON.stringify(outcome)}`).toBeGreaterThanOrEqual(
      ALL_STAGES.indexOf(MUST_REACH) + 1,
    );
    if (codes.at(-1) === "FF") {
      // Every stage passed: stage 0xEE's unchecked results must equal the reference.
      expect(output).toBe(test386Reference());
      expect(instructions).toBe(TEST386_INSTRUCTIONS);
    }
  });
});
