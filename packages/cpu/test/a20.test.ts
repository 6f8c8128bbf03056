import { describe, expect, it } from "vitest";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu } from "../src/index.js";
import { STACK_TOP } from "./harness.js";

/** A flat 32-bit CPU on 2 MiB of RAM; port 0x99 closes the A20 gate on 0 and opens it otherwise. */
function machine(): { cpu: Cpu; bus: Bus; ram: Uint8Array } {
  const bus = new Bus({ ramSize: 2 << 20 });
  bus.memory.mapRam("ram", 0, 2 << 20);
  bus.ports.claim({ owner: "gate", base: 0x99, count: 1, handlers: { write8: (_o, v) => bus.memory.setA20(v !== 0) } });
  const cpu = new Cpu(bus, new VirtualClock());
  return { cpu, bus, ram: bus.memory.ram8 };
}

function runToHalt(cpu: Cpu): void {
  cpu.halted = false;
  const stop = cpu.run(10_000);
  expect(stop.kind).toBe("halt");
}

describe("the A20 gate on the CPU's memory path", () => {
  it("closed, sends a data write at 1 MiB + x to x and reads it back from there", () => {
    const m = machine();
    // mov dword [0x100010], 0x12345678 ; mov eax, [0x000010] ; hlt
    m.ram.set([0xc7, 0x05, 0x10, 0x00, 0x10, 0x00, 0x78, 0x56, 0x34, 0x12, 0xa1, 0x10, 0x00, 0x00, 0x00, 0xf4], 0x1000);
    m.bus.memory.setA20(false);
    m.cpu.setFlat32(0x1000);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x12345678);
    expect(m.ram[0x100010]).toBe(0);
  });

  it("an OUT that closes the gate drops the code decoded at 1 MiB: the same address then runs the code at 0", () => {
    const m = machine();
    m.ram.set([0xb8, 0x01, 0, 0, 0, 0xf4], 0x1000); // mov eax, 1 ; hlt
    m.ram.set([0xb8, 0x02, 0, 0, 0, 0xf4], 0x101000); // mov eax, 2 ; hlt
    // out 0x99, al ; jmp 0x101000
    const rel = 0x101000 - 0x2007;
    m.ram.set([0xe6, 0x99, 0xe9, rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, rel >>> 24], 0x2000);
    m.cpu.setFlat32(0x2000);
    m.cpu.setReg32(0, 1);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(2);
    m.cpu.eip = 0x2000;
    m.cpu.setReg32(0, 0);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1);
    expect(m.bus.memory.a20Enabled).toBe(false);
  });

  it("with the gate closed, a write through the 1 MiB alias of decoded code drops that code (self-modifying code)", () => {
    const m = machine();
    m.ram.set(
      [
        0xe8, 0x1b, 0, 0, 0, //             call 0x3020
        0x89, 0xc3, //                      mov ebx, eax
        0xc6, 0x05, 0x21, 0x30, 0x10, 0x00, 0x02, // mov byte [0x103021], 2
        0xe8, 0x0d, 0, 0, 0, //             call 0x3020
        0xf4, //                            hlt
      ],
      0x3000,
    );
    m.ram.set([0xb8, 0x01, 0, 0, 0, 0xc3], 0x3020); // mov eax, 1 ; ret
    m.bus.memory.setA20(false);
    m.cpu.setFlat32(0x3000);
    m.cpu.setReg32(4, STACK_TOP);
    runToHalt(m.cpu);
    expect([m.cpu.getReg32(3), m.cpu.getReg32(0)]).toEqual([1, 2]);
    expect(m.ram[0x103021]).toBe(0);
  });

  it("under paging, a closed gate applies to the physical address the page tables give", () => {
    const m = machine();
    // Page directory at 0x10000, one page table at 0x11000 identity-mapping the first 4 MiB,
    // except linear 0x400000 -> physical 0x105000 (an alias of 0x5000 with the gate closed).
    const w32 = (a: number, v: number) => new DataView(m.ram.buffer).setUint32(a, v >>> 0, true);
    w32(0x10000, 0x11000 | 3);
    for (let i = 0; i < 512; i++) w32(0x11000 + i * 4, (i << 12) | 3);
    w32(0x10004, 0x12000 | 3);
    w32(0x12000, 0x105000 | 3);
    m.ram[0x5000] = 0x77;
    m.ram[0x105000] = 0x99;
    // mov eax, cr0 ; or eax, 0x80000000 ; mov cr0, eax ; movzx eax, byte [0x400000] ; hlt
    m.ram.set([0x0f, 0x20, 0xc0, 0x0d, 0, 0, 0, 0x80, 0x0f, 0x22, 0xc0, 0x0f, 0xb6, 0x05, 0, 0, 0x40, 0, 0xf4], 0x1000);
    m.cpu.setFlat32(0x1000);
    m.cpu.cr3 = 0x10000;
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x99);
    m.bus.memory.setA20(false);
    m.cpu.eip = 0x100b; // the movzx again, paging still on
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x77);
  });
});
