import { describe, expect, it } from "vitest";
import { highestPriorityLevel, priorityRank } from "../src/priority.js";
import { biosInit, eoi, irr, isr, setup, take } from "./helpers.js";

describe("priority order", () => {
  it("ranks levels circularly after the lowest-priority one", () => {
    expect([0, 1, 7].map((l) => priorityRank(l, 7))).toEqual([0, 1, 7]);
    expect([4, 5, 3].map((l) => priorityRank(l, 3))).toEqual([0, 1, 7]);
    expect(highestPriorityLevel(0x00, 7)).toBe(-1);
    expect(highestPriorityLevel(0x81, 7)).toBe(0);
    expect(highestPriorityLevel(0x81, 0)).toBe(7);
    expect(highestPriorityLevel(0x0a, 1)).toBe(3);
    expect(highestPriorityLevel(0x0a, 4)).toBe(1);
  });
});

describe("priority, masking and EOI", () => {
  it("serves the lowest-numbered request first (IR0 highest after init)", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(6).raise();
    line(3).raise();
    line(4).raise();
    expect(irr(kit, 0x20)).toBe(0x58);
    const order: number[] = [];
    for (let i = 0; i < 3; i++) {
      order.push(take(pic)!);
      eoi(kit, 0x20);
    }
    expect(order).toEqual([0x0b, 0x0c, 0x0e]);
    expect(take(pic)).toBeUndefined();
    expect(irr(kit, 0x20)).toBe(0);
    expect(isr(kit, 0x20)).toBe(0);
  });

  it("holds masked requests in the IRR and delivers them when unmasked", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x21, 0x02);
    line(1).raise();
    expect(pic.hasPendingInterrupt()).toBe(false);
    expect(irr(kit, 0x20)).toBe(0x02);
    line(5).raise();
    expect(take(pic)).toBe(0x0d);
    eoi(kit, 0x20);
    expect(take(pic)).toBeUndefined();
    kit.out8(0x21, 0x00);
    expect(take(pic)).toBe(0x09);
  });

  it("clears the highest in-service level with a non-specific EOI and a given one with a specific EOI", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(5).raise();
    expect(take(pic)).toBe(0x0d);
    line(3).raise();
    expect(take(pic)).toBe(0x0b); // IR3 interrupts the IR5 handler
    expect(isr(kit, 0x20)).toBe(0x28);
    kit.out8(0x20, 0x65); // specific EOI for IR5
    expect(isr(kit, 0x20)).toBe(0x08);
    line(4).raise();
    expect(take(pic)).toBeUndefined(); // IR3 still in service locks out IR4
    eoi(kit, 0x20);
    expect(isr(kit, 0x20)).toBe(0x00);
    expect(take(pic)).toBe(0x0c);
  });

  it("nests: a higher level interrupts a lower one in service, a lower or equal one waits", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(4).raise();
    expect(take(pic)).toBe(0x0c);
    line(6).raise();
    expect(take(pic)).toBeUndefined();
    line(4).lower();
    line(4).raise(); // same level again: waits in the IRR
    expect(take(pic)).toBeUndefined();
    line(1).raise();
    expect(take(pic)).toBe(0x09);
    expect(isr(kit, 0x20)).toBe(0x12);
    eoi(kit, 0x20); // ends IR1
    expect(isr(kit, 0x20)).toBe(0x10);
    expect(take(pic)).toBeUndefined();
    eoi(kit, 0x20); // ends IR4
    expect(take(pic)).toBe(0x0c);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x0e);
  });

  it("does nothing on EOI with nothing in service and on the OCW2 no-op", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    eoi(kit, 0x20);
    kit.out8(0x20, 0x60);
    line(2 + 5).raise();
    expect(take(pic)).toBe(0x0f);
    kit.out8(0x20, 0x47); // no operation, whatever L2-L0 says
    expect(isr(kit, 0x20)).toBe(0x80);
  });
});

describe("automatic EOI", () => {
  it("leaves no ISR bit set, so an equal or lower level can interrupt at once", () => {
    const { kit, pic, line } = setup();
    biosInit(kit, 0x03); // master: 8086 mode + AEOI
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
    expect(isr(kit, 0x20)).toBe(0x00);
    line(5).raise();
    expect(take(pic)).toBe(0x0d);
    line(3).lower();
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
    expect(isr(kit, 0x20)).toBe(0x00);
  });
});

