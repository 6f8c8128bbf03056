import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { prng } from "@ringlab/sdk/testing";
import { platform } from "./helpers.js";

describe("PCI configuration mechanism #1 (0xCF8/0xCFC)", () => {
  it("latches CONFIG_ADDRESS on DWORD writes only, with reserved bits 30:24 and 1:0 reading 0", () => {
    const { kit } = platform();
    expect(kit.in32(0xcf8)).toBe(0);
    kit.out32(0xcf8, 0xffffffff);
    expect(kit.in32(0xcf8)).toBe(0x80fffffc);
    kit.out32(0xcf8, 0x80000000);
    expect(kit.in32(0xcf8)).toBe(0x80000000);
    // PCI 3.0 §3.2.2.3.2: byte and word accesses are ordinary I/O, not CONFIG_ADDRESS.
    kit.out8(0xcf8, 0x00);
    kit.out8(0xcfb, 0x12);
    kit.out16(0xcfa, 0x1234);
    expect(kit.in32(0xcf8)).toBe(0x80000000);
    expect([kit.in8(0xcf8), kit.in8(0xcf9), kit.in16(0xcf8), kit.in16(0xcfa)]).toEqual([0xff, 0xff, 0xffff, 0xffff]);
  });

  it("reads as no mechanism #2: the CSE byte at 0xCF8 and the forward register at 0xCFA do not read back 0", () => {
    const { kit } = platform();
    // Linux's pci_check_type2: write 0 to both, expect both to read 0 if mechanism #2 exists.
    kit.out8(0xcf8, 0x00);
    kit.out8(0xcfb, 0x00);
    kit.out8(0xcfa, 0x00);
    expect([kit.in8(0xcf8), kit.in8(0xcfa)]).toEqual([0xff, 0xff]);
    // And mechanism #2's config window 0xC000-0xCFFF answers nothing.
    expect(kit.in32(0xc000)).toBe(0xffffffff);
  });

  it("reads the host bridge and the ISA bridge by dword, word and byte at 0xCFC-0xCFF", () => {
    const { kit, addr, cfgRead } = platform();
    expect(cfgRead(0, 0, 0)).toBe(0x12378086);
    expect(cfgRead(1, 0, 0)).toBe(0x70008086);
    kit.out32(0xcf8, addr(0, 0, 0x08));
    expect([kit.in32(0xcfc), kit.in8(0xcfc), kit.in8(0xcfd), kit.in16(0xcfe), kit.in8(0xcff), kit.in16(0xcfd)]).toEqual([
      0x06000002, 0x02, 0x00, 0x0600, 0x06, 0x0000,
    ]);
    expect(cfgRead(1, 0, 0x0e, 1)).toBe(0x80);
    expect(cfgRead(1, 0, 0x0a, 2)).toBe(0x0601);
  });

  it("answers all-ones for absent devices, functions and buses, and drops writes to them", () => {
    const { kit, cfgRead, cfgWrite } = platform();
    expect(cfgRead(2, 0, 0)).toBe(0xffffffff);
    expect(cfgRead(0, 1, 0)).toBe(0xffffffff);
    expect(cfgRead(31, 7, 0, 2)).toBe(0xffff);
    kit.out32(0xcf8, 0x80010000); // bus 1
    expect(kit.in32(0xcfc)).toBe(0xffffffff);
    cfgWrite(2, 0, 0x04, 0xffffffff);
    expect(cfgRead(2, 0, 0x04)).toBe(0xffffffff);
  });

  it("treats CONFIG_DATA as ordinary (unclaimed) I/O while the enable bit is clear", () => {
    const { kit, cfgRead } = platform();
    kit.out32(0xcf8, 0x00000000);
    expect(kit.in32(0xcfc)).toBe(0xffffffff);
    kit.out32(0xcfc, 0x12345678); // not a config write to 00:00.0 register 0
    expect(cfgRead(0, 0, 0)).toBe(0x12378086);
  });

  it("writes registers through byte lanes 0xCFC-0xCFF", () => {
    const { kit, addr, cfgRead } = platform();
    kit.out32(0xcf8, addr(1, 0, 0x60));
    kit.out8(0xcfd, 0x0a); // PIRQB#
    kit.out16(0xcfe, 0x0b0b); // PIRQC#, PIRQD#
    expect(cfgRead(1, 0, 0x60)).toBe(0x0b0b0a80);
  });

  it("splits a word at 0xCFF and a dword at 0xCF9: the bytes past the register go to the next port", () => {
    const { kit, addr } = platform();
    kit.bus.ports.claim({ owner: "probe", base: 0xd00, count: 1, handlers: { read8: () => 0x5a } });
    kit.out32(0xcf8, addr(0, 0, 0x00));
    expect(kit.in16(0xcff)).toBe(0x5a12);
    expect(kit.in32(0xcf9)).toBe(0x86ffffff);
  });

  it("survives any port sequence and keeps answering the host bridge's ID", () => {
    const { kit, cfgRead } = platform();
    const rnd = prng(0xcf8);
    for (let i = 0; i < 20000; i++) {
      const port = 0xcf8 + Math.floor(rnd() * 8);
      const v = Math.floor(rnd() * 2 ** 32);
      const w = [1, 2, 4][Math.floor(rnd() * 3)] as 1 | 2 | 4;
      if (rnd() < 0.5) kit.bus.ports.write(port, w, v);
      else kit.bus.ports.read(port, w);
    }
    expect(cfgRead(0, 0, 0)).toBe(0x12378086);
    expect(cfgRead(1, 0, 0)).toBe(0x70008086);
  });
});
