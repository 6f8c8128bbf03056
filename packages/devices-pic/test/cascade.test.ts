import { describe, expect, it } from "vitest";
import { biosInit, eoi, irr, isr, setup, take } from "./helpers.js";

describe("cascade", () => {
  it("delivers slave IRQ 10 through master IR2 at vector 0x72, needing an EOI on both chips", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(10).raise();
    expect(irr(kit, 0xa0)).toBe(0x04);
    expect(irr(kit, 0x20)).toBe(0x04);
    expect(take(pic)).toBe(0x72);
    expect(isr(kit, 0xa0)).toBe(0x04);
    expect(isr(kit, 0x20)).toBe(0x04);
    // Master IR3 is locked out by IR2 in service until the master gets its EOI.
    line(3).raise();
    eoi(kit, 0xa0);
    expect(take(pic)).toBeUndefined();
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x0b);
  });

  it("serves two slave requests one after the other as the slave's INT drops and rises again", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(12).raise();
    line(9).raise();
    expect(take(pic)).toBe(0x71);
    expect(take(pic)).toBeUndefined();
    eoi(kit, 0xa0);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x74);
    eoi(kit, 0xa0);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
  });

  it("masks slave lines in the slave's IMR and the whole slave in master IMR bit 2", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0xa1, 0x01);
    line(8).raise();
    expect(take(pic)).toBeUndefined();
    kit.out8(0x21, 0x04);
    kit.out8(0xa1, 0x00);
    expect(take(pic)).toBeUndefined();
    kit.out8(0x21, 0x00);
    expect(take(pic)).toBe(0x70);
  });

  it("routes bus IRQ 2 to slave IR1 (the AT's IRQ 2/9 pin), vector 0x71", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(2).raise();
    expect(irr(kit, 0xa0)).toBe(0x02);
    expect(take(pic)).toBe(0x71);
  });

  it("keeps a slave request out while the cascade is in service, unless the master is in special fully nested mode", () => {
    const normal = setup();
    biosInit(normal.kit);
    normal.line(11).raise();
    expect(take(normal.pic)).toBe(0x73);
    normal.line(9).raise(); // higher than IRQ 11 inside the slave
    expect(take(normal.pic)).toBeUndefined();

    const sfnm = setup();
    biosInit(sfnm.kit, 0x11); // master ICW4: SFNM + 8086 mode
    sfnm.line(11).raise();
    expect(take(sfnm.pic)).toBe(0x73);
    sfnm.line(9).raise();
    expect(take(sfnm.pic)).toBe(0x71);
    expect(isr(sfnm.kit, 0xa0)).toBe(0x0a);
    // Master levels below the cascade input stay locked out.
    sfnm.line(5).raise();
    expect(take(sfnm.pic)).toBeUndefined();
    // A lower request inside the slave is locked out by the slave's own ISR.
    sfnm.line(14).raise();
    expect(take(sfnm.pic)).toBeUndefined();
    // Datasheet SFNM exit: EOI the slave, and the master only when the slave's ISR is empty.
    eoi(sfnm.kit, 0xa0);
    expect(isr(sfnm.kit, 0xa0)).toBe(0x08);
    eoi(sfnm.kit, 0xa0);
    expect(isr(sfnm.kit, 0xa0)).toBe(0x00);
    // IRQ 14 now raises the slave's INT again, and IR2 is still in service: allowed in SFNM.
    expect(take(sfnm.pic)).toBe(0x76);
  });

  it("gives vector 0xFF when the master's ICW3 names a cascade input whose slave ID does not match", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0xa0, 0x11);
    kit.out8(0xa1, 0x70);
    kit.out8(0xa1, 0x03); // slave thinks it is on IR3
    kit.out8(0xa1, 0x01);
    line(8).raise();
    expect(take(pic)).toBe(0xff);
    expect(isr(kit, 0x20)).toBe(0x04);
    expect(isr(kit, 0xa0)).toBe(0x00);
  });

  it("treats IR2 as a plain input when the master's ICW3 has no slave there", () => {
    const { kit, pic, line } = setup();
    kit.out8(0x20, 0x11);
    kit.out8(0x21, 0x08);
    kit.out8(0x21, 0x00); // no slaves
    kit.out8(0x21, 0x01);
    kit.out8(0xa0, 0x11);
    kit.out8(0xa1, 0x70);
    kit.out8(0xa1, 0x02);
    kit.out8(0xa1, 0x01);
    line(15).raise();
    expect(take(pic)).toBe(0x0a);
    expect(isr(kit, 0xa0)).toBe(0x00);
  });

  it("runs AEOI on the master with a normal-EOI slave", () => {
    const { kit, pic, line } = setup();
    biosInit(kit, 0x03, 0x01);
    line(10).raise();
    expect(take(pic)).toBe(0x72);
    expect(isr(kit, 0x20)).toBe(0x00);
    expect(isr(kit, 0xa0)).toBe(0x04);
    eoi(kit, 0xa0);
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
  });
});

describe("spurious interrupts", () => {
  it("gives master IR7 (vector base+7, no ISR bit) when a level request goes away before INTA", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x4d0, 0x20); // IRQ 5 level-triggered
    line(5).raise();
    expect(pic.hasPendingInterrupt()).toBe(true);
    line(5).lower();
    expect(pic.acknowledge()).toBe(0x0f);
    expect(isr(kit, 0x20)).toBe(0x00);
  });

  it("gives master IR7 when the request is masked between INTR and INTA", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(4).raise();
    expect(pic.hasPendingInterrupt()).toBe(true);
    kit.out8(0x21, 0x10);
    expect(pic.acknowledge()).toBe(0x0f);
    expect(isr(kit, 0x20)).toBe(0x00);
    expect(irr(kit, 0x20)).toBe(0x10); // the request itself is still latched
    kit.out8(0x21, 0x00);
    expect(take(pic)).toBe(0x0c);
  });

  it("tells a real IR7 from a spurious one by the ISR bit", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(7).raise();
    expect(take(pic)).toBe(0x0f);
    expect(isr(kit, 0x20)).toBe(0x80);
  });

  it("gives slave IR7 (vector 0x77) for a vanished slave request, with master ISR bit 2 set for the cascade", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x4d1, 0x04); // IRQ 10 level-triggered
    line(10).raise();
    expect(pic.hasPendingInterrupt()).toBe(true);
    line(10).lower();
    // The master latched the slave INT's rising edge on IR2, so INTR is still high.
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x77);
    expect(isr(kit, 0xa0)).toBe(0x00);
    expect(isr(kit, 0x20)).toBe(0x04);
    eoi(kit, 0x20);
    expect(pic.hasPendingInterrupt()).toBe(false);
  });

  it("returns master base+7 when acknowledged with nothing pending, even uninitialised", () => {
    const { kit, pic } = setup();
    expect(pic.acknowledge()).toBe(0x07);
    biosInit(kit);
    expect(pic.acknowledge()).toBe(0x0f);
  });
});
