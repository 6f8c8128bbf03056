import { describe, expect, it } from "vitest";
import { biosInit, eoi, setup, take } from "./helpers.js";

/**
 * Whether any line could still reach the CPU with no command from it: what tells the machine
 * that a CPU halted with IF=1 will never wake (8259A datasheet, "Interrupt Mask Register",
 * "Fully nested mode").
 */
describe("canInterrupt", () => {
  it("is false before initialisation and true once initialised with lines unmasked", () => {
    const { kit, pic } = setup();
    expect(pic.canInterrupt()).toBe(false);
    biosInit(kit);
    expect(pic.canInterrupt()).toBe(true);
  });

  it("is false with every master line masked, or the only unmasked one the cascade of a masked slave", () => {
    const { kit, pic } = setup();
    biosInit(kit);
    kit.out8(0x21, 0xff);
    expect(pic.canInterrupt()).toBe(false);
    kit.out8(0x21, 0xfb); // only IR2, the slave
    kit.out8(0xa1, 0xff);
    expect(pic.canInterrupt()).toBe(false);
    kit.out8(0xa1, 0xef); // slave IR4 = IRQ 12
    expect(pic.canInterrupt()).toBe(true);
  });

  it("is false while IRQ 0 in service locks out every other level, true again after its EOI", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x21, 0xfc); // IRQ 0 and 1 unmasked
    line(0).raise();
    expect(take(pic)).toBe(0x08);
    expect(pic.canInterrupt()).toBe(false);
    eoi(kit, 0x20);
    expect(pic.canInterrupt()).toBe(true);
  });

  it("does not disturb the requests it considers", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out8(0x21, 0xff);
    line(1).raise();
    pic.canInterrupt();
    kit.out8(0x21, 0x00);
    expect(take(pic)).toBe(0x09);
  });
});
