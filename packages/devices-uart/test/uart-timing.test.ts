import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { BIT, CHAR, COM1, FCR, LSR, RBR, THR, bench } from "./helpers.js";

const lsr = (b: ReturnType<typeof bench>) => b.in(LSR);

describe("transmitter timing on the virtual clock", () => {
  it("LCR 0 (power-on) means 5-bit characters: 7 bits a frame, only the low 5 bits sent", () => {
    const b = bench();
    b.divisor(1, 0x00);
    b.out(THR, 0x61);
    b.at(BIT + 7 * BIT);
    expect(b.host.bytes).toEqual([0x01]);
  });

  it("an idle transmitter takes a byte one bit time after the write, and sends it in 10 bit times (8N1)", () => {
    const b = bench();
    b.divisor(1);
    const t0 = 1_000_000;
    b.at(t0);
    b.out(THR, 0x41);
    expect(lsr(b) & 0x60).toBe(0x00); // in the THR
    b.at(t0 + BIT - 1);
    expect(lsr(b) & 0x60).toBe(0x00);
    b.at(t0 + BIT);
    expect(lsr(b) & 0x60).toBe(0x20); // THRE: in the shift register; TEMT still 0
    b.at(t0 + BIT + CHAR - 1);
    expect(b.host.bytes).toEqual([]);
    expect(lsr(b) & 0x60).toBe(0x20);
    b.at(t0 + BIT + CHAR);
    expect(b.host.bytes).toEqual([0x41]);
    expect(lsr(b) & 0x60).toBe(0x60);
    expect(b.uart.charactersTransmitted).toBe(1);
  });

  it("scales with the divisor: divisor 12 (9600 baud) is 12 times slower", () => {
    const b = bench(); // divisor 12 at power-on
    b.out(0x3fb, 0x03); // 8N1 (LCR 0 at power-on is 5N1)
    b.out(THR, 0x42);
    b.at(12 * (BIT + CHAR) - 1);
    expect(b.host.bytes).toEqual([]);
    b.at(12 * (BIT + CHAR));
    expect(b.host.bytes).toEqual([0x42]);
  });

  it("FIFO mode sends queued bytes back to back, one character time each", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x07);
    const text = "hello";
    for (const c of text) b.out(THR, c.charCodeAt(0));
    const done: number[] = [];
    for (let i = 1; i <= text.length; i++) {
      b.at(BIT + i * CHAR - 1);
      expect(b.host.text()).toBe(text.slice(0, i - 1));
      b.at(BIT + i * CHAR);
      done.push(b.host.bytes.length);
    }
    expect(done).toEqual([1, 2, 3, 4, 5]);
    expect(lsr(b) & 0x60).toBe(0x60);
  });

  it("THRE comes back once the FIFO's last byte moves to the shift register", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x01);
    b.out(THR, 1);
    b.out(THR, 2);
    b.at(BIT);
    expect(lsr(b) & 0x20).toBe(0); // byte 2 still waiting
    b.at(BIT + CHAR);
    expect(lsr(b) & 0x60).toBe(0x20);
  });

  it("without FIFOs a second byte written to a full THR replaces the first", () => {
    const b = bench();
    b.divisor(1);
    b.out(THR, 1);
    b.at(BIT); // 1 in the shift register
    b.out(THR, 2);
    b.out(THR, 3); // THR full: overwrites 2
    b.at(BIT + 3 * CHAR);
    expect(b.host.bytes).toEqual([1, 3]);
  });

  it("a full 16-byte transmitter FIFO drops further writes", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x01);
    for (let i = 0; i < 20; i++) b.out(THR, i);
    b.at(BIT + 30 * CHAR);
    expect(b.host.bytes).toEqual([...Array(16).keys()]);
  });

  it("the fast option sends each character in one TSC tick", () => {
    const b = bench({ timing: "fast" });
    b.out(0x3fb, 0x03);
    b.out(FCR, 0x01);
    for (const c of "abc") b.out(THR, c.charCodeAt(0));
    b.at(3);
    expect(b.host.text()).toBe("ab");
    b.at(4);
    expect(b.host.text()).toBe("abc");
  });
});

