import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { CYCLE, SECOND, bench, clockBytes } from "./helpers.js";

describe("power-on", () => {
  it("starts at the default date 2000-01-01 00:00:00 (a Saturday), BCD 24-hour, A 26 B 02 C 00 D 80", () => {
    const b = bench();
    expect(clockBytes(b)).toEqual([0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20]);
    expect([0x0a, 0x0b, 0x0c, 0x0d].map((i) => b.get(i))).toEqual([0x26, 0x02, 0x00, 0x80]);
    expect([1, 3, 5].map((i) => b.get(i))).toEqual([0, 0, 0]);
    expect(b.kit.bus.irqs.level(8)).toBe(false);
  });

  it("starts at the configured time, converted to UTC", () => {
    const b = bench({ time: "2024-02-29T23:59:58+02:00" });
    expect(clockBytes(b)).toEqual([0x58, 0x59, 0x21, 0x05, 0x29, 0x02, 0x24, 0x20]);
  });
});

describe("timekeeping on virtual time", () => {
  it("the seconds advance exactly once per virtual second", () => {
    const b = bench();
    b.at(SECOND - 1);
    expect(b.get(0)).toBe(0x00);
    b.at(SECOND);
    expect(b.get(0)).toBe(0x01);
    b.at(61 * SECOND);
    expect([b.get(0), b.get(2)]).toEqual([0x01, 0x01]);
  });

  it("carries through the day, month, year and century", () => {
    const b = bench({ time: "1999-12-31T23:59:59Z" });
    b.at(SECOND);
    expect(clockBytes(b)).toEqual([0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20]);
  });

  it("knows leap years: 2024-02-28 is followed by the 29th, 2023-02-28 by March 1", () => {
    const leap = bench({ time: "2024-02-28T23:59:59Z" });
    leap.at(SECOND);
    expect([leap.get(7), leap.get(8), leap.get(6)]).toEqual([0x29, 0x02, 0x05]);
    const plain = bench({ time: "2023-02-28T23:59:59Z" });
    plain.at(SECOND);
    expect([plain.get(7), plain.get(8)]).toEqual([0x01, 0x03]);
    const april = bench({ time: "2023-04-30T23:59:59Z" });
    april.at(SECOND);
    expect([april.get(7), april.get(8)]).toEqual([0x01, 0x05]);
  });

  it("a start time with milliseconds puts the first update at the next whole second", () => {
    const b = bench({ time: "2000-01-01T00:00:00.750Z" });
    b.at(SECOND / 4 - CYCLE);
    expect(b.get(0)).toBe(0);
    b.at(SECOND / 4);
    expect(b.get(0)).toBe(1);
  });

  it("binary mode and 12-hour mode: values are kept and advanced in the format register B selects", () => {
    const b = bench();
    b.set(0x0b, 0x80 | 0x04); // SET, binary, 12-hour
    b.set(0, 59);
    b.set(2, 59);
    b.set(4, 11 | 0x80); // 11 PM
    b.set(6, 7);
    b.set(7, 31);
    b.set(8, 12);
    b.set(9, 99);
    b.set(0x0b, 0x04);
    b.at(SECOND);
    // 12 AM, Sunday, (21)00-01-01. The century byte is read in the current mode too: BCD 0x20
    // taken as binary 32 becomes 33 (a guest switching to binary rewrites it).
    expect(clockBytes(b)).toEqual([0, 0, 12, 1, 1, 1, 0, 33]);
    b.set(0x0b, 0x84);
    b.set(4, 11); // 11:59:59 AM
    b.set(2, 59);
    b.set(0, 59);
    b.set(0x0b, 0x04);
    b.at(2 * SECOND);
    expect(b.get(4)).toBe(12 | 0x80); // 12 PM
  });

  it("BCD 12-hour mode: 12:59:59 PM is followed by 1 PM", () => {
    const b = bench();
    b.set(0x0b, 0x80);
    b.set(4, 0x92); // 12 PM
    b.set(2, 0x59);
    b.set(0, 0x59);
    b.set(0x0b, 0x00);
    b.at(SECOND);
    expect([b.get(4), b.get(2), b.get(0)]).toEqual([0x81, 0x00, 0x00]);
  });

  it("SET stops the updates (the time does not advance) and clears UIE; clearing it resumes them", () => {
    const b = bench();
    b.set(0x0b, 0x12); // UIE
    b.set(0x0b, 0x92); // SET: UIE is cleared
    expect(b.get(0x0b)).toBe(0x82);
    b.at(5 * SECOND);
    expect(b.get(0)).toBe(0);
    expect(b.get(0x0c) & 0x30).toBe(0x00); // no update: no UF (PF still comes: the divider runs)
    b.set(0x0b, 0x02);
    b.at(6 * SECOND);
    expect(b.get(0)).toBe(1);
  });

  it("daylight saving (DSE): last Sunday in April skips 2 AM; last Sunday in October repeats 1 AM once", () => {
    const spring = bench({ time: "1995-04-30T01:59:59Z" }); // a Sunday
    spring.set(0x0b, 0x03);
    spring.at(SECOND);
    expect([spring.get(4), spring.get(2), spring.get(0)]).toEqual([0x03, 0x00, 0x00]);
    const fall = bench({ time: "1995-10-29T01:59:59Z" });
    fall.set(0x0b, 0x03);
    fall.at(SECOND);
    expect([fall.get(4), fall.get(2), fall.get(0)]).toEqual([0x01, 0x00, 0x00]);
    fall.at(3601 * SECOND);
    expect([fall.get(4), fall.get(2), fall.get(0)]).toEqual([0x02, 0x00, 0x00]);
    const off = bench({ time: "1995-04-30T01:59:59Z" });
    off.at(SECOND);
    expect(off.get(4)).toBe(0x02);
  });
});

