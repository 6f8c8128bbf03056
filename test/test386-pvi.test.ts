import { describe, expect, it } from "vitest";
import { ALL_STAGES, TEST386_INSTRUCTIONS, runTest386, test386Reference } from "./lib/test386.js";

/**
 * test386 under the pvi policy: real mode and virtual-8086 stretches are emulated, the
 * protected-mode stages run deprivileged (privilege, task-switch, paging and exception
 * tests included). It must pass every stage with the same output and instruction count as
 * under pure emulation (79,684,847 instructions, measured with the pure policy).
 */
describe("test386.asm under the pvi monitor policy", () => {
  it("passes every stage, prints the reference, and retires as many instructions as under pure", { timeout: 300_000 }, () => {
    const { codes, outcome, output, instructions, monitor } = runTest386("pvi");
    expect(codes, `stopped with ${JSON.stringify(outcome)}`).toEqual(ALL_STAGES);
    expect(output).toBe(test386Reference());
    expect(instructions).toBe(TEST386_INSTRUCTIONS);
    const c = monitor.counters();
    expect(c.direct + c.emulated).toBe(instructions);
    // Most of the ROM's protected-mode code ran directly on the CPU.
    expect(c.direct).toBeGreaterThan(c.emulated);
  });
});
