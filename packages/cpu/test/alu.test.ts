import { describe, expect, it } from "vitest";
import { type Case, runCase } from "./harness.js";

// Expected values are Unicorn 2.0.1's (QEMU) results for the same bytes and inputs; the
// bytes were assembled with nasm from `asm`.
const CASES: Case[] = [
  { name: "add r32 signed overflow", asm: "add eax, ebx", code: [0x01, 0xd8], init: { eax: 0x7fffffff, ebx: 0x1 }, expect: { eax: 0x80000000, ebx: 0x1 }, flags: 0x894 },
  { name: "add r8 carry to zero", asm: "add al, bl", code: [0x00, 0xd8], init: { eax: 0x123456ff, ebx: 0x1 }, expect: { eax: 0x12345600, ebx: 0x1 }, flags: 0x55 },
  { name: "add r16 keeps upper half", asm: "add ax, 0xffff", code: [0x66, 0x83, 0xc0, 0xff], init: { eax: 0xabcd0001 }, expect: { eax: 0xabcd0000 }, flags: 0x55 },
  { name: "add r/m32 imm8 sign-extended", asm: "add dword [0x2000], -2", code: [0x83, 0x05, 0x00, 0x20, 0x00, 0x00, 0xfe], init: { "m0x2000": 0x1 }, expect: { "m0x2000": 0xffffffff }, flags: 0x84 },
  { name: "add r8 high byte", asm: "add ah, ch", code: [0x00, 0xec], init: { eax: 0x8000, ecx: 0x8000 }, expect: { eax: 0x0, ecx: 0x8000 }, flags: 0x845 },
  { name: "or logic flags", asm: "or eax, ebx", code: [0x09, 0xd8], init: { eax: 0x80000000, ebx: 0x1 }, expect: { eax: 0x80000001, ebx: 0x1 }, flags: 0x80 },
  { name: "adc with carry in", asm: "stc; adc eax, 0", code: [0xf9, 0x83, 0xd0, 0x00], init: { eax: 0xffffffff }, expect: { eax: 0x0 }, flags: 0x55 },
  { name: "adc r8 both carries", asm: "stc; adc al, 0x7f", code: [0xf9, 0x14, 0x7f], init: { eax: 0x80 }, expect: { eax: 0x0 }, flags: 0x55 },
  { name: "sbb with borrow in", asm: "stc; sbb eax, 0", code: [0xf9, 0x83, 0xd8, 0x00], init: { eax: 0x0 }, expect: { eax: 0xffffffff }, flags: 0x95 },
  { name: "sbb r16 from memory", asm: "stc; sbb ax, [0x2000]", code: [0xf9, 0x66, 0x1b, 0x05, 0x00, 0x20, 0x00, 0x00], init: { eax: 0x8000, "m0x2000": 0x7fff }, expect: { eax: 0x0 }, flags: 0x854 },
  { name: "and parity", asm: "and eax, ebx", code: [0x21, 0xd8], init: { eax: 0xf0f0f0f0, ebx: 0xff00ff0 }, expect: { eax: 0xf000f0, ebx: 0xff00ff0 }, flags: 0x4 },
  { name: "sub r32 overflow", asm: "sub eax, ebx", code: [0x29, 0xd8], init: { eax: 0x80000000, ebx: 0x1 }, expect: { eax: 0x7fffffff, ebx: 0x1 }, flags: 0x814 },
  { name: "sub r16 borrow", asm: "sub ax, bx", code: [0x66, 0x29, 0xd8], init: { eax: 0x10000, ebx: 0x1 }, expect: { eax: 0x1ffff, ebx: 0x1 }, flags: 0x95 },
  { name: "sub r/m8 from memory", asm: "sub byte [0x2000], 0x10", code: [0x80, 0x2d, 0x00, 0x20, 0x00, 0x00, 0x10], init: { "m0x2000": 0x12345608 }, expect: { "m0x2000": 0x123456f8 }, flags: 0x81 },
  { name: "xor self zero", asm: "xor eax, eax", code: [0x31, 0xc0], init: { eax: 0x1234 }, expect: { eax: 0x0 }, flags: 0x44 },
  { name: "cmp less", asm: "cmp eax, ebx", code: [0x39, 0xd8], init: { eax: 0x5, ebx: 0x7 }, expect: { eax: 0x5, ebx: 0x7 }, flags: 0x91 },
  { name: "cmp r8 signed", asm: "cmp al, 0x80", code: [0x3c, 0x80], init: { eax: 0x7f }, expect: { eax: 0x7f }, flags: 0x885 },
  { name: "cmp mem reg", asm: "cmp [0x2000], ecx", code: [0x39, 0x0d, 0x00, 0x20, 0x00, 0x00], init: { ecx: 0x3, "m0x2000": 0x3 }, expect: { ecx: 0x3 }, flags: 0x44 },
  { name: "inc preserves CF", asm: "stc; inc eax", code: [0xf9, 0x40], init: { eax: 0x7fffffff }, expect: { eax: 0x80000000 }, flags: 0x895 },
  { name: "dec to zero", asm: "clc; dec ecx", code: [0xf8, 0x49], init: { ecx: 0x1 }, expect: { ecx: 0x0 }, flags: 0x44 },
  { name: "inc r8 wraps", asm: "inc bl", code: [0xfe, 0xc3], init: { ebx: 0x1ff }, expect: { ebx: 0x100 }, flags: 0x54 },
  { name: "dec r16 mem", asm: "dec word [0x2000]", code: [0x66, 0xff, 0x0d, 0x00, 0x20, 0x00, 0x00], init: { "m0x2000": 0x10000 }, expect: { "m0x2000": 0x1ffff }, flags: 0x94 },
  { name: "neg", asm: "neg eax", code: [0xf7, 0xd8], init: { eax: 0x5 }, expect: { eax: 0xfffffffb }, flags: 0x91 },
  { name: "neg zero", asm: "neg eax", code: [0xf7, 0xd8], init: { eax: 0x0 }, expect: { eax: 0x0 }, flags: 0x44 },
  { name: "neg r8 min", asm: "neg cl", code: [0xf6, 0xd9], init: { ecx: 0x80 }, expect: { ecx: 0x80 }, flags: 0x881 },
  { name: "not keeps flags", asm: "stc; not eax", code: [0xf9, 0xf7, 0xd0], init: { eax: 0xf0f0f0f }, expect: { eax: 0xf0f0f0f0 }, flags: 0x1 },
  { name: "test high bit", asm: "test al, 0x80", code: [0xa8, 0x80], init: { eax: 0x80 }, expect: { eax: 0x80 }, flags: 0x80 },
  { name: "test r32 r32", asm: "test eax, ebx", code: [0x85, 0xd8], init: { eax: 0xf, ebx: 0xf0 }, expect: { eax: 0xf, ebx: 0xf0 }, flags: 0x44 },
  { name: "gv ev form", asm: "add ecx, [0x2000]", code: [0x03, 0x0d, 0x00, 0x20, 0x00, 0x00], init: { ecx: 0xfffffff0, "m0x2000": 0x20 }, expect: { ecx: 0x10 }, flags: 0x1 },
  { name: "alu al imm", asm: "sub al, 1", code: [0x2c, 0x01], init: { eax: 0x100 }, expect: { eax: 0x1ff }, flags: 0x95 },
  { name: "alu eax imm32", asm: "xor eax, 0x80000001", code: [0x35, 0x01, 0x00, 0x00, 0x80], init: { eax: 0x1 }, expect: { eax: 0x80000000 }, flags: 0x84 },
  { name: "sib addressing", asm: "add eax, [ebx+ecx*4+0x10]", code: [0x03, 0x44, 0x8b, 0x10], init: { eax: 0x1, ebx: 0x1ff0, ecx: 0x4, "m0x2010": 0x41 }, expect: { eax: 0x42, ecx: 0x4, ebx: 0x1ff0 }, flags: 0x4 },
  { name: "group 82 alias", asm: "db 0x82, 0xc0, 0x01", code: [0x82, 0xc0, 0x01], init: { eax: 0xff }, expect: { eax: 0x0 }, flags: 0x55 },
  { name: "lock add mem", asm: "lock add dword [0x2000], 1", code: [0xf0, 0x83, 0x05, 0x00, 0x20, 0x00, 0x00, 0x01], init: { "m0x2000": 0xffffffff }, expect: { "m0x2000": 0x0 }, flags: 0x55 },
];

describe("arithmetic and logic (ADD..CMP, INC, DEC, NEG, NOT, TEST)", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = runCase(c);
      expect(r.regs).toEqual(r.wanted);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
