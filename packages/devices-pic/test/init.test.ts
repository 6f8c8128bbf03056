import { describe, expect, it } from "vitest";
import { biosInit, irr, isr, setup, take } from "./helpers.js";

describe("initialisation", () => {
  it("is uninitialised at power-on: requests latch but INT stays low", () => {
    const { kit, pic, line } = setup();
    line(0).raise();
    expect(irr(kit, 0x20)).toBe(0x01);
    expect(kit.in8(0x21)).toBe(0x00);
    expect(pic.hasPendingInterrupt()).toBe(false);
    // OCW1 alone does not initialise the chip.
    kit.out8(0x21, 0x00);
    expect(pic.hasPendingInterrupt()).toBe(false);
  });

  it("takes the BIOS ICW sequence and delivers IRQ 0 at vector 0x08", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    expect(kit.in8(0x21)).toBe(0x00); // ICW1 clears the IMR
    expect(kit.in8(0xa1)).toBe(0x00);
    line(0).raise();
    expect(take(pic)).toBe(0x08);
    expect(isr(kit, 0x20)).toBe(0x01);
  });

  it("resets the edge sense on ICW1: a line already high must go low and high again", () => {
    const { kit, pic, line } = setup();
    line(1).raise();
    biosInit(kit);
    expect(irr(kit, 0x20)).toBe(0x00);
    expect(pic.hasPendingInterrupt()).toBe(false);
    line(1).lower();
    line(1).raise();
    expect(take(pic)).toBe(0x09);
  });

  it("delivers nothing in the middle of an ICW sequence", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x20, 0x11);
    kit.out8(0x21, 0x20);
    line(3).raise();
    expect(pic.hasPendingInterrupt()).toBe(false); // ICW3 and ICW4 still expected
    kit.out8(0x21, 0x04);
    expect(pic.hasPendingInterrupt()).toBe(false);
    kit.out8(0x21, 0x01);
    expect(take(pic)).toBe(0x23);
  });

  it("ignores the low three bits of ICW2", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x20, 0x11);
    kit.out8(0x21, 0x57);
    kit.out8(0x21, 0x04);
    kit.out8(0x21, 0x01);
    line(5).raise();
    expect(take(pic)).toBe(0x55);
  });

  it("skips ICW3 in single mode and ICW4 when ICW1 does not ask for it", () => {
    const { kit, pic, line } = setup();
    kit.out8(0x20, 0x12); // single, no ICW4
    kit.out8(0x21, 0x40); // ICW2; the sequence ends here
    kit.out8(0x21, 0x04); // so this is OCW1
    expect(kit.in8(0x21)).toBe(0x04);
    line(0).raise();
    expect(take(pic)).toBe(0x40);
    // Single mode: IR2 is an ordinary input, so a slave request arrives as master level 2.
    biosInit(kit);
    kit.out8(0x20, 0x13);
    kit.out8(0x21, 0x40);
    kit.out8(0x21, 0x01); // ICW4 right after ICW2
    expect(kit.in8(0x21)).toBe(0x00);
    line(10).raise();
    expect(take(pic)).toBe(0x42);
  });

  it("clears IMR, ISR, special mask and the register select on ICW1, and sets IR7 lowest", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x21, 0xf0);
    kit.out8(0x20, 0xc3); // set priority: IR3 lowest
    kit.out8(0x20, 0x68); // special mask mode
    line(0).raise();
    expect(take(pic)).toBe(0x08);
    kit.out8(0x20, 0x0b); // read ISR
    biosInit(kit);
    expect(kit.in8(0x21)).toBe(0x00);
    expect(kit.in8(0x20)).toBe(0x00); // IRR selected again, and empty
    expect(isr(kit, 0x20)).toBe(0x00);
    const state = pic.saveState() as { master: { specialMask: boolean; lowestPriority: number } };
    expect(state.master.specialMask).toBe(false);
    expect(state.master.lowestPriority).toBe(7);
  });

  it("reads IRR, ISR and IMR as OCW3 selects, keeping the selection until changed", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x21, 0x10);
    line(4).raise();
    line(6).raise();
    expect(kit.in8(0x20)).toBe(0x50); // IRR is selected after ICW1
    expect(take(pic)).toBe(0x0e);
    kit.out8(0x20, 0x0b);
    expect(kit.in8(0x20)).toBe(0x40);
    expect(kit.in8(0x20)).toBe(0x40);
    kit.out8(0x20, 0x08); // RR=0: no change
    expect(kit.in8(0x20)).toBe(0x40);
    kit.out8(0x20, 0x0a);
    expect(kit.in8(0x20)).toBe(0x10);
    expect(kit.in8(0x21)).toBe(0x10);
  });

  it("returns to power-on state on reset, keeping the input line levels", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(8).raise();
    expect(take(pic)).toBe(0x70);
    pic.reset();
    expect(pic.hasPendingInterrupt()).toBe(false);
    expect(isr(kit, 0x20)).toBe(0);
    expect(isr(kit, 0xa0)).toBe(0);
    const state = pic.saveState() as { lines: number; slave: { pins: number; initialised: boolean } };
    expect(state.lines).toBe(0x100);
    expect(state.slave.pins).toBe(0x01);
    expect(state.slave.initialised).toBe(false);
  });
});
