import { describe, expect, it } from "vitest";
import { type Case, runCase } from "./harness.js";

// Expected values are Unicorn 2.0.1's (QEMU) results for the same bytes and inputs; the
// bytes were assembled with nasm from `asm`.
const CASES: Case[] = [
  { name: "rep movsb forward", asm: "rep movsb", code: [0xf3, 0xa4], init: { esi: 0x2000, edi: 0x3000, ecx: 0x6, "m0x2000": 0x44332211, "m0x2004": 0x88776655 }, expect: { ecx: 0x0, esi: 0x2006, edi: 0x3006, "m0x3000": 0x44332211, "m0x3004": 0x6655 }, flags: 0x0 },
  { name: "rep movsd backward", asm: "std; rep movsd", code: [0xfd, 0xf3, 0xa5], init: { esi: 0x2004, edi: 0x3004, ecx: 0x2, "m0x2000": 0x11111111, "m0x2004": 0x22222222 }, expect: { ecx: 0x0, esi: 0x1ffc, edi: 0x2ffc, "m0x3000": 0x11111111, "m0x3004": 0x22222222 }, flags: 0x0 },
  { name: "movsw single", asm: "movsw", code: [0x66, 0xa5], init: { esi: 0x2000, edi: 0x3000, "m0x2000": 0xbeef }, expect: { esi: 0x2002, edi: 0x3002, "m0x3000": 0xbeef }, flags: 0x0 },
  { name: "rep stosd", asm: "rep stosd", code: [0xf3, 0xab], init: { eax: 0xabcdabcd, edi: 0x3000, ecx: 0x3 }, expect: { eax: 0xabcdabcd, ecx: 0x0, edi: 0x300c, "m0x3000": 0xabcdabcd, "m0x3004": 0xabcdabcd, "m0x3008": 0xabcdabcd, "m0x300c": 0x0 }, flags: 0x0 },
  { name: "rep stosb ecx zero does nothing", asm: "rep stosb", code: [0xf3, 0xaa], init: { eax: 0xff, edi: 0x3000, ecx: 0x0 }, expect: { eax: 0xff, ecx: 0x0, edi: 0x3000, "m0x3000": 0x0 }, flags: 0x0 },
  { name: "lodsb", asm: "lodsb", code: [0xac], init: { eax: 0x12345678, esi: 0x2000, "m0x2000": 0x9a }, expect: { eax: 0x1234569a, esi: 0x2001 }, flags: 0x0 },
  { name: "lodsd backward", asm: "std; lodsd", code: [0xfd, 0xad], init: { esi: 0x2000, "m0x2000": 0xcafef00d }, expect: { eax: 0xcafef00d, esi: 0x1ffc }, flags: 0x0 },
  { name: "repe cmpsb stops at mismatch", asm: "repe cmpsb", code: [0xf3, 0xa6], init: { esi: 0x2000, edi: 0x3000, ecx: 0x8, "m0x2000": 0x44332211, "m0x3000": 0x44ff2211 }, expect: { ecx: 0x5, esi: 0x2003, edi: 0x3003 }, flags: 0x11 },
  { name: "repe cmpsd all equal", asm: "repe cmpsd", code: [0xf3, 0xa7], init: { esi: 0x2000, edi: 0x3000, ecx: 0x1, "m0x2000": 0x7, "m0x3000": 0x7 }, expect: { ecx: 0x0, esi: 0x2004, edi: 0x3004 }, flags: 0x44 },
  { name: "repne scasb finds byte", asm: "repne scasb", code: [0xf2, 0xae], init: { eax: 0x33, edi: 0x3000, ecx: 0xa, "m0x3000": 0x44332211 }, expect: { eax: 0x33, ecx: 0x7, edi: 0x3003 }, flags: 0x44 },
  { name: "repne scasw not found", asm: "repne scasw", code: [0xf2, 0x66, 0xaf], init: { eax: 0x9999, edi: 0x3000, ecx: 0x2, "m0x3000": 0x44332211 }, expect: { eax: 0x9999, ecx: 0x0, edi: 0x3004 }, flags: 0x804 },
  { name: "scasd compare", asm: "scasd", code: [0xaf], init: { eax: 0x5, edi: 0x3000, "m0x3000": 0x6 }, expect: { eax: 0x5, edi: 0x3004 }, flags: 0x95 },
  { name: "movsb with segment override", asm: "es movsb", code: [0x26, 0xa4], init: { esi: 0x2000, edi: 0x3000, "m0x2000": 0x5a }, expect: { esi: 0x2001, edi: 0x3001, "m0x3000": 0x5a }, flags: 0x0 },
  { name: "rep movsb 16-bit addressing", asm: "a16 rep movsb", code: [0xf3, 0x67, 0xa4], init: { esi: 0xffff2000, edi: 0xffff3000, ecx: 0xffff0002, "m0x2000": 0x201 }, expect: { ecx: 0xffff0000, esi: 0xffff2002, edi: 0xffff3002, "m0x3000": 0x201 }, flags: 0x0 },
  { name: "f2 on movs acts as rep", asm: "db 0xf2, 0xa4", code: [0xf2, 0xa4], init: { esi: 0x2000, edi: 0x3000, ecx: 0x2, "m0x2000": 0x201 }, expect: { ecx: 0x0, esi: 0x2002, edi: 0x3002, "m0x3000": 0x201 }, flags: 0x0 },
];

describe("string instructions and REP prefixes", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = runCase(c);
      expect(r.regs).toEqual(r.wanted);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