describe("rotation", () => {
  it("rotate on non-specific EOI makes the level just served the lowest (equal-priority devices)", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(1).raise();
    line(4).raise();
    expect(take(pic)).toBe(0x09);
    kit.out8(0x20, 0xa0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
    line(1).lower();
    line(1).raise();
    line(0).raise();
    // Priority now 2,3,4,5,6,7,0,1: IR4 before IR0 before IR1.
    expect(take(pic)).toBe(0x0c);
    kit.out8(0x20, 0xa0); // IR4 lowest: 5,6,7,0,1,2,3,4
    expect(take(pic)).toBe(0x08);
    kit.out8(0x20, 0xa0); // IR0 lowest: 1 is highest
    expect(take(pic)).toBe(0x09);
    kit.out8(0x20, 0xa0);
    expect(take(pic)).toBeUndefined();
  });

  it("set priority (OCW2 0xC0|L) makes level L the lowest", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x20, 0xc4); // IR4 lowest, IR5 highest
    line(0).raise();
    line(6).raise();
    line(4).raise();
    expect(take(pic)).toBe(0x0e);
    // In service IR6 (rank 1): IR0 (rank 3) and IR4 (rank 7) both wait.
    expect(take(pic)).toBeUndefined();
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x08);
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x0c);
  });

  it("rotate on specific EOI clears level L and makes it the lowest", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
    kit.out8(0x20, 0xe3);
    expect(isr(kit, 0x20)).toBe(0x00);
    line(3).lower();
    line(3).raise();
    line(2).raise(); // bus IRQ 2 is the AT's IRQ 9: a slave request on master IR2
    line(0).raise();
    line(7).raise();
    // IR3 lowest: 4,5,6,7,0,1,2,3.
    expect(take(pic)).toBe(0x0f);
    kit.out8(0x20, 0x67);
    expect(take(pic)).toBe(0x08);
    kit.out8(0x20, 0x60);
    expect(take(pic)).toBe(0x71); // IR2 (rank 6) before IR3 (rank 7)
    kit.out8(0xa0, 0x61);
    kit.out8(0x20, 0x62);
    expect(take(pic)).toBe(0x0b);
  });

  it("rotate in AEOI mode (set/clear) rotates on every acknowledge only while set", () => {
    const { kit, pic, line } = setup();
    biosInit(kit, 0x03);
    kit.out8(0x20, 0x80); // rotate in AEOI: set
    line(0).raise();
    line(5).raise();
    expect(take(pic)).toBe(0x08); // IR0 becomes lowest
    line(0).lower();
    line(0).raise();
    line(1).raise();
    expect(take(pic)).toBe(0x09); // IR1 highest now; then IR1 lowest
    expect(take(pic)).toBe(0x0d); // IR5 (rank 3) before IR0 (rank 6)
    expect(take(pic)).toBe(0x08);
    kit.out8(0x20, 0x00); // rotate in AEOI: clear; IR0 stays lowest
    line(0).lower();
    line(0).raise();
    line(7).raise();
    expect(take(pic)).toBe(0x0f); // IR7 highest after IR0 became lowest
    expect(take(pic)).toBe(0x08); // no rotation after IR7: IR0 still lowest, but alone
    expect(isr(kit, 0x20)).toBe(0x00);
  });
});

describe("special mask mode", () => {
  it("lets lower levels in while the in-service level is masked, and EOIs only unmasked levels", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
    line(5).raise();
    expect(take(pic)).toBeUndefined(); // fully nested: IR3 locks out IR5
    kit.out8(0x20, 0x68); // ESMM+SMM: set special mask
    expect(take(pic)).toBeUndefined(); // IR3 not masked yet, still locks out
    kit.out8(0x21, 0x08); // mask IR3
    expect(take(pic)).toBe(0x0d);
    expect(isr(kit, 0x20)).toBe(0x28);
    eoi(kit, 0x20); // the masked IR3 is skipped: IR5 is cleared
    expect(isr(kit, 0x20)).toBe(0x08);
    kit.out8(0x20, 0x48); // reset special mask
    kit.out8(0x21, 0x00);
    line(6).raise();
    expect(take(pic)).toBeUndefined(); // IR3 locks out again
    eoi(kit, 0x20);
    expect(take(pic)).toBe(0x0e);
  });

  it("ignores the SMM bit when ESMM is clear", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(3).raise();
    expect(take(pic)).toBe(0x0b);
    kit.out8(0x20, 0x28); // SMM without ESMM: no change
    kit.out8(0x21, 0x08);
    line(5).raise();
    expect(take(pic)).toBeUndefined();
  });
});

describe("poll command", () => {
  it("reads 0x80|level on the next read at either address and acknowledges the request", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(6).raise();
    line(4).raise();
    kit.out8(0x20, 0x0c); // OCW3 poll
    expect(kit.in8(0x20)).toBe(0x84);
    expect(isr(kit, 0x20)).toBe(0x10);
    expect(irr(kit, 0x20)).toBe(0x40);
    // IR6 is locked out by IR4 in service: the poll reads "no request".
    kit.out8(0x20, 0x0c);
    expect(kit.in8(0x21)).toBe(0x00);
    eoi(kit, 0x20);
    kit.out8(0x20, 0x0c);
    expect(kit.in8(0x21)).toBe(0x86); // the poll also answers at A0=1
    expect(kit.in8(0x21)).toBe(0x00); // and only once: this is the IMR again
    eoi(kit, 0x20);
    expect(pic.hasPendingInterrupt()).toBe(false);
  });

  it("takes precedence over a read-register command given with it", () => {
    const { kit, line } = setup();
    biosInit(kit);
    line(2 + 1).raise();
    kit.out8(0x20, 0x0f); // P, RR, RIS together
    expect(kit.in8(0x20)).toBe(0x83);
    expect(kit.in8(0x20)).toBe(0x08); // then the ISR, as RIS chose
  });

  it("polls the slave for its own level after the master reports the cascade input", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    line(13).raise();
    kit.out8(0x20, 0x0c);
    expect(kit.in8(0x20)).toBe(0x82);
    kit.out8(0xa0, 0x0c);
    expect(kit.in8(0xa0)).toBe(0x85);
    expect(isr(kit, 0xa0)).toBe(0x20);
    expect(pic.hasPendingInterrupt()).toBe(false);
  });
});
