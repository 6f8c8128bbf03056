import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { CYCLE, SECOND, bench } from "./helpers.js";

describe("update-ended interrupt (UIE/UF)", () => {
  it("UF is set once per second and raises IRQ 8 with UIE; reading C clears it and lowers the line", () => {
    const b = bench();
    b.set(0x0b, 0x12);
    b.at(SECOND);
    expect(b.rises()).toEqual([SECOND]);
    expect(b.get(0x0c) & 0xb0).toBe(0x90); // IRQF, UF (PF too: the 1024 Hz rate runs with PIE off)
    expect(b.kit.bus.irqs.level(8)).toBe(false);
    expect(b.get(0x0c)).toBe(0x00);
    b.at(3 * SECOND);
    expect(b.rises()).toEqual([SECOND, 2 * SECOND]); // C not read after the second: the line stays high
    b.get(0x0c);
    b.at(4 * SECOND);
    expect(b.rises()).toEqual([SECOND, 2 * SECOND, 4 * SECOND]);
  });

  it("UF is set without UIE too (polled); IRQF only with the enable", () => {
    const b = bench();
    b.at(SECOND);
    expect(b.get(0x0c) & 0xb0).toBe(0x10);
    expect(b.rises()).toEqual([]);
    b.at(2 * SECOND);
    b.set(0x0b, 0x12); // enabling with UF already set asserts IRQ at once
    expect(b.kit.bus.irqs.level(8)).toBe(true);
    expect(b.get(0x0c) & 0x90).toBe(0x90);
  });
});

describe("periodic interrupt (PIE/PF)", () => {
  for (const [rs, hz] of [
    [1, 256],
    [2, 128],
    [3, 8192],
    [6, 1024],
    [15, 2],
  ] as const) {
    it(`rate select ${rs}: ${hz} Hz`, () => {
      const b = bench();
      b.set(0x0a, 0x20 | rs);
      b.set(0x0b, 0x42);
      const rises: number[] = [];
      const end = Math.min(SECOND, (10 * SECOND) / hz);
      while (b.kit.clock.ticks < end) {
        const next = b.kit.clock.nextDeadline();
        b.at(Math.min(next, end));
        if (b.kit.bus.irqs.level(8)) {
          rises.push(b.kit.clock.ticks);
          b.get(0x0c);
        }
      }
      const period = SECOND / hz;
      expect(rises.length).toBe(Math.round(end / period));
      rises.forEach((t, i) => expect(t).toBe((i + 1) * period));
    });
  }

  it("rate select 0 gives no periodic interrupt; PF is set without PIE and read-cleared", () => {
    const b = bench();
    b.set(0x0a, 0x20);
    b.set(0x0b, 0x42);
    b.at(SECOND / 2);
    expect(b.get(0x0c) & 0x40).toBe(0);
    b.set(0x0a, 0x26);
    b.set(0x0b, 0x02);
    b.at(SECOND / 2 + 32 * CYCLE);
    expect(b.get(0x0c)).toBe(0x40);
    expect(b.get(0x0c)).toBe(0x00);
    expect(b.kit.clock.pendingTimers().map((t) => t.label)).toEqual(["rtc update"]);
  });
});

describe("alarm (AIE/AF)", () => {
  it("fires when seconds, minutes and hours match", () => {
    const b = bench();
    b.set(1, 0x05);
    b.set(3, 0x00);
    b.set(5, 0x00);
    b.set(0x0b, 0x22);
    b.at(5 * SECOND - 1);
    expect(b.rises()).toEqual([]);
    b.at(5 * SECOND);
    expect(b.rises()).toEqual([5 * SECOND]);
    expect(b.get(0x0c) & 0xb0).toBe(0xb0); // IRQF, AF, UF
  });

  it("don't-care bytes (0xC0-0xFF): every second with all three, once a minute with only the seconds set", () => {
    const b = bench();
    b.set(1, 0xc0);
    b.set(3, 0xff);
    b.set(5, 0xd3);
    b.set(0x0b, 0x22);
    for (let s = 1; s <= 3; s++) {
      b.at(s * SECOND);
      expect(b.get(0x0c) & 0xa0, `second ${s}`).toBe(0xa0);
    }
    b.set(1, 0x30);
    let alarms = 0;
    for (let s = 4; s <= 130; s++) {
      b.at(s * SECOND);
      if (b.get(0x0c) & 0x20) alarms++;
    }
    expect(alarms).toBe(2); // 00:00:30 and 00:01:30
  });
});

describe("priorities and sharing of the line", () => {
  it("one IRQ line for all three sources; register C reports each flag", () => {
    const b = bench();
    b.set(0x0a, 0x2f); // 2 Hz
    b.set(1, 0xc0);
    b.set(3, 0xc0);
    b.set(5, 0xc0);
    b.set(0x0b, 0x72); // PIE, AIE, UIE
    b.at(SECOND / 2);
    expect(b.get(0x0c)).toBe(0xc0);
    b.at(SECOND);
    expect(b.get(0x0c)).toBe(0xf0);
  });
});
