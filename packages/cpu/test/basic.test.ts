import { describe, expect, it } from "vitest";
import { CODE, F, machine, runToHalt, status } from "./harness.js";

describe("run loop", () => {
  it("runs a counted loop to HLT and retires every instruction on the clock", () => {
    // mov ecx,10; xor eax,eax; l: add eax,ecx; dec ecx; jnz l; hlt
    const m = machine([0xb9, 0x0a, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x01, 0xc8, 0x49, 0x75, 0xfb, 0xf4]);
    const stop = m.cpu.run(1000);
    expect(stop).toEqual({ kind: "halt" });
    expect(m.cpu.getReg32(0)).toBe(55);
    expect(m.cpu.eip).toBe(CODE + 13); // after the HLT
    expect(m.clock.instructions).toBe(2 + 30 + 1);
  });

  it("stops on the budget and resumes where it stopped", () => {
    const m = machine([0xb9, 0x0a, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x01, 0xc8, 0x49, 0x75, 0xfb, 0xf4]);
    expect(m.cpu.run(5)).toEqual({ kind: "budget" });
    expect(m.clock.instructions).toBe(5);
    expect(m.cpu.eip).toBe(CODE + 7); // mov, xor, add, dec, jnz (taken): back at the add
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(55);
    expect(m.clock.instructions).toBe(33);
  });

  it("stays halted on later runs until an interrupt arrives", () => {
    const m = machine([0xf4, 0x40, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.run(10)).toEqual({ kind: "halt" });
    expect(m.cpu.getReg32(0)).toBe(0);
    expect(m.clock.instructions).toBe(1);
    m.cpu.halted = false; // a host may also wake it
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1);
  });

  it("materialises and sets EFLAGS with reserved bits forced", () => {
    const m = machine([0xf4]);
    expect(m.cpu.getEflags()).toBe(0x2);
    m.cpu.setEflags(0xffffffff);
    expect(m.cpu.getEflags()).toBe(0x003f7fd7);
    m.cpu.setEflags(0);
    expect(m.cpu.getEflags()).toBe(0x2);
    expect(status(m.cpu)).toBe(0);
    void F;
  });

  it("exposes the general registers unsigned", () => {
    const m = machine([0xf4]);
    m.cpu.setReg32(3, -1);
    expect(m.cpu.getReg32(3)).toBe(0xffffffff);
    m.cpu.setReg32(5, 0x80000000);
    expect(m.cpu.getReg32(5)).toBe(0x80000000);
  });

  it("requestStop() from inside an OUT ends the slice after that instruction", () => {
    // out 0xf4,al; inc eax; hlt
    const m = machine([0xe6, 0xf4, 0x40, 0xf4]);
    m.bus.ports.claim({ owner: "exit", base: 0xf4, count: 1, handlers: { write8: () => m.cpu.requestStop() } });
    expect(m.cpu.run(100)).toEqual({ kind: "budget" });
    expect(m.cpu.eip).toBe(CODE + 2);
    expect(m.clock.instructions).toBe(1);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1);
  });

  it("interruptsEnabled() is false inside the STI shadow and true after it", () => {
    const m = machine([0xfb, 0x90, 0x90, 0xf4]); // sti; nop; nop; hlt
    expect(m.cpu.interruptsEnabled()).toBe(false);
    m.cpu.run(1);
    expect(m.cpu.interruptsEnabled()).toBe(false); // the NOP after STI is still shadowed
    m.cpu.run(1);
    expect(m.cpu.interruptsEnabled()).toBe(true);
  });
});
