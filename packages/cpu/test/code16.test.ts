import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { Cpu } from "../src/index.js";
import type { Case } from "./harness.js";
import { STATUS } from "./harness.js";

// 16-bit code in real mode (CS = DS = ES = SS = 0, code at 0x1000, SP = 0x9000): 16-bit
// addressing, operand/address-size prefixes, 16-bit stack and string forms. Expected values
// are Unicorn 2.0.1's (UC_MODE_16) for the same bytes and inputs, assembled with nasm
// (bits 16) from `asm`.
const CASES: Case[] = [
  { name: "mov via [bx+si+disp]", asm: "mov ax, [bx+si+0x10]", code: [0x8b, 0x40, 0x10], init: { ebx: 0x1f00, esi: 0xf0, "m0x2000": 0xbeef }, expect: { eax: 0xbeef, ebx: 0x1f00, esi: 0xf0 }, flags: 0x0 },
  { name: "[bp+di] defaults to SS", asm: "mov ax, [bp+di]", code: [0x8b, 0x03], init: { ebp: 0x1f00, edi: 0x100, "m0x2000": 0x1234 }, expect: { eax: 0x1234, ebp: 0x1f00, edi: 0x100 }, flags: 0x0 },
  { name: "disp16 only", asm: "mov cx, [0x2000]", code: [0x8b, 0x0e, 0x00, 0x20], init: { "m0x2000": 0x4321 }, expect: { ecx: 0x4321 }, flags: 0x0 },
  { name: "[si] wraps at 64K", asm: "mov ax, [si+2]", code: [0x8b, 0x44, 0x02], init: { esi: 0xffff, "m0x0000": 0xaa0000, "m0x1": 0x7755 }, expect: { eax: 0x7755, esi: 0xffff }, flags: 0x0 },
  { name: "32-bit operand prefix", asm: "mov eax, 0x12345678; add eax, eax", code: [0x66, 0xb8, 0x78, 0x56, 0x34, 0x12, 0x66, 0x01, 0xc0], init: {  }, expect: { eax: 0x2468acf0 }, flags: 0x14 },
  { name: "32-bit addressing prefix", asm: "mov eax, [ebx+ecx*2]", code: [0x66, 0x67, 0x8b, 0x04, 0x4b], init: { ebx: 0x1000, ecx: 0x800, "m0x2000": 0xcafebabe }, expect: { eax: 0xcafebabe, ecx: 0x800, ebx: 0x1000 }, flags: 0x0 },
  { name: "push pop 16", asm: "push ax; push 0x1234; pop bx; pop cx", code: [0x50, 0x68, 0x34, 0x12, 0x5b, 0x59], init: { eax: 0xffff5678 }, expect: { eax: 0xffff5678, ecx: 0x5678, ebx: 0x1234 }, flags: 0x0 },
  { name: "call ret 16", asm: "call .f; jmp .e; .f: mov dx, 7; ret; .e:", code: [0xe8, 0x02, 0x00, 0xeb, 0x04, 0xba, 0x07, 0x00, 0xc3], init: {  }, expect: { edx: 0x7 }, flags: 0x0 },
  { name: "loop uses cx", asm: "mov cx, 3; .l: inc ax; loop .l", code: [0xb9, 0x03, 0x00, 0x40, 0xe2, 0xfd], init: { ecx: 0xffff0000 }, expect: { eax: 0x3, ecx: 0xffff0000 }, flags: 0x4 },
  { name: "jcxz", asm: "jcxz .a; mov bx, 1; .a:", code: [0xe3, 0x03, 0xbb, 0x01, 0x00], init: { ecx: 0x10000 }, expect: { ecx: 0x10000 }, flags: 0x0 },
  { name: "rep movsb si di", asm: "rep movsb", code: [0xf3, 0xa4], init: { esi: 0x2000, edi: 0x3000, ecx: 0x3, "m0x2000": 0x636261 }, expect: { ecx: 0x0, esi: 0x2003, edi: 0x3003 }, flags: 0x0 },
  { name: "pusha popa", asm: "pusha; xor ax, ax; xor bx, bx; popa", code: [0x60, 0x31, 0xc0, 0x31, 0xdb, 0x61], init: { eax: 0x1111, ebx: 0x2222 }, expect: { eax: 0x1111, ebx: 0x2222 }, flags: 0x44 },
  { name: "enter leave 16", asm: "enter 4, 0; mov word [bp-2], 5; leave", code: [0xc8, 0x04, 0x00, 0x00, 0xc7, 0x46, 0xfe, 0x05, 0x00, 0xc9], init: { ebp: 0x1234 }, expect: { ebp: 0x1234 }, flags: 0x0 },
  { name: "xlat bx", asm: "xlatb", code: [0xd7], init: { eax: 0x2, ebx: 0x2000, "m0x2000": 0x44332211 }, expect: { eax: 0x33, ebx: 0x2000 }, flags: 0x0 },
  { name: "lea 16", asm: "lea ax, [bx+di+0x7fff]", code: [0x8d, 0x81, 0xff, 0x7f], init: { ebx: 0x8000, edi: 0x8000 }, expect: { eax: 0x7fff, ebx: 0x8000, edi: 0x8000 }, flags: 0x0 },
  { name: "mul 16", asm: "mul bx", code: [0xf7, 0xe3], init: { eax: 0x1234, ebx: 0x5678 }, expect: { eax: 0x60, edx: 0x626, ebx: 0x5678 }, flags: 0x805 },
  { name: "div 16", asm: "div bx", code: [0xf7, 0xf3], init: { eax: 0x5678, edx: 0x1234, ebx: 0x4321 }, expect: { eax: 0x456c, edx: 0x1f8c, ebx: 0x4321 }, flags: 0x0 },
  { name: "cwd cbw", asm: "cbw; cwd", code: [0x98, 0x99], init: { eax: 0x80 }, expect: { eax: 0xff80, edx: 0xffff }, flags: 0x0 },
  { name: "pushf popf 16", asm: "stc; pushf; pop ax; push 0; popf", code: [0xf9, 0x9c, 0x58, 0x6a, 0x00, 0x9d], init: {  }, expect: { eax: 0x3 }, flags: 0x0 },
  { name: "segment arithmetic", asm: "mov ax, 0x100; mov ds, ax; mov bx, [0x10]", code: [0xb8, 0x00, 0x01, 0x8e, 0xd8, 0x8b, 0x1e, 0x10, 0x00], init: { "m0x1010": 0x9876 }, expect: { eax: 0x100, ebx: 0x9876 }, flags: 0x0 },
  { name: "les", asm: "les bx, [0x2000]", code: [0xc4, 0x1e, 0x00, 0x20], init: { "m0x2000": 0x201234 }, expect: { ebx: 0x1234 }, flags: 0x0 },
  { name: "shift 16 by cl", asm: "shl ax, cl", code: [0xd3, 0xe0], init: { eax: 0x8001, ecx: 0x1 }, expect: { eax: 0x2, ecx: 0x1 }, flags: 0x801 },
];

