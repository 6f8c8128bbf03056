import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { platform } from "./helpers.js";

describe("the i440FX-class host bridge (00:00.0)", () => {
  it("has the 82441FX's header: 8086:1237 rev 02, class 060000, single function, no BARs or interrupt", () => {
    const { cfgRead } = platform();
    expect(cfgRead(0, 0, 0x00)).toBe(0x12378086);
    expect(cfgRead(0, 0, 0x04)).toBe(0x02800006);
    expect(cfgRead(0, 0, 0x08)).toBe(0x06000002);
    expect(cfgRead(0, 0, 0x0e, 1)).toBe(0x00);
    for (let bar = 0x10; bar < 0x28; bar += 4) expect(cfgRead(0, 0, bar)).toBe(0);
    expect(cfgRead(0, 0, 0x3c)).toBe(0);
  });

  it("keeps memory access and bus master on and only SERR#/parity writable in PCICMD", () => {
    const { cfgRead, cfgWrite } = platform();
    cfgWrite(0, 0, 0x04, 0x0000, 2);
    expect(cfgRead(0, 0, 0x04, 2)).toBe(0x0006);
    cfgWrite(0, 0, 0x04, 0xffff, 2);
    expect(cfgRead(0, 0, 0x04, 2)).toBe(0x0146);
  });

  it("stores PAM0-PAM6 with their writable bits, DRB0-7 and SMRAM, and resets them", () => {
    const { host, cfgRead, cfgWrite } = platform();
    expect(cfgRead(0, 0, 0x58)).toBe(0x00000000 | 0);
    for (let r = 0x59; r <= 0x5f; r++) cfgWrite(0, 0, r, 0xff, 1);
    expect(host.pam()).toEqual([0x30, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33]);
    expect(cfgRead(0, 0, 0x58)).toBe(0x33333000);
    expect(cfgRead(0, 0, 0x60)).toBe(0x01010101);
    expect(cfgRead(0, 0, 0x72, 1)).toBe(0x02);
    cfgWrite(0, 0, 0x72, 0xff, 1);
    expect(cfgRead(0, 0, 0x72, 1)).toBe(0x7a);
    host.reset();
    expect([host.pam(), cfgRead(0, 0, 0x72, 1)]).toEqual([[0, 0, 0, 0, 0, 0, 0], 0x02]);
    expect(cfgRead(0, 0, 0x44)).toBe(0); // undefined registers read 0
  });

  it("does not remap memory through PAM: 0xC0000-0xFFFFF stays as the machine built it", () => {
    const { kit, cfgWrite } = platform({ ramSize: 1 << 20 });
    kit.write(0xf0000, 0x42);
    cfgWrite(0, 0, 0x59, 0x00, 1); // PAM0: "DRAM disabled" would send reads to PCI on real hardware
    expect(kit.read(0xf0000)).toBe(0x42);
  });

  it("saves and restores the latched address and the config space", () => {
    const a = platform();
    a.cfgWrite(0, 0, 0x5a, 0x31, 1);
    a.kit.out32(0xcf8, a.addr(1, 0, 0x00));
    const saved = a.host.saveState();
    const b = platform();
    b.host.loadState(saved);
    expect(b.kit.in32(0xcfc)).toBe(0x70008086);
    expect(b.host.pam()[1]).toBe(0x31);
    expect(() => b.host.loadState({ address: -1, config: null })).toThrow("i440fx state: field 'address': expected a whole number from 0 to 4294967295, got -1");
    expect(() => b.host.loadState({ address: 0, config: null })).toThrow(/^i440fx state: field 'config': /);
    expect(() => b.host.loadState({ ...(saved as object), extra: 1 })).toThrow("i440fx state: unknown field 'extra'");
  });
});
