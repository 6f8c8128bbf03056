import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { frameHalfBits } from "../src/index.js";
import { BIT, CHAR, COM1, FCR, IER, IIR, LCR, LSR, MCR, MSR, SCR, THR, bench } from "./helpers.js";

describe("power-on register values", () => {
  it("IER 0, IIR 01 (nothing pending), LCR 0, MCR 0, LSR 60, MSR B0, divisor 12", () => {
    const b = bench();
    expect([IER, IIR, LCR, MCR, LSR, MSR, SCR].map((p) => b.in(p))).toEqual([0x00, 0x01, 0x00, 0x00, 0x60, 0xb0, 0x00]);
    b.out(LCR, 0x80);
    expect([b.in(COM1), b.in(COM1 + 1)]).toEqual([12, 0]);
    expect(b.uart.baud).toBe(9600);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
  });
});

describe("divisor latch (DLAB)", () => {
  it("LCR bit 7 switches offsets 0 and 1 to DLL and DLM, which read back", () => {
    const b = bench();
    b.out(IER, 0x05);
    b.out(LCR, 0x83);
    b.out(COM1, 0x34);
    b.out(COM1 + 1, 0x12);
    expect([b.in(COM1), b.in(COM1 + 1), b.in(LCR)]).toEqual([0x34, 0x12, 0x83]);
    b.out(LCR, 0x03);
    expect(b.in(IER)).toBe(0x05); // IER untouched by the DLM write
    expect(b.uart.baud).toBeCloseTo(115200 / 0x1234);
    b.divisor(1);
    expect(b.uart.baud).toBe(115200);
    b.divisor(0);
    expect(b.uart.baud).toBe(115200 / 65536);
  });
});

describe("plain registers", () => {
  it("IER keeps bits 0-3, MCR bits 0-4, LCR and SCR all 8 bits", () => {
    const b = bench();
    b.out(IER, 0xff);
    b.out(MCR, 0xff);
    b.out(SCR, 0xa5);
    b.out(LCR, 0x7f);
    expect([b.in(IER), b.in(MCR), b.in(SCR), b.in(LCR)]).toEqual([0x0f, 0x1f, 0xa5, 0x7f]);
  });

  it("writes to LSR and MSR are ignored", () => {
    const b = bench();
    b.out(LSR, 0x00);
    b.out(MSR, 0x0f);
    expect([b.in(LSR), b.in(MSR)]).toEqual([0x60, 0xb0]);
  });

  it("16- and 32-bit accesses are split into byte accesses by the bus", () => {
    const b = bench();
    b.kit.out16(SCR - 1, 0x4200); // MSR (ignored), SCR
    expect(b.in(SCR)).toBe(0x42);
    expect(b.kit.in32(COM1 + 4) >>> 0).toBe(0x42b06000);
  });
});

describe("frame length", () => {
  it("counts start, data, parity and stop bits in half-bit times", () => {
    expect(frameHalfBits(0x03)).toBe(20); // 8N1: 10 bits
    expect(frameHalfBits(0x00)).toBe(14); // 5N1
    expect(frameHalfBits(0x04)).toBe(15); // 5N1.5
    expect(frameHalfBits(0x0e)).toBe(22); // 7E2 (parity on, 2 stop bits)
    expect(frameHalfBits(0x0f)).toBe(24); // 8 data, parity, 2 stop
  });

  it("7E1 characters take 10 bits and send only 7 data bits", () => {
    const b = bench();
    b.divisor(1, 0x1a); // 7 bits, even parity, 1 stop
    b.out(THR, 0xc1);
    b.at(BIT + CHAR - 1);
    expect(b.host.bytes).toEqual([]);
    b.at(BIT + CHAR);
    expect(b.host.bytes).toEqual([0x41]);
  });
});

describe("FIFO control (FCR) and IIR bits 6-7", () => {
  it("enabling shows 11 in IIR bits 6-7; other bits need bit 0 in the same write", () => {
    const b = bench();
    b.out(FCR, 0xc1);
    expect(b.in(IIR)).toBe(0xc1);
    b.out(FCR, 0x00);
    expect(b.in(IIR)).toBe(0x01);
  });

  it("changing the enable bit empties both FIFOs; bits 1 and 2 reset one each", () => {
    const b = bench();
    b.divisor(1);
    b.out(MCR, 0x10); // loopback to fill the receiver
    b.out(FCR, 0x01);
    for (let i = 0; i < 4; i++) b.out(THR, 0x30 + i);
    b.at(BIT + 4 * CHAR);
    expect(b.in(LSR) & 0x61).toBe(0x61); // data ready, transmitter empty
    b.out(FCR, 0x03); // RX reset
    expect(b.in(LSR) & 0x01).toBe(0);
    for (let i = 0; i < 5; i++) b.out(THR, 0x40 + i);
    expect(b.in(LSR) & 0x60).toBe(0x00); // bytes waiting: THRE 0
    b.at(b.kit.clock.ticks + BIT); // 0x40 moves to the shift register
    b.out(FCR, 0x05); // TX reset: THRE 1 again; the byte in the shift register still goes
    expect(b.in(LSR) & 0x60).toBe(0x20);
    b.at(b.kit.clock.ticks + 10 * CHAR);
    expect(b.in(COM1)).toBe(0x40);
    expect(b.in(LSR) & 0x01).toBe(0);
    b.out(THR, 0x55);
    b.at(b.kit.clock.ticks + BIT + CHAR);
    b.out(FCR, 0x00); // disable: receiver emptied
    expect(b.in(LSR) & 0x01).toBe(0);
  });
});

describe("scratch register", () => {
  it("holds any byte and does nothing else", () => {
    const b = bench();
    for (const v of [0x00, 0xff, 0x5a]) {
      b.out(SCR, v);
      expect(b.in(SCR)).toBe(v);
    }
    expect(b.in(LSR)).toBe(0x60);
  });
});
