import { describe, expect, it } from "vitest";
import { runToHalt, type TestMachine } from "./harness.js";
import { dwords, firstEvent, gate, HANDLER, pm, RING0_STACK, SEL } from "./pm-harness.js";

/**
 * Virtual-8086 mode (SDM vol.3 ch.20): IRETD from CPL 0 into it, real-mode addressing at
 * CPL 3, the IOPL-sensitive instructions, and interrupts back to ring 0 with the data
 * segment registers saved on the ring-0 stack and nulled.
 */

const VM = 0x20000;
const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

/**
 * Ring 0 IRETDs to V86 at 0200:0000 (linear 0x2000, where pm() puts the "ring3" code) with SS:SP = 0000:6000,
 * ES/DS/FS/GS = 0100/0110/0120/0130 and EFLAGS = VM | IF | IOPL `iopl`.
 */
function v86(code16: number[], iopl = 0): TestMachine {
  // push 0x130; push 0x120; push 0x110; push 0x100; push 0; push 0x6000; push <eflags>;
  // push 0x200; push 0; iretd
  const flags = 0x20202 | (iopl << 12);
  const enter = [
    0x68, 0x30, 0x01, 0x00, 0x00, 0x68, 0x20, 0x01, 0x00, 0x00, 0x68, 0x10, 0x01, 0x00, 0x00, 0x68, 0x00, 0x01, 0x00,
    0x00, 0x6a, 0x00, 0x68, 0x00, 0x60, 0x00, 0x00, 0x68, flags & 0xff, (flags >> 8) & 0xff, (flags >> 16) & 0xff, 0x00,
    0x68, 0x00, 0x02, 0x00, 0x00, 0x6a, 0x00, 0xcf,
  ];
  const m = pm(enter, code16);
  m.cpu.run(10);
  return m;
}

describe("virtual-8086 mode", () => {
  it("IRETD at CPL 0 with VM=1 enters it: real-mode segments, CPL 3, 16-bit code", () => {
    const m = v86([0xa1, 0x10, 0x00]); // mov ax,[0x10]
    const c = m.cpu;
    expect(c.getEflags() & VM).toBe(VM);
    expect(c.cpl).toBe(3);
    expect([c.segSel[CS], c.segBase[CS], c.eip]).toEqual([0x200, 0x2000, 0]);
    expect([c.segSel[SS], c.getReg32(4)]).toEqual([0, 0x6000]);
    expect([c.segBase[ES], c.segBase[DS], c.segBase[FS], c.segBase[GS]]).toEqual([0x1000, 0x1100, 0x1200, 0x1300]);
    m.ram[0x1110] = 0x34;
    m.ram[0x1111] = 0x12;
    c.run(1);
    expect(c.getReg32(0) & 0xffff).toBe(0x1234);
  });

  it("INT n with IOPL < 3 is #GP(0), delivered to ring 0 with the V86 segments on the stack", () => {
    const m = v86([0xcd, 0x80]);
    gate(m, 13, SEL.code0, HANDLER);
    gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
    runToHalt(m.cpu);
    const c = m.cpu;
    expect(c.cpl).toBe(0);
    expect(c.getEflags() & VM).toBe(0);
    expect(c.getReg32(4)).toBe(RING0_STACK - 40);
    expect(dwords(m, RING0_STACK - 40, 10)).toEqual([0, 0, 0x200, 0x20202, 0x6000, 0, 0x100, 0x110, 0x120, 0x130]);
    expect([c.segSel[ES], c.segSel[DS], c.segSel[FS], c.segSel[GS]]).toEqual([0, 0, 0, 0]);
  });

  it("INT n with IOPL 3 goes through the gate; IRETD back restores every segment", () => {
    const m = v86([0xcd, 0x80, 0x90], 3);
    gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
    m.ram[HANDLER] = 0xcf; // iretd
    m.cpu.run(1);
    expect(dwords(m, RING0_STACK - 36, 9)).toEqual([2, 0x200, 0x23202, 0x6000, 0, 0x100, 0x110, 0x120, 0x130]);
    m.cpu.run(1);
    const c = m.cpu;
    expect(c.getEflags() & VM).toBe(VM);
    expect([c.segSel[DS], c.segBase[DS], c.eip, c.cpl]).toEqual([0x110, 0x1100, 2, 3]);
  });

  it("CLI, POPF and IRET are #GP(0) with IOPL < 3; INT3 is not IOPL-sensitive", () => {
    for (const code of [[0xfa], [0x9d], [0xcf]]) {
      const m = v86(code);
      expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0 });
    }
    const m = v86([0xcc]);
    gate(m, 3, SEL.code0, HANDLER, 0xe, 3);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(RING0_STACK - 36);
  });

  it("an interrupt gate to non-ring-0 code is #GP(selector)", () => {
    const m = v86([0xcd, 0x80], 3);
    gate(m, 0x80, SEL.code3, 0x2100, 0xe, 3);
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0x18 });
  });

  it("far JMP works real-mode style; I/O goes through the TSS bitmap", () => {
    const m = v86([0xea, 0x10, 0x00, 0x00, 0x03]); // jmp 0300:0010
    m.cpu.run(1);
    expect([m.cpu.segSel[CS], m.cpu.segBase[CS], m.cpu.eip]).toEqual([0x300, 0x3000, 0x10]);
    const io = v86([0xe4, 0x80, 0xe4, 0x88]); // in al,0x80 (allowed); in al,0x88 (denied)
    expect(firstEvent(io)).toMatchObject({ vector: 13, errorCode: 0, eip: 2 });
  });
});
