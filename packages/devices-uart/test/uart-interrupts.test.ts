import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { BIT, CHAR, FCR, IER, IIR, LCR, LSR, MCR, MSR, RBR, THR, bench } from "./helpers.js";

/** A UART at divisor 1, 8N1, with OUT2 set so its interrupts reach IRQ 4. */
function ready(fifo?: number) {
  const b = bench();
  b.divisor(1);
  b.out(MCR, 0x0b); // DTR, RTS, OUT2
  if (fifo !== undefined) b.out(FCR, fifo);
  return b;
}

describe("THRE interrupt", () => {
  it("is raised by enabling ETBEI while THR is empty, cleared by reading IIR, re-armed by enabling again", () => {
    const b = ready();
    b.out(IER, 0x02);
    expect(b.kit.bus.irqs.level(4)).toBe(true);
    expect(b.in(IIR)).toBe(0x02);
    expect(b.in(IIR)).toBe(0x01); // the read cleared it
    expect(b.kit.bus.irqs.level(4)).toBe(false);
    b.out(IER, 0x02); // already enabled: no edge, nothing new
    expect(b.in(IIR)).toBe(0x01);
    b.out(IER, 0x00);
    b.out(IER, 0x02); // 0 -> 1 with THRE set: pending again (what Linux's THRE test checks)
    expect(b.in(IIR)).toBe(0x02);
  });

  it("is cleared by writing THR and comes back when the byte moves to the shift register", () => {
    const b = ready();
    b.out(IER, 0x02);
    b.at(1000);
    b.out(THR, 0x41);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
    expect(b.in(IIR)).toBe(0x01);
    b.at(1000 + BIT);
    expect(b.rises(1000)).toEqual([1000 + BIT]);
    expect(b.in(IIR)).toBe(0x02);
  });

  it("an interrupt-driven writer gets one IRQ edge per byte (no FIFO) and per FIFO-load (FIFO)", () => {
    for (const fifo of [false, true]) {
      const b = ready(fifo ? 0x07 : 0x00);
      b.out(IER, 0x02);
      const text = "interrupts!".repeat(3);
      let next = 0;
      const handler = () => {
        while ((b.in(IIR) & 0x0f) === 0x02) {
          for (let n = 0; n < (fifo ? 16 : 1) && next < text.length; n++) b.out(THR, text.charCodeAt(next++));
          if (next === text.length) b.out(IER, 0x00);
        }
      };
      let seen = 0;
      for (let t = 0; t < 40 * (BIT + CHAR); t += 1000) {
        b.at(t);
        const r = b.rises().length;
        if (r > seen) {
          seen = r;
          handler();
        }
      }
      expect(b.host.text()).toBe(text);
      expect(seen).toBe(fifo ? 3 : text.length);
    }
  });
});

