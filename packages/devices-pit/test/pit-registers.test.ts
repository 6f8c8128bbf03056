import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { bench, program } from "./helpers.js";

// All tests here run at 1193182000 Hz: PIT edge k is at TSC tick 1000·k exactly.

describe("counter latch and read-back", () => {
  it("latches the count at the instant of the command and shows the one-clock load delay", () => {
    const b = bench();
    program(b, 0, 0x34, 1000); // at tick 0 (edge 0): loads at edge 1
    b.at(500);
    expect(b.latch16(0)).toBe(0); // not loaded yet: the CE still holds its power-on 0
    // OUT=1, NULL COUNT=1, RW=11, mode 010, binary
    expect(b.status(0)).toBe(0xf4);
    b.at(1000);
    expect(b.latch16(0)).toBe(1000);
    expect(b.status(0)).toBe(0xb4); // null count cleared by the load
    b.at(1999);
    expect(b.latch16(0)).toBe(1000);
    b.at(2000);
    expect(b.latch16(0)).toBe(999);
    b.at(1_000_000); // edge 1000: CE = 1, OUT low for this one clock
    expect(b.latch16(0)).toBe(1);
    expect(b.status(0)).toBe(0x34);
    b.at(1_001_000); // reloaded
    expect(b.latch16(0)).toBe(1000);
    expect(b.status(0) >> 7).toBe(1);
  });

  it("holds a latched count until it is read; a second latch before then is ignored", () => {
    const b = bench();
    program(b, 0, 0x34, 1000);
    b.at(10_000);
    b.kit.out8(0x43, 0x00);
    b.at(20_000);
    b.kit.out8(0x43, 0x00); // ignored: the first latch has not been read
    b.at(50_000);
    expect(b.kit.in8(0x40) | (b.kit.in8(0x40) << 8)).toBe(991);
    // Now the output latch follows the CE again: live reads.
    expect(b.kit.in8(0x40) | (b.kit.in8(0x40) << 8)).toBe(951);
  });

  it("read-back latches count and status of several counters at once; status reads first", () => {
    const b = bench();
    b.kit.out8(0x61, 1); // gate 2 high
    program(b, 0, 0x34, 1000); // mode 2
    program(b, 1, 0x76, 101); // mode 3, odd
    program(b, 2, 0xb0, 50); // mode 0
    b.at(30_500); // edge 30
    b.kit.out8(0x43, 0xce); // 11 0 0 111 0: count and status of counters 0, 1, 2
    b.at(40_000); // later reads still see edge 30
    const read3 = (ch: number) => [b.kit.in8(0x40 + ch), b.kit.in8(0x40 + ch), b.kit.in8(0x40 + ch)];
    // Counter 0: CE = 1000 - 29 = 971 = 0x3CB
    expect(read3(0)).toEqual([0xb4, 0xcb, 0x03]);
    // Counter 1: loads 100 at edge 1, minus 2 per clock: 100 - 58 = 42; OUT high for 51 clocks
    expect(read3(1)).toEqual([0xb6, 42, 0]);
    // Counter 2: mode 0, 50 - 29 = 21, OUT still low
    expect(read3(2)).toEqual([0x30, 21, 0]);
  });

  it("read-back can latch only the count or only the status, and latches each only once", () => {
    const b = bench();
    program(b, 1, 0x74, 500);
    b.at(10_000);
    b.kit.out8(0x43, 0xd4); // 11 0 1 010 0: count only, counter 1
    b.at(20_000);
    b.kit.out8(0x43, 0xe4); // 11 1 0 010 0: status only, counter 1
    b.kit.out8(0x43, 0xc4); // both: the count and the status are already latched, so nothing changes
    expect(b.kit.in8(0x41)).toBe(0xb4); // status first, though latched second
    expect(b.kit.in8(0x41) | (b.kit.in8(0x41) << 8)).toBe(491); // the count of edge 10
    expect(b.kit.in8(0x41) | (b.kit.in8(0x41) << 8)).toBe(481); // live: edge 20
  });

  it("a control word drops a pending latch", () => {
    const b = bench();
    program(b, 1, 0x74, 500);
    b.at(10_000);
    b.kit.out8(0x43, 0x40);
    program(b, 1, 0x74, 300);
    b.at(12_000);
    expect(b.latch16(1)).toBe(299);
  });

  it("reports an unprogrammed counter with RW = 00 and reads the control port as an undriven bus", () => {
    const b = bench();
    expect(b.status(1)).toBe(0xc0);
    expect(b.kit.in8(0x43)).toBe(0xff);
    expect(b.kit.in8(0x41)).toBe(0);
    b.kit.out8(0x41, 0x55); // no control word yet: ignored
    expect(b.status(1)).toBe(0xc0);
  });

  it("reports mode bits as written (X10 for mode 2) while counting as mode 2", () => {
    const b = bench();
    program(b, 1, 0x7c, 10); // 01 11 110 0
    b.at(5_000);
    expect(b.status(1)).toBe(0xbc);
    b.at(10_000); // edge 10: CE = 1
    expect(b.latch16(1)).toBe(1);
    expect(b.status(1) >> 7).toBe(0);
  });
});

