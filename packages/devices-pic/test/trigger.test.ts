import { describe, expect, it } from "vitest";
import { biosInit, eoi, irr, setup, take } from "./helpers.js";

describe("edge and level triggering", () => {
  it("edge mode: one interrupt per rising edge, none while the line just stays high", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(4).raise();
    expect(take(pic)).toBe(0x0c);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
    expect(irr(kit, 0x20)).toBe(0x00);
    line(4).lower();
    line(4).raise();
    expect(take(pic)).toBe(0x0c);
  });

  it("edge mode: a pulse stays latched in the IRR until acknowledged (as QEMU does)", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(0).pulse();
    expect(irr(kit, 0x20)).toBe(0x01);
    expect(take(pic)).toBe(0x08);
    expect(irr(kit, 0x20)).toBe(0x00);
  });

  it("level mode via ELCR: the IRR follows the line, and a line still high after EOI interrupts again", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x4d0, 0x10);
    expect(kit.in8(0x4d0)).toBe(0x10);
    line(4).raise();
    expect(take(pic)).toBe(0x0c);
    expect(irr(kit, 0x20)).toBe(0x10);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x0c);
    line(4).lower();
    expect(irr(kit, 0x20)).toBe(0x00);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
  });

  it("level mode on the slave via ELCR2 (0x4D1)", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x4d1, 0x08); // IRQ 11
    line(11).raise();
    expect(take(pic)).toBe(0x73);
    eoi(kit, 0xa0);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x73);
    line(11).lower();
    eoi(kit, 0xa0);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
  });

  it("switching a high line to level mode makes it a request at once", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(6).raise();
    expect(take(pic)).toBe(0x0e);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
    kit.out8(0x4d0, 0x40);
    expect(take(pic)).toBe(0x0e);
  });

  it("keeps ELCR bits of IRQ 0, 1, 2, 8 and 13 read-only zero", () => {
    const { kit } = setup();
    kit.out8(0x4d0, 0xff);
    kit.out8(0x4d1, 0xff);
    expect(kit.in8(0x4d0)).toBe(0xf8);
    expect(kit.in8(0x4d1)).toBe(0xde);
    expect(kit.in16(0x4d0)).toBe(0xdef8);
    kit.out16(0x4d0, 0x0000);
    expect(kit.in16(0x4d0)).toBe(0x0000);
  });

  it("ICW1 LTIM makes every input of that chip level-triggered", () => {
    const { kit, pic, line } = setup({ elcr: false });
    kit.out8(0x20, 0x19); // LTIM, cascade, ICW4
    kit.out8(0x21, 0x08);
    kit.out8(0x21, 0x04);
    kit.out8(0x21, 0x01);
    line(1).raise();
    expect(take(pic)).toBe(0x09);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x09);
    line(1).lower();
    expect(pic.hasPendingInterrupt()).toBe(false);
  });

  it("leaves 0x4D0/0x4D1 unclaimed with elcr: false", () => {
    const { kit } = setup({ elcr: false });
    expect(kit.bus.ports.ownerOf(0x4d0)).toBeUndefined();
    expect(kit.in8(0x4d0)).toBe(0xff);
    expect(kit.bus.ports.ownerOf(0x20)).toBe("pic");
    expect(kit.bus.ports.ownerOf(0xa1)).toBe("pic");
  });
});
