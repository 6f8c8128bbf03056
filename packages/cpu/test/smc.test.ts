import { describe, expect, it } from "vitest";
import { CODE, machine, runToHalt } from "./harness.js";

describe("decoded-instruction cache", () => {
  it("a store into already-executed code is seen on the next pass (self-modifying code)", () => {
    // mov ecx,2; l: mov eax,1; mov byte [l+1],5; dec ecx; jnz l; hlt
    const m = machine([0xb9, 0x02, 0, 0, 0, 0xb8, 0x01, 0, 0, 0, 0xc6, 0x05, 0x06, 0x10, 0, 0, 0x05, 0x49, 0x75, 0xf1, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(5);
  });

  it("a store into the very next instruction takes effect immediately", () => {
    // mov ecx,2; l: mov byte [n+1],cl; n: mov al,0xff; add bl,al; dec ecx; jnz l; hlt
    const m = machine([0xb9, 0x02, 0, 0, 0, 0x88, 0x0d, 0x0c, 0x10, 0, 0, 0xb0, 0xff, 0x00, 0xc3, 0x49, 0x75, 0xf3, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(3); // 2 then 1, never the original 0xff
  });

  it("a REP STOS over the code that follows it", () => {
    // mov edi,t; mov ecx,5; mov al,0x90; rep stosb; t: inc edx x5; hlt  -> the INCs become NOPs
    const m = machine([0xbf, 0x11, 0x10, 0, 0, 0xb9, 0x05, 0, 0, 0, 0xb0, 0x90, 0xf3, 0xaa, 0x90, 0x90, 0x90, 0x42, 0x42, 0x42, 0x42, 0x42, 0xf4]);
    m.ram[CODE + 14] = 0x42; // one INC before t survives
    m.cpu.setReg32(2, 0);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(1);
  });

  it("host writes need flushCodeCache(), which drops every decoded instruction", () => {
    const m = machine([0x40, 0xf4]); // inc eax; hlt
    runToHalt(m.cpu);
    m.ram[CODE] = 0x48; // dec eax, written behind the CPU's back
    m.cpu.flushCodeCache();
    m.cpu.eip = CODE;
    m.cpu.halted = false;
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0);
  });

  it("an instruction crossing a page boundary executes (and is re-read each time)", () => {
    const at = 0x2ffd; // mov eax,imm32 spans 0x2ffd..0x3001
    const m = machine([0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4], at);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x12345678);
    m.ram[0x3000] = 0x99;
    m.cpu.eip = at;
    m.cpu.halted = false;
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x12995678);
  });

  it("code in an MMIO page executes through the slow path", () => {
    const m = machine([0xe9, 0xfb, 0xef, 0x0f, 0x00]); // jmp 0x100000
    const rom = [0xb8, 0x21, 0x43, 0x00, 0x00, 0xf4];
    m.bus.memory.mapMmio("rom-like", 0x100000, 0x1000, { read8: (o) => rom[o] ?? 0xf4 });
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x4321);
  });

  it("data written in the same page as code, away from it, does not drop the decoded code", () => {
    // mov ecx,100; l: mov [0x1800],ecx; dec ecx; jnz l; hlt  (code at 0x1000, data at 0x1800)
    const m = machine([0xb9, 0x64, 0x00, 0x00, 0x00, 0x89, 0x0d, 0x00, 0x18, 0x00, 0x00, 0x49, 0x75, 0xf7, 0xf4]);
    runToHalt(m.cpu);
    expect(m.ram[0x1800]).toBe(1);
    expect(m.cpu.code.invalidations).toBe(0);
  });
});
