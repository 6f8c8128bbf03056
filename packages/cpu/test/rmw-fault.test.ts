import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { Cpu } from "../src/index.js";

function machine() {
  const bus = new Bus({ ramSize: 4 << 20 });
  bus.memory.mapRam("ram", 0, 4 << 20);
  return { bus, cpu: new Cpu(bus, new VirtualClock()) };
}

describe("faults of read-modify-write instructions", () => {
  it("leave EFLAGS as before the instruction when the write page-faults (SDM vol.3 §6.5)", () => {
    const { bus, cpu } = machine();
    const m = bus.memory;
    // mov cr3,eax; mov cr0,ecx; cmp eax,eax; add [0x4887],ah
    m.ram8.set([0x0f, 0x22, 0xd8, 0x0f, 0x22, 0xc1, 0x39, 0xc0, 0x00, 0x25, 0x87, 0x48, 0x00, 0x00], 0x1000);
    m.write(0xa000, 4, 0xb003); // PDE 0 -> page table at 0xB000
    m.write(0xb004, 4, 0x1003); // linear 0x1000 -> 0x1000, read/write
    m.write(0xb010, 4, 0x4001); // linear 0x4000 -> 0x4000, read-only
    m.write(0x4887, 1, 1);
    cpu.setFlat32(0x1000);
    cpu.setReg32(0, 0xa000);
    cpu.setReg32(1, 0x80010011); // PG, WP, ET, PE
    cpu.exitHook = (e) => e.vector === 14;
    expect(cpu.run(10)).toEqual({ kind: "exception", vector: 14, errorCode: 3 });
    expect(cpu.cr2 >>> 0).toBe(0x4887);
    expect(cpu.getEflags()).toBe(0x46); // CMP's flags: ZF, PF
    expect(m.read(0x4887, 1)).toBe(1);
  });
});
