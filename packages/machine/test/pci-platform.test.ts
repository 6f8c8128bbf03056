import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEVICES, builtinRegistry, createMachine } from "../src/index.js";

const POLICIES = ["pure", "scan-patch", "pvi"] as const;
const CODE = 0x7000;

const outCf8 = (addr: number) => [0xb8, ...le32(addr), 0x66, 0xba, 0xf8, 0x0c, 0xef]; // mov eax,addr ; mov dx,0xCF8 ; out dx,eax
const inCfcTo = (slot: number) => [0x66, 0xba, 0xfc, 0x0c, 0xed, 0xa3, slot, 0x05, 0x00, 0x00]; // mov dx,0xCFC ; in eax,dx ; mov [0x5xx],eax
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

describe("the default PC's PCI platform, from guest code", () => {
  for (const policy of POLICIES) {
    it(`${policy}: IN/OUT at 0xCF8/0xCFC find the i440FX at 00:00.0 and the PIIX3 at 00:01.0, nothing at 00:02.0`, () => {
      const m = createMachine({ memory: { size: "4M" }, monitor: { policy }, maxInstructions: 100_000 }, builtinRegistry());
      const code = [
        ...outCf8(0x80000000), ...inCfcTo(0x00),
        ...outCf8(0x80000800), ...inCfcTo(0x04),
        ...outCf8(0x80001000), ...inCfcTo(0x08),
        ...[0x66, 0xba, 0xf8, 0x0c, 0xec, 0xa2, 0x0c, 0x05, 0x00, 0x00], // mov dx,0xCF8 ; in al,dx ; mov [0x50C],al
        ...[0xb0, 0x00, 0xe6, 0xf4], // mov al,0 ; out 0xF4,al: exit
        0xf4,
      ];
      m.bus.memory.writeBytes(CODE, Uint8Array.from(code));
      m.cpu.setFlat32(CODE);
      m.run();
      const dv = new DataView(m.bus.memory.ram8.buffer, 0x500, 16);
      expect([dv.getUint32(0, true), dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint8(12)]).toEqual([
        0x12378086, 0x70008086, 0xffffffff, 0xff,
      ]);
    });
  }

  it("lists both bridges among the default devices, and a machine without them has no PCI ports", () => {
    expect(DEFAULT_DEVICES).toContain("i440fx");
    expect(DEFAULT_DEVICES).toContain("piix3");
    const m = createMachine({ devices: ["pic", "pit"] }, builtinRegistry());
    expect(m.bus.ports.ownerOf(0xcf8)).toBeUndefined();
    expect(createMachine({}, builtinRegistry()).bus.ports.ownerOf(0xcfc)).toBe("i440fx");
  });
});
