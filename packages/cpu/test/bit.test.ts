import { describe, expect, it } from "vitest";
import { type Case, runCase } from "./harness.js";

// Expected values are Unicorn 2.0.1's (QEMU) results for the same bytes and inputs; the
// bytes were assembled with nasm from `asm`.
const CASES: Case[] = [
  { name: "bt reg", asm: "bt eax, ebx", code: [0x0f, 0xa3, 0xd8], init: { eax: 0x10, ebx: 0x4 }, expect: { eax: 0x10, ebx: 0x4 }, flags: 0x1 },
  { name: "bt reg offset masked", asm: "bt eax, ebx", code: [0x0f, 0xa3, 0xd8], init: { eax: 0x10, ebx: 0x24 }, expect: { eax: 0x10, ebx: 0x24 }, flags: 0x1 },
  { name: "bts reg", asm: "bts eax, 31", code: [0x0f, 0xba, 0xe8, 0x1f], init: { eax: 0x0 }, expect: { eax: 0x80000000 }, flags: 0x0 },
  { name: "btr reg", asm: "btr eax, ecx", code: [0x0f, 0xb3, 0xc8], init: { eax: 0xffffffff, ecx: 0x7 }, expect: { eax: 0xffffff7f, ecx: 0x7 }, flags: 0x1 },
  { name: "btc r16", asm: "btc ax, 15", code: [0x66, 0x0f, 0xba, 0xf8, 0x0f], init: { eax: 0x8000 }, expect: { eax: 0x0 }, flags: 0x1 },
  { name: "bt mem positive offset beyond dword", asm: "bt dword [0x2000], ebx", code: [0x0f, 0xa3, 0x1d, 0x00, 0x20, 0x00, 0x00], init: { ebx: 0x23, "m0x2004": 0x8 }, expect: { ebx: 0x23 }, flags: 0x1 },
  { name: "bts mem negative offset", asm: "bts dword [0x2004], ebx", code: [0x0f, 0xab, 0x1d, 0x04, 0x20, 0x00, 0x00], init: { ebx: 0xffffffff, "m0x2000": 0x0 }, expect: { ebx: 0xffffffff, "m0x2000": 0x80000000 }, flags: 0x0 },
  { name: "btr mem r16 offset", asm: "btr word [0x2000], bx", code: [0x66, 0x0f, 0xb3, 0x1d, 0x00, 0x20, 0x00, 0x00], init: { ebx: 0x11, "m0x2000": 0x20000 }, expect: { ebx: 0x11, "m0x2000": 0x0 }, flags: 0x1 },
  { name: "bt mem imm masked", asm: "bt dword [0x2000], 33", code: [0x0f, 0xba, 0x25, 0x00, 0x20, 0x00, 0x00, 0x21], init: { "m0x2000": 0x2 }, expect: {  }, flags: 0x1 },
  { name: "bsf", asm: "bsf eax, ebx", code: [0x0f, 0xbc, 0xc3], init: { ebx: 0xf00000 }, expect: { eax: 0x14, ebx: 0xf00000 }, flags: 0x4 },
  { name: "bsf zero source keeps dest", asm: "bsf eax, ebx", code: [0x0f, 0xbc, 0xc3], init: { eax: 0x1234, ebx: 0x0 }, expect: { eax: 0x1234, ebx: 0x0 }, flags: 0x44 },
  { name: "bsr", asm: "bsr eax, ebx", code: [0x0f, 0xbd, 0xc3], init: { ebx: 0xf00000 }, expect: { eax: 0x17, ebx: 0xf00000 }, flags: 0x4 },
  { name: "bsr r16", asm: "bsr ax, bx", code: [0x66, 0x0f, 0xbd, 0xc3], init: { eax: 0xffff0000, ebx: 0x8001 }, expect: { eax: 0xffff000f, ebx: 0x8001 }, flags: 0x80 },
  { name: "bsr memory", asm: "bsr ecx, [0x2000]", code: [0x0f, 0xbd, 0x0d, 0x00, 0x20, 0x00, 0x00], init: { "m0x2000": 0x1 }, expect: {  }, flags: 0x0 },
];

describe("bit test and scan", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = runCase(c);
      expect(r.regs).toEqual(r.wanted);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