describe("received data interrupts", () => {
  it("without FIFOs: data available as soon as a character is in RBR, cleared by reading it", () => {
    const b = ready();
    b.out(IER, 0x01);
    b.uart.inject("x");
    b.at(CHAR);
    expect(b.rises()).toEqual([CHAR]);
    expect(b.in(IIR)).toBe(0x04);
    expect(b.in(RBR)).toBe(0x78);
    expect(b.in(IIR)).toBe(0x01);
  });

  for (const [bits, level] of [
    [0x00, 1],
    [0x40, 4],
    [0x80, 8],
    [0xc0, 14],
  ] as const) {
    it(`FIFO trigger level ${level}: interrupt when ${level} characters are waiting, until fewer are`, () => {
      const b = ready(0x01 | bits);
      b.out(IER, 0x01);
      b.uart.inject(Array.from({ length: level }, (_, i) => 0x40 + i));
      b.at(level * CHAR - 1);
      expect(b.in(IIR)).toBe(0xc1);
      b.at(level * CHAR);
      expect(b.in(IIR)).toBe(0xc4);
      expect(b.rises()).toEqual([level * CHAR]);
      b.in(RBR);
      // One fewer than the trigger: no data-available interrupt (a timeout may come later).
      expect(b.in(IIR)).toBe(0xc1);
    });
  }

  it("character timeout: characters below the trigger level, nothing received or read for 4 character times", () => {
    const b = ready(0x81); // trigger 8
    b.out(IER, 0x01);
    b.uart.inject("abc");
    b.at(3 * CHAR + 4 * CHAR - 1);
    expect(b.in(IIR)).toBe(0xc1);
    b.at(3 * CHAR + 4 * CHAR);
    expect(b.in(IIR)).toBe(0xcc);
    expect(b.rises()).toEqual([7 * CHAR]);
    expect(b.in(RBR)).toBe(0x61); // the read clears it and restarts the timer
    expect(b.in(IIR)).toBe(0xc1);
    const t = b.kit.clock.ticks;
    b.at(t + 4 * CHAR - 1);
    expect(b.in(IIR)).toBe(0xc1);
    b.at(t + 4 * CHAR);
    expect(b.in(IIR)).toBe(0xcc);
    b.in(RBR);
    b.in(RBR);
    b.at(t + 100 * CHAR);
    expect(b.in(IIR)).toBe(0xc1); // empty: no timeout
  });

  it("ERBFI gates the timeout interrupt too: enabling it later reports the timeout at once", () => {
    const b = ready(0x81);
    b.uart.inject("a");
    b.at(10 * CHAR);
    expect(b.in(IIR)).toBe(0xc1);
    b.out(IER, 0x01);
    expect(b.in(IIR)).toBe(0xcc);
  });
});

describe("line status: overrun, break, FIFO error bit", () => {
  it("loopback without FIFOs: a second character before RBR is read overruns it (OE), reading LSR clears OE", () => {
    const b = ready();
    b.out(MCR, 0x1b);
    b.out(IER, 0x04);
    b.out(THR, 1);
    b.at(BIT);
    b.out(THR, 2);
    b.at(BIT + 2 * CHAR);
    expect(b.in(IIR)).toBe(0x06);
    expect(b.in(LSR)).toBe(0x63);
    expect(b.in(LSR)).toBe(0x61);
    expect(b.in(IIR)).toBe(0x01);
    expect(b.in(RBR)).toBe(2); // the newer character replaced the older
  });

  it("loopback with FIFOs: the 17th character is lost and sets OE", () => {
    const b = ready(0x01);
    b.out(MCR, 0x1b);
    for (let i = 0; i < 16; i++) b.out(THR, i);
    b.at(BIT + 16 * CHAR);
    b.out(THR, 99);
    b.at(BIT + 18 * CHAR);
    expect(b.in(LSR) & 0x03).toBe(0x03);
    const got: number[] = [];
    while (b.in(LSR) & 1) got.push(b.in(RBR));
    expect(got).toEqual([...Array(16).keys()]);
  });

  it("a break set in loopback is received as a zero character with BI; LSR bit 7 while it is in the FIFO", () => {
    const b = ready(0x01);
    b.out(MCR, 0x1b);
    b.out(IER, 0x05);
    b.out(LCR, 0x43);
    b.at(CHAR);
    expect(b.in(IIR)).toBe(0xc6); // line status beats data available
    expect(b.in(LSR)).toBe(0xf1); // FIFO error, TEMT, THRE, BI, DR
    expect(b.in(LSR)).toBe(0xe1); // BI read-cleared; its character is still in the FIFO
    expect(b.in(IIR)).toBe(0xc4);
    expect(b.in(RBR)).toBe(0);
    expect(b.in(LSR)).toBe(0x60);
  });

  it("a host break (injectBreak) arrives after queued bytes, and its BI shows when it reaches the top", () => {
    const b = ready(0x01);
    b.uart.inject("a");
    b.uart.injectBreak();
    b.at(2 * CHAR);
    expect(b.in(LSR) & 0x9f).toBe(0x81); // DR, FIFO error; BI not yet: 'a' is on top
    expect(b.in(RBR)).toBe(0x61);
    expect(b.in(LSR) & 0x1f).toBe(0x11);
    expect(b.in(RBR)).toBe(0);
  });
});