describe("flush", () => {
  it("hands every queued byte to the back end at once, without changing what the guest sees or sending twice", () => {
    const ref = bench();
    const b = bench();
    const lsrs: number[][] = [[], []];
    for (const [i, x] of [ref, b].entries()) {
      x.divisor(1);
      x.out(FCR, 0x01);
      for (const c of "flush me") x.out(THR, c.charCodeAt(0));
      x.at(BIT + CHAR / 2);
      if (i === 1) x.uart.flush();
      if (i === 1) expect(x.host.text()).toBe("flush me");
      for (let k = 1; k < 10; k++) {
        x.at(BIT + k * CHAR);
        lsrs[i]!.push(x.in(LSR));
      }
    }
    expect(lsrs[1]).toEqual(lsrs[0]);
    expect(b.host.text()).toBe("flush me");
    expect(ref.host.text()).toBe("flush me");
    b.uart.flush();
    expect(b.host.text()).toBe("flush me");
  });

  it("does not hand over bytes that loopback sends to the receiver", () => {
    const b = bench();
    b.divisor(1);
    b.out(0x3fc, 0x10);
    b.out(THR, 0x55);
    b.uart.flush();
    expect(b.host.bytes).toEqual([]);
    b.at(BIT + CHAR);
    expect(b.in(RBR)).toBe(0x55);
  });
});

describe("receiver timing", () => {
  it("host bytes arrive one character time apart; DR follows the receiver", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x01);
    b.at(500);
    b.uart.inject("AB");
    b.at(500 + CHAR - 1);
    expect(lsr(b) & 1).toBe(0);
    b.at(500 + CHAR);
    expect(lsr(b) & 1).toBe(1);
    expect(b.in(RBR)).toBe(0x41);
    expect(lsr(b) & 1).toBe(0);
    b.at(500 + 2 * CHAR);
    expect(b.in(RBR)).toBe(0x42);
    expect(b.in(RBR)).toBe(0x42); // empty: RBR keeps the last character
    expect(lsr(b) & 1).toBe(0);
  });

  it("without FIFOs, host input waits for RBR to be read instead of overrunning", () => {
    const b = bench();
    b.divisor(1);
    b.uart.inject([1, 2, 3]);
    b.at(100 * CHAR);
    expect(lsr(b) & 0x03).toBe(0x01); // data, no overrun
    expect(b.in(RBR)).toBe(1);
    const t = b.kit.clock.ticks;
    b.at(t + CHAR - 1);
    expect(lsr(b) & 1).toBe(0);
    b.at(t + CHAR);
    expect(b.in(RBR)).toBe(2);
  });

  it("with FIFOs, host input fills 16 and waits", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x01);
    b.uart.inject(Array.from({ length: 20 }, (_, i) => i));
    b.at(100 * CHAR);
    expect(lsr(b) & 0x03).toBe(0x01);
    const got: number[] = [];
    while (got.length < 20) {
      while (lsr(b) & 1) got.push(b.in(RBR));
      b.at(b.kit.clock.ticks + CHAR);
    }
    expect(got).toEqual([...Array(20).keys()]);
  });

  it("characters narrower than 8 bits are received masked to the word length", () => {
    const b = bench();
    b.divisor(1, 0x02); // 7N1
    b.uart.inject([0xff]);
    b.at(CHAR);
    expect(b.in(RBR)).toBe(0x7f);
  });

  it("a back end's input reaches the receiver through onInput", () => {
    const b = bench();
    b.divisor(1);
    b.host.type("z");
    b.at(CHAR);
    expect(b.in(RBR)).toBe(0x7a);
    expect(b.in(COM1 + 5) & 1).toBe(0);
  });
});
