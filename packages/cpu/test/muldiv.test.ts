import { describe, expect, it } from "vitest";
import { type Case, runCase } from "./harness.js";

// Expected values are Unicorn 2.0.1's (QEMU) results for the same bytes and inputs; the
// bytes were assembled with nasm from `asm`.
const CASES: Case[] = [
  { name: "mul r8", asm: "mul bl", code: [0xf6, 0xe3], init: { eax: 0x80, ebx: 0x2 }, expect: { eax: 0x100, ebx: 0x2 }, flags: 0x845 },
  { name: "mul r8 no overflow", asm: "mul bl", code: [0xf6, 0xe3], init: { eax: 0x10, ebx: 0x2 }, expect: { eax: 0x20, ebx: 0x2 }, flags: 0x0 },
  { name: "mul r16", asm: "mul cx", code: [0x66, 0xf7, 0xe1], init: { eax: 0xffff, ecx: 0xffff, edx: 0x12345678 }, expect: { eax: 0x1, ecx: 0xffff, edx: 0x1234fffe }, flags: 0x801 },
  { name: "mul r32", asm: "mul ebx", code: [0xf7, 0xe3], init: { eax: 0xffffffff, ebx: 0xffffffff }, expect: { eax: 0x1, edx: 0xfffffffe, ebx: 0xffffffff }, flags: 0x801 },
  { name: "mul r32 small", asm: "mul ebx", code: [0xf7, 0xe3], init: { eax: 0x3, ebx: 0x5, edx: 0x7 }, expect: { eax: 0xf, edx: 0x0, ebx: 0x5 }, flags: 0x4 },
  { name: "imul r8 one operand", asm: "imul bl", code: [0xf6, 0xeb], init: { eax: 0x80, ebx: 0xff }, expect: { eax: 0x80, ebx: 0xff }, flags: 0x881 },
  { name: "imul r16 one operand", asm: "imul cx", code: [0x66, 0xf7, 0xe9], init: { eax: 0x8000, ecx: 0xffff }, expect: { eax: 0x8000, ecx: 0xffff }, flags: 0x885 },
  { name: "imul r32 one operand", asm: "imul ebx", code: [0xf7, 0xeb], init: { eax: 0x80000000, ebx: 0xffffffff }, expect: { eax: 0x80000000, ebx: 0xffffffff }, flags: 0x885 },
  { name: "imul r32 negative", asm: "imul ebx", code: [0xf7, 0xeb], init: { eax: 0xfffffffe, ebx: 0x3 }, expect: { eax: 0xfffffffa, edx: 0xffffffff, ebx: 0x3 }, flags: 0x84 },
  { name: "imul two operand overflow", asm: "imul eax, ebx", code: [0x0f, 0xaf, 0xc3], init: { eax: 0x10000, ebx: 0x10000 }, expect: { eax: 0x0, ebx: 0x10000 }, flags: 0x845 },
  { name: "imul two operand", asm: "imul eax, ebx", code: [0x0f, 0xaf, 0xc3], init: { eax: 0xfffffffd, ebx: 0x7 }, expect: { eax: 0xffffffeb, ebx: 0x7 }, flags: 0x84 },
  { name: "imul r16 two operand", asm: "imul ax, bx", code: [0x66, 0x0f, 0xaf, 0xc3], init: { eax: 0x100, ebx: 0x100 }, expect: { eax: 0x0, ebx: 0x100 }, flags: 0x845 },
  { name: "imul three operand imm8", asm: "imul ecx, ebx, -3", code: [0x6b, 0xcb, 0xfd], init: { ebx: 0x5 }, expect: { ecx: 0xfffffff1, ebx: 0x5 }, flags: 0x80 },
  { name: "imul three operand imm32", asm: "imul ecx, [0x2000], 100000", code: [0x69, 0x0d, 0x00, 0x20, 0x00, 0x00, 0xa0, 0x86, 0x01, 0x00], init: { "m0x2000": 0x186a0 }, expect: { ecx: 0x540be400 }, flags: 0x805 },
  { name: "div r8", asm: "div bl", code: [0xf6, 0xf3], init: { eax: 0x1234, ebx: 0x56 }, expect: { eax: 0x1036, ebx: 0x56 }, flags: 0x0 },
  { name: "div r16", asm: "div cx", code: [0x66, 0xf7, 0xf1], init: { eax: 0x5678, edx: 0x1234, ecx: 0x4321 }, expect: { eax: 0x456c, ecx: 0x4321, edx: 0x1f8c }, flags: 0x0 },
  { name: "div r32 64-bit dividend", asm: "div ebx", code: [0xf7, 0xf3], init: { eax: 0x89abcdef, edx: 0x1234567, ebx: 0x12345678 }, expect: { eax: 0x10000000, edx: 0x9abcdef, ebx: 0x12345678 }, flags: 0x0 },
  { name: "div r32 small", asm: "div ebx", code: [0xf7, 0xf3], init: { eax: 0x64, edx: 0x0, ebx: 0x7 }, expect: { eax: 0xe, edx: 0x2, ebx: 0x7 }, flags: 0x0 },
  { name: "idiv r8", asm: "idiv bl", code: [0xf6, 0xfb], init: { eax: 0xff9c, ebx: 0x7 }, expect: { eax: 0xfef2, ebx: 0x7 }, flags: 0x0 },
  { name: "idiv r16", asm: "idiv cx", code: [0x66, 0xf7, 0xf9], init: { eax: 0xfff0, edx: 0xffff, ecx: 0x3 }, expect: { eax: 0xfffb, ecx: 0x3, edx: 0xffff }, flags: 0x0 },
  { name: "idiv r32", asm: "idiv ebx", code: [0xf7, 0xfb], init: { eax: 0xfffffff9, edx: 0xffffffff, ebx: 0x2 }, expect: { eax: 0xfffffffd, edx: 0xffffffff, ebx: 0x2 }, flags: 0x0 },
  { name: "idiv r32 large", asm: "idiv ebx", code: [0xf7, 0xfb], init: { eax: 0x0, edx: 0xffffff00, ebx: 0x7fffffff }, expect: { eax: 0xfffffe00, edx: 0xfffffe00, ebx: 0x7fffffff }, flags: 0x0 },
  { name: "idiv r32 min quotient", asm: "idiv ebx", code: [0xf7, 0xfb], init: { eax: 0x80000000, edx: 0xffffffff, ebx: 0x1 }, expect: { eax: 0x80000000, edx: 0x0, ebx: 0x1 }, flags: 0x0 },
];

describe("multiply and divide", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = runCase(c);
      expect(r.regs).toEqual(r.wanted);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