describe("interrupt priorities (IIR)", () => {
  it("line status > received data > THRE > modem status, each cleared its own way", () => {
    const b = ready(0x01);
    b.out(MCR, 0x19); // loopback with DTR and OUT2: CTS falls (RTS is off), a modem delta
    b.out(LCR, 0x43); // break → a zero character with BI
    b.at(CHAR);
    b.out(LCR, 0x03);
    b.out(THR, 1);
    b.at(BIT + 2 * CHAR);
    b.out(LCR, 0x03);
    b.out(IER, 0x0f);
    expect(b.in(IIR)).toBe(0xc6);
    b.in(LSR);
    expect(b.in(IIR)).toBe(0xc4);
    b.in(RBR);
    b.in(RBR);
    expect(b.in(IIR)).toBe(0xc2); // THRE (set by the IER write)
    expect(b.in(IIR)).toBe(0xc0); // THRE cleared by that read; modem status
    expect(b.in(MSR)).toBe(0xa1);
    expect(b.in(IIR)).toBe(0xc1);
  });
});

describe("modem status", () => {
  it("deltas follow the host's lines; TERI only on RI's trailing edge; reading MSR clears them", () => {
    const b = ready();
    b.out(IER, 0x08);
    b.uart.setModemInputs({ cts: false });
    expect(b.in(IIR)).toBe(0x00);
    expect(b.in(MSR)).toBe(0xa1);
    expect(b.in(IIR)).toBe(0x01);
    b.uart.setModemInputs({ ri: true });
    expect(b.in(MSR)).toBe(0xe0); // RI rising: no delta
    b.uart.setModemInputs({ ri: false, dsr: false, dcd: false });
    expect(b.in(MSR)).toBe(0x0e);
    expect(b.in(MSR)).toBe(0x00);
  });

  it("in loopback the inputs are the MCR outputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD", () => {
    const b = ready();
    b.uart.setModemInputs({ cts: false, dsr: false, dcd: false });
    b.in(MSR);
    for (const [mcr, msr] of [
      [0x10, 0x00],
      [0x12, 0x10],
      [0x11, 0x20],
      [0x14, 0x40],
      [0x18, 0x80],
      [0x1a, 0x90], // what Linux's loopback probe expects
      [0x1f, 0xf0],
    ]) {
      b.out(MCR, mcr!);
      expect(b.in(MSR) & 0xf0, `MCR ${mcr!.toString(16)}`).toBe(msr);
    }
  });
});

describe("loopback and OUT2", () => {
  it("loopback sends TX to RX, not to the host; host input waits until loopback ends", () => {
    const b = ready(0x01);
    b.out(MCR, 0x1b);
    b.uart.inject("h");
    b.out(THR, 0x6c);
    b.at(BIT + CHAR);
    expect(b.host.bytes).toEqual([]);
    expect(b.in(RBR)).toBe(0x6c);
    expect(b.in(LSR) & 1).toBe(0);
    b.at(10 * CHAR);
    b.out(MCR, 0x0b);
    b.at(11 * CHAR);
    expect(b.in(RBR)).toBe(0x68);
  });

  it("IRQ reaches the line only with OUT2 set and loopback off; IIR reports regardless", () => {
    const b = bench();
    b.out(IER, 0x02);
    expect(b.in(IIR)).toBe(0x02);
    b.out(IER, 0x00);
    b.out(IER, 0x02);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
    b.out(MCR, 0x08);
    expect(b.kit.bus.irqs.level(4)).toBe(true);
    b.out(MCR, 0x18);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
    expect(b.uart.irqOutput).toBe(false);
    b.out(MCR, 0x08);
    expect(b.uart.irqOutput).toBe(true);
    b.out(MCR, 0x00);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
  });
});
