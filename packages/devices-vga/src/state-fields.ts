import { stateInt, z } from "@ringlab/sdk";

/**
 * Exactly `length` whole numbers from 0 to `max` in a saved state (a register file, a
 * palette, the latches), refused as `expected an array of 25 numbers, got [1,2]`; a bad
 * element is named by its index (`field 'crtc.regs.3': expected a whole number from 0 to
 * 255, got 256`), as the SDK's field schemas word it.
 */
export function stateBytes(length: number, max = 0xff) {
  const refused = (issue: { input: unknown }) => `expected an array of ${length} numbers, got ${(JSON.stringify(issue.input) ?? "nothing").slice(0, 40)}`;
  return z.array(stateInt(0, max), { error: refused }).length(length, { error: refused });
}

/**
 * A register file's values, each within the bits its register implements (`masks[i]`):
 * reserved bits read back as 0, so a state with one set is not one the device wrote.
 */
export function stateRegisters(masks: readonly number[]) {
  return stateBytes(masks.length).superRefine((regs, ctx) => {
    regs.forEach((v, i) => {
      if ((v & ~masks[i]!) !== 0) {
        const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(2, "0")}`;
        ctx.addIssue({ code: "custom", path: [i], message: `expected a value within the register's implemented bits ${hex(masks[i]!)}, got ${hex(v)}` });
      }
    });
  });
}
