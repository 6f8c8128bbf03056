import { describe, expect, it } from "vitest";
import { type Case, runCase } from "./harness.js";

// Expected values are Unicorn 2.0.1's (QEMU) results for the same bytes and inputs; the
// bytes were assembled with nasm from `asm`.
const CASES: Case[] = [
  { name: "daa adjusts both nibbles", asm: "daa", code: [0x27], init: { eax: 0x9b }, expect: { eax: 0x1 }, flags: 0x11 },
  { name: "daa with AF", asm: "daa", code: [0x27], init: { eax: 0x12, eflags: 0x12 }, expect: { eax: 0x18 }, flags: 0x14 },
  { name: "das", asm: "das", code: [0x2f], init: { eax: 0x9b }, expect: { eax: 0x35 }, flags: 0x15 },
  { name: "das with carry", asm: "das", code: [0x2f], init: { eax: 0x5, eflags: 0x3 }, expect: { eax: 0xa5 }, flags: 0x85 },
  { name: "aaa adjusts", asm: "aaa", code: [0x37], init: { eax: 0x10b }, expect: { eax: 0x201 }, flags: 0x11 },
  { name: "aaa no adjust", asm: "aaa", code: [0x37], init: { eax: 0x105, eflags: 0x8c0 }, expect: { eax: 0x105 }, flags: 0x8c0 },
  { name: "aas adjusts", asm: "aas", code: [0x3f], init: { eax: 0x205, eflags: 0x12 }, expect: { eax: 0xf }, flags: 0x11 },
  { name: "aas borrow", asm: "aas", code: [0x3f], init: { eax: 0x20f }, expect: { eax: 0x109 }, flags: 0x11 },
  { name: "aam", asm: "aam", code: [0xd4, 0x0a], init: { eax: 0x4f }, expect: { eax: 0x709 }, flags: 0x4 },
  { name: "aam base 16", asm: "aam 16", code: [0xd4, 0x10], init: { eax: 0xff }, expect: { eax: 0xf0f }, flags: 0x4 },
  { name: "aad", asm: "aad", code: [0xd5, 0x0a], init: { eax: 0x709 }, expect: { eax: 0x4f }, flags: 0x0 },
  { name: "aad base 16", asm: "aad 16", code: [0xd5, 0x10], init: { eax: 0xf0f }, expect: { eax: 0xff }, flags: 0x84 },
];

describe("decimal adjust (DAA, DAS, AAA, AAS, AAM, AAD)", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = runCase(c);
      expect(r.regs).toEqual(r.wanted);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
