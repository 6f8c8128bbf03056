import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { Cpu, RECENT_COUNT } from "../src/index.js";

function machine() {
  const bus = new Bus({ ramSize: 4 << 20 });
  bus.memory.mapRam("ram", 0, 4 << 20);
  return { bus, cpu: new Cpu(bus, new VirtualClock()) };
}

describe("recent instructions (for crash reports)", () => {
  it("remembers the linear addresses of the last instructions started, oldest first", () => {
    const { bus, cpu } = machine();
    // nop; nop; l: inc eax; jmp l
    bus.memory.ram8.set([0x90, 0x90, 0x40, 0xeb, 0xfd], 0x1000);
    cpu.setFlat32(0x1000);
    expect(cpu.recentInstructions()).toEqual([]);
    cpu.run(4);
    expect(cpu.recentInstructions()).toEqual([0x1000, 0x1001, 0x1002, 0x1003]);
    cpu.run(1000);
    const recent = cpu.recentInstructions();
    expect(recent).toHaveLength(RECENT_COUNT);
    expect(recent.at(-1)).toBe(0x1003);
    expect(recent.at(-2)).toBe(0x1002);
    cpu.reset();
    expect(cpu.recentInstructions()).toEqual([]);
  });

  it("reads linear memory through the page tables with no side effect", () => {
    const { bus, cpu } = machine();
    const mem = bus.memory;
    // Page directory at 0x10000, one page table at 0x11000 mapping linear 0x400000 -> 0x200000.
    mem.write(0x10000 + (0x400000 >>> 22) * 4, 4, 0x11000 | 0x3);
    mem.write(0x11000, 4, 0x200000 | 0x3);
    mem.ram8.set([0xde, 0xad, 0xbe, 0xef], 0x200ffe);
    cpu.setFlat32(0x1000);
    cpu.cr3 = 0x10000;
    cpu.cr0 |= 0x80000000;
    expect([...cpu.peekLinear(0x400ffe, 4)]).toEqual([0xde, 0xad]); // the next page is not mapped
    // No accessed bit was set by the peek.
    expect(mem.read(0x10004, 4) & 0x20).toBe(0);
    expect(mem.read(0x11000, 4) & 0x20).toBe(0);
    cpu.cr0 &= ~0x80000000;
    expect([...cpu.peekLinear(0x200ffe, 4)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });
});

describe("trace hook", () => {
  it("sees every instruction before it runs, REP iterations one by one, with the same results", () => {
    const { bus, cpu } = machine();
    // mov ecx,3; rep stosb; inc eax; hlt
    bus.memory.ram8.set([0xb9, 0x03, 0x00, 0x00, 0x00, 0xf3, 0xaa, 0x40, 0xf4], 0x1000);
    cpu.setFlat32(0x1000);
    cpu.setReg32(7, 0x2000);
    const seen: number[] = [];
    cpu.traceHook = (lin, eip) => {
      expect(lin).toBe(eip);
      seen.push(lin);
    };
    expect(cpu.run(100)).toEqual({ kind: "halt" });
    expect(seen).toEqual([0x1000, 0x1005, 0x1005, 0x1005, 0x1007, 0x1008]);
    expect(cpu.getReg32(0)).toBe(1);
    expect(cpu.getReg32(7)).toBe(0x2003);
  });
});