describe("update in progress (UIP)", () => {
  it("is set for the last 244 us (8 oscillator cycles) before each update", () => {
    const b = bench();
    const uip = () => (b.get(0x0a) & 0x80) !== 0;
    b.at(SECOND - 8 * CYCLE - 1);
    expect(uip()).toBe(false);
    b.at(SECOND - 8 * CYCLE);
    expect(uip()).toBe(true);
    expect(b.get(0)).toBe(0);
    b.at(SECOND - 1);
    expect(uip()).toBe(true);
    b.at(SECOND);
    expect(uip()).toBe(false);
    expect(b.get(0)).toBe(1);
  });

  it("UIP cannot be written and is 0 while SET stops updates", () => {
    const b = bench();
    b.set(0x0a, 0xa6);
    expect(b.get(0x0a)).toBe(0x26);
    b.set(0x0b, 0x82);
    b.at(SECOND - 2 * CYCLE);
    expect(b.get(0x0a)).toBe(0x26);
  });

  it("supports the usual polled read: wait for UIP to fall, then read the time", () => {
    const b = bench({ time: "2010-06-15T12:34:56Z" });
    b.at(SECOND - 4 * CYCLE);
    while (b.get(0x0a) & 0x80) b.at(b.kit.clock.ticks + CYCLE / 2);
    expect(b.kit.clock.ticks).toBe(SECOND);
    expect(clockBytes(b)).toEqual([0x57, 0x34, 0x12, 0x03, 0x15, 0x06, 0x10, 0x20]);
  });
});

describe("the divider chain (register A DV bits)", () => {
  it("DV = 11x holds the chain in reset; back to 010, the first update comes 500 ms later", () => {
    const b = bench();
    b.at(Math.floor(SECOND / 3));
    b.set(0x0a, 0x76);
    b.at(10 * SECOND);
    expect(b.get(0)).toBe(0);
    b.set(0x0a, 0x26);
    b.at(10 * SECOND + SECOND / 2 - 1);
    expect(b.get(0)).toBe(0);
    b.at(10 * SECOND + SECOND / 2);
    expect(b.get(0)).toBe(1);
  });

  it("another time base stops the chain where it is; it resumes from there", () => {
    const b = bench();
    b.at(SECOND / 4);
    b.set(0x0a, 0x06); // DV 000
    b.at(5 * SECOND);
    expect(b.get(0)).toBe(0);
    b.set(0x0a, 0x26);
    b.at(5 * SECOND + (3 * SECOND) / 4 - 1);
    expect(b.get(0)).toBe(0);
    b.at(5 * SECOND + (3 * SECOND) / 4);
    expect(b.get(0)).toBe(1);
  });
});