describe("byte access modes", () => {
  it("LSB only and MSB only", () => {
    const b = bench();
    b.kit.out8(0x43, 0x54); // counter 1, LSB only, mode 2
    b.kit.out8(0x41, 0x34);
    b.at(1_000);
    expect([b.kit.in8(0x41), b.kit.in8(0x41)]).toEqual([0x34, 0x34]);
    b.kit.out8(0x43, 0x64); // MSB only
    b.kit.out8(0x41, 0x12); // CR = 0x1200
    b.at(2_000);
    expect([b.kit.in8(0x41), b.kit.in8(0x41)]).toEqual([0x12, 0x12]);
    b.at(2_000 + 0x100 * 1000);
    expect(b.kit.in8(0x41)).toBe(0x11); // 0x1200 - 0x100
  });

  it("LSB then MSB: reads and writes of one counter may interleave (datasheet example)", () => {
    const b = bench();
    program(b, 1, 0x74, 0x1234);
    b.at(10_000); // edge 10: CE = 0x1234 - 9 = 0x122B
    expect(b.kit.in8(0x41)).toBe(0x2b); // read LSB
    b.kit.out8(0x41, 0x78); // write new LSB
    b.at(11_000); // edge 11: CE = 0x122A
    expect(b.kit.in8(0x41)).toBe(0x12); // read MSB
    b.kit.out8(0x41, 0x56); // write new MSB: CR = 0x5678, used from the next reload
    b.at(12_000);
    expect(b.latch16(1)).toBe(0x1234 - 11);
    b.at((1 + 0x1234) * 1000); // reload edge
    expect(b.latch16(1)).toBe(0x5678);
  });

  it("a control word resets the write flip-flop", () => {
    const b = bench();
    b.kit.out8(0x43, 0x74);
    b.kit.out8(0x41, 0x99); // half a count, then reprogram
    program(b, 1, 0x74, 0x0203);
    b.at(1_000);
    expect(b.latch16(1)).toBe(0x0203);
  });

  it("16- and 32-bit port accesses split into byte accesses", () => {
    const b = bench();
    b.kit.out8(0x43, 0x74);
    b.kit.out16(0x41, 0x0000); // 0x41 <- 0x00 then 0x42 <- 0x00 (counter 2 unprogrammed: ignored)
    b.kit.out8(0x41, 0x10);
    b.at(1_000);
    expect(b.latch16(1)).toBe(0x1000);
    expect(() => b.kit.in32(0x40)).not.toThrow();
  });
});

describe("BCD counting", () => {
  it("mode 2 counts down in decimal and reloads", () => {
    const b = bench();
    program(b, 1, 0x75, 0x0100); // mode 2, BCD, count 100
    b.at(1_000);
    expect(b.latch16(1)).toBe(0x0100);
    b.at(2_000);
    expect(b.latch16(1)).toBe(0x0099);
    b.at(91_000);
    expect(b.latch16(1)).toBe(0x0010);
    b.at(92_000);
    expect(b.latch16(1)).toBe(0x0009);
    b.at(100_000);
    expect(b.latch16(1)).toBe(0x0001);
    expect(b.status(1)).toBe(0x35); // OUT low, RW 11, mode 2, BCD
    b.at(101_000);
    expect(b.latch16(1)).toBe(0x0100);
  });

  it("mode 0 with a count of 0 runs 10000 clocks and wraps to 9999", () => {
    const b = bench();
    program(b, 1, 0x71, 0);
    b.at(1_000);
    expect(b.latch16(1)).toBe(0x0000);
    b.at(2_000);
    expect(b.latch16(1)).toBe(0x9999);
    b.at(10_000_000); // edge 10000: CE = 1
    expect(b.latch16(1)).toBe(0x0001);
    expect(b.status(1) >> 7).toBe(0);
    b.at(10_001_000); // terminal count
    expect(b.latch16(1)).toBe(0x0000);
    expect(b.status(1) >> 7).toBe(1);
    b.at(10_002_000);
    expect(b.latch16(1)).toBe(0x9999);
  });

  it("binary mode 0 with a count of 0 runs 65536 clocks", () => {
    const b = bench();
    program(b, 1, 0x70, 0);
    b.at(65_536_000);
    expect(b.status(1) >> 7).toBe(0);
    expect(b.latch16(1)).toBe(1);
    b.at(65_537_000);
    expect(b.status(1) >> 7).toBe(1);
    b.at(65_538_000);
    expect(b.latch16(1)).toBe(0xffff);
  });
});
