import { describe, expect, it } from "vitest";
import { biosInit, eoi, setup, take } from "./helpers.js";

/**
 * The CPU samples INTR only when told it may have changed (SDK: InterruptController), so
 * the pair must say so after everything that can raise its INT output — and an INTR that
 * is high must never go unannounced.
 */
describe("telling the CPU that INTR may have risen", () => {
  function rig() {
    const s = setup();
    let calls = 0;
    s.kit.bus.setInterruptRequestListener(() => calls++);
    /** Whether the pair signalled since the last look. */
    const signalled = () => {
      const n = calls;
      calls = 0;
      return n > 0;
    };
    return { ...s, signalled };
  }

  it("when a line rises, an unmask lets a latched request through, and an EOI uncovers the next", () => {
    const { kit, pic, line, signalled } = rig();
    biosInit(kit);
    kit.out8(0x21, 0xff); // mask everything
    signalled();
    line(0).raise(); // latched in the IRR, but masked: INTR stays low
    expect(pic.hasPendingInterrupt()).toBe(false);
    expect(signalled()).toBe(false);
    kit.out8(0x21, 0xfe); // unmask IRQ 0
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(signalled()).toBe(true);
    expect(take(pic)).toBe(0x08);
    line(0).lower();
    line(1).raise(); // latched, still masked (IMR 0xfe)
    kit.out8(0x21, 0xfc); // unmask IRQ 1 too: IRQ 0 is in service, IRQ 1 of lower priority waits
    expect(pic.hasPendingInterrupt()).toBe(false);
    signalled();
    eoi(kit, 0x20); // ends IRQ 0: IRQ 1 now drives INTR
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(signalled()).toBe(true);
  });

  it("for a request on the slave, through the cascade", () => {
    const { kit, pic, line, signalled } = rig();
    biosInit(kit);
    signalled();
    line(8).raise();
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(signalled()).toBe(true);
    expect(take(pic)).toBe(0x70);
  });

  it("never leaves INTR high unannounced, whatever the sequence", () => {
    // A seeded walk over IMR writes, EOIs, line changes and INTA cycles: whenever INTR went
    // from low to high in a step, the step signalled it.
    const { kit, pic, line, signalled } = rig();
    let seed = 0x2545f491;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
    biosInit(kit);
    let wasHigh = pic.hasPendingInterrupt();
    signalled();
    for (let step = 0; step < 20_000; step++) {
      const r = rnd() % 6;
      if (r === 0) kit.out8(0x21, rnd() & 0xff);
      else if (r === 1) kit.out8(0xa1, rnd() & 0xff);
      else if (r === 2) eoi(kit, rnd() & 1 ? 0x20 : 0xa0);
      else if (r === 3) line(rnd() % 16 === 2 ? 3 : rnd() % 16).raise();
      else if (r === 4) line(rnd() % 16 === 2 ? 3 : rnd() % 16).lower();
      else take(pic);
      const high = pic.hasPendingInterrupt();
      const s = signalled();
      if (high && !wasHigh) expect(s, `step ${step}`).toBe(true);
      wasHigh = high;
    }
  });
});