const REG_INDEX: Record<string, number> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 };

function rd32(ram: Uint8Array, a: number): number {
  return (ram[a]! | (ram[a + 1]! << 8) | (ram[a + 2]! << 16) | (ram[a + 3]! << 24)) >>> 0;
}

function run16(c: Case): { regs: Record<string, number>; flags: number } {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const ram = bus.memory.ram8;
  const cpu = new Cpu(bus, new VirtualClock()); // power-on: real mode
  ram.set([...c.code, 0xf4], 0x1000);
  cpu.segSel[1] = 0;
  cpu.segBase[1] = 0;
  cpu.eip = 0x1000;
  for (let r = 0; r < 8; r++) cpu.setReg32(r, 0);
  cpu.setReg32(4, 0x9000);
  for (const [k, v] of Object.entries(c.init)) {
    if (k === "eflags") cpu.setEflags(v);
    else if (k.startsWith("m")) {
      const a = Number(k.slice(1));
      ram.set([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24], a);
    } else cpu.setReg32(REG_INDEX[k]!, v);
  }
  const stop = cpu.run(10_000);
  if (stop.kind !== "halt") throw new Error(`expected halt, got ${JSON.stringify(stop)}`);
  const regs: Record<string, number> = {};
  for (const k of Object.keys(c.expect)) regs[k] = k.startsWith("m") ? rd32(ram, Number(k.slice(1))) : cpu.getReg32(REG_INDEX[k]!);
  return { regs, flags: cpu.getEflags() & STATUS };
}

describe("16-bit code (real mode)", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.asm}`, () => {
      const r = run16(c);
      expect(r.regs).toEqual(c.expect);
      expect(r.flags.toString(16)).toBe(c.flags.toString(16));
    });
  }
});
