import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { PciFunction } from "@ringlab/sdk";
import { pirqOf } from "../src/index.js";
import { platform } from "./helpers.js";

/** A PCI function with INTA#..INTD# at device `dev`, registered on the kit's bus. */
function intxDevice(kit: ReturnType<typeof platform>["kit"], dev: number, pin: 1 | 2 | 3 | 4 = 1) {
  const fn = new PciFunction({ vendorId: 0x1234, deviceId: 0x0001, classCode: 0xff0000, interruptPin: pin });
  kit.pci.register(`dev${dev}`, { bus: 0, device: dev, function: 0 }, fn);
  return fn;
}

describe("the PIIX3-class ISA bridge (00:01.0)", () => {
  it("has the 82371SB function 0 header: 8086:7000, class 060100, multi-function header", () => {
    const { cfgRead } = platform();
    expect(cfgRead(1, 0, 0x00)).toBe(0x70008086);
    expect(cfgRead(1, 0, 0x04)).toBe(0x02000007);
    expect(cfgRead(1, 0, 0x08) >>> 8).toBe(0x060100);
    expect(cfgRead(1, 0, 0x0c)).toBe(0x00800000);
    // Functions 1-7 (IDE, USB, ...) are not there.
    for (let f = 1; f < 8; f++) expect(cfgRead(1, f, 0x00, 2)).toBe(0xffff);
  });

  it("resets PIRQRC[A:D] to 80h, keeps bits 6:4 zero, and keeps IORT, XBCS, TOM, MBIRQ0 and DLC", () => {
    const { cfgRead, cfgWrite } = platform();
    expect(cfgRead(1, 0, 0x60)).toBe(0x80808080);
    cfgWrite(1, 0, 0x60, 0xffffffff);
    expect(cfgRead(1, 0, 0x60)).toBe(0x8f8f8f8f);
    expect([cfgRead(1, 0, 0x4c, 1), cfgRead(1, 0, 0x4e, 2), cfgRead(1, 0, 0x69, 1), cfgRead(1, 0, 0x70, 1)]).toEqual([0x4d, 0x0003, 0x02, 0x80]);
    // Linux's PIIX3 quirk: read DLC, set passive release (bit 0).
    cfgWrite(1, 0, 0x82, cfgRead(1, 0, 0x82, 1) | 1, 1);
    expect(cfgRead(1, 0, 0x82, 1)).toBe(0x01);
  });

  it("wires INTx# to PIRQs as QEMU's PC board does", () => {
    expect([pirqOf(1, 1), pirqOf(2, 1), pirqOf(3, 1), pirqOf(4, 1), pirqOf(5, 1), pirqOf(3, 2), pirqOf(3, 4)]).toEqual([0, 1, 2, 3, 0, 3, 1]);
  });

  it("routes a PCI function's INTx# to the IRQ its PIRQ register names, level-sensitive", () => {
    const { kit, cfgWrite } = platform();
    const fn = intxDevice(kit, 3); // INTA# of device 3: PIRQC#
    fn.setIntx(true);
    expect(kit.irqEvents).toEqual([]); // routing disabled at reset
    cfgWrite(1, 0, 0x62, 0x0b, 1);
    expect(kit.irqEvents.map((e) => [e.line, e.high])).toEqual([[11, true]]);
    expect(kit.bus.irqs.ownerOf(11)).toBe("piix3");
    fn.setIntx(false);
    cfgWrite(1, 0, 0x62, 0x0a, 1); // moved: IRQ 11 given back, IRQ 10 taken
    fn.setIntx(true);
    expect(kit.irqEvents.map((e) => [e.line, e.high])).toEqual([[11, true], [11, false], [10, true]]);
    expect([kit.bus.irqs.ownerOf(11), kit.bus.irqs.ownerOf(10)]).toEqual([undefined, "piix3"]);
    cfgWrite(1, 0, 0x62, 0x8a, 1); // disabled
    expect(kit.bus.irqs.level(10)).toBe(false);
  });

  it("wire-ORs functions on one PIRQ and PIRQs on one IRQ", () => {
    const { kit, cfgWrite } = platform();
    const a = intxDevice(kit, 3); // PIRQC#
    const b = intxDevice(kit, 7); // PIRQC# too ((1 - 1 + 7 - 1) & 3 = 2)
    const c = intxDevice(kit, 4); // PIRQD#
    cfgWrite(1, 0, 0x60, 0x0b0b8080);
    a.setIntx(true);
    b.setIntx(true);
    c.setIntx(true);
    a.setIntx(false);
    b.setIntx(false);
    expect(kit.bus.irqs.level(11)).toBe(true);
    c.setIntx(false);
    expect(kit.irqEvents.map((e) => [e.line, e.high])).toEqual([[11, true], [11, false]]);
  });

  it("connects nothing for reserved IRQs and for lines an ISA device owns, without throwing", () => {
    const { kit, cfgWrite, isa } = platform();
    kit.bus.irqs.claim("uart", 4);
    const fn = intxDevice(kit, 3);
    fn.setIntx(true);
    for (const irq of [0, 1, 2, 8, 13, 4]) {
      cfgWrite(1, 0, 0x62, irq, 1);
      expect(isa.router.irqOf(2)).toBeNull();
    }
    expect(kit.bus.irqs.ownerOf(4)).toBe("uart");
    expect(kit.irqEvents).toEqual([]);
    cfgWrite(1, 0, 0x62, 5, 1);
    expect(isa.router.irqOf(2)).toBe(5);
    expect(kit.bus.irqs.level(5)).toBe(true);
  });

  it("restores routes from saved state and gives its lines back on reset", () => {
    const a = platform();
    a.cfgWrite(1, 0, 0x60, 0x8080800b);
    const saved = a.isa.saveState();
    const b = platform();
    b.isa.loadState(saved);
    expect([b.isa.router.irqOf(0), b.kit.bus.irqs.ownerOf(11)]).toEqual([11, "piix3"]);
    b.isa.reset();
    expect([b.isa.router.irqOf(0), b.kit.bus.irqs.ownerOf(11)]).toEqual([null, undefined]);
  });
});
