import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { CLOCK, CONSOLE, ConfigError, DEVICE_ID, DEVICE_OPTIONS, type JsonValue } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Uart, uartPlugin } from "../src/index.js";
import { BIT, CHAR, FCR, IER, LSR, MCR, RBR, THR, bench, prng } from "./helpers.js";

describe("options", () => {
  it("default to COM1 (0x3F8, IRQ 4), console back end, baud timing; the IRQ follows the COM port", () => {
    const kit = new DeviceTestKit();
    expect(uartPlugin.name).toBe("uart");
    expect(kit.options(uartPlugin)).toEqual({ port: 0x3f8, irq: 4, backend: "console", timing: "baud" });
    expect(kit.options(uartPlugin, { port: 0x2f8 }).irq).toBe(3);
    expect(kit.options(uartPlugin, { port: 0x3e8 }).irq).toBe(4);
    expect(kit.options(uartPlugin, { port: 0x2e8 }).irq).toBe(3);
    expect(kit.options(uartPlugin, { port: 0x2f8, irq: 5 }).irq).toBe(5);
  });

  it("reject bad options with one line naming the option", () => {
    const kit = new DeviceTestKit();
    const cases: [unknown, RegExp][] = [
      [{ irq: 16 }, /^device 'uart': option 'irq': .*15/],
      [{ port: 0x10000 }, /^device 'uart': option 'port': /],
      [{ backend: "stdout" }, /^device 'uart': option 'backend': /],
      [{ timing: "slow" }, /^device 'uart': option 'timing': /],
      [{ baud: 9600 }, /^device 'uart': unknown option 'baud'$/],
    ];
    for (const [opts, re] of cases) {
      let err: unknown;
      try {
        kit.options(uartPlugin, opts);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(opts)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("claims 8 ports at the base and its IRQ; COM2 at 0x2F8 on IRQ 3", () => {
    const b = bench({ port: 0x2f8, irq: 3 });
    expect(b.kit.bus.ports.ownerOf(0x2f8)).toBe("uart");
    expect(b.kit.bus.ports.ownerOf(0x2ff)).toBe("uart");
    expect(b.kit.bus.ports.ownerOf(0x300)).toBeUndefined();
    expect(b.kit.bus.irqs.ownerOf(3)).toBe("uart");
  });

  it("is constructible by the DI container; the console back end writes to the CONSOLE sink", () => {
    const kit = new DeviceTestKit();
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "com1" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(uartPlugin, { timing: "fast" }) });
    c.register(CLOCK, { useValue: kit.clock });
    c.register(CONSOLE, { useValue: kit.console });
    const uart = kit.install(c.resolve(Uart));
    expect(uart.id).toBe("com1");
    kit.out8(0x3fb, 0x03);
    kit.out8(0x3fa, 0x01);
    for (const ch of "ok\n") kit.out8(0x3f8, ch.charCodeAt(0));
    kit.advanceTicks(10);
    expect(String.fromCharCode(...kit.consoleBytes)).toBe("ok\n");
  });

  it("backend 'none' discards output", () => {
    const kit = new DeviceTestKit();
    kit.install(new Uart("uart", kit.options(uartPlugin, { backend: "none", timing: "fast" }), kit.clock, kit.console));
    kit.out8(0x3f8, 0x41);
    kit.advanceTicks(10);
    expect(kit.consoleBytes).toEqual([]);
  });
});

describe("README example", () => {
  it("prints through the console at 115200 baud, each character 86.8 us of virtual time", () => {
    const kit = new DeviceTestKit({ clock: { tscHz: 1_000_000_000 } });
    kit.install(new Uart("uart", kit.options(uartPlugin), kit.clock, kit.console));
    kit.out8(0x3fb, 0x83); // DLAB, 8N1
    kit.out8(0x3f8, 1); // divisor 1: 115200 baud
    kit.out8(0x3f9, 0);
    kit.out8(0x3fb, 0x03);
    kit.out8(0x3fa, 0x07); // FIFOs on, both reset
    for (const c of "Hi") kit.out8(0x3f8, c.charCodeAt(0));
    kit.advanceNs(8_681 + 2 * 86_806); // one bit, then two 10-bit characters
    expect(String.fromCharCode(...kit.consoleBytes)).toBe("Hi");
  });
});

/** A busy UART: FIFOs, loopback traffic, host input, a timeout pending, modem deltas. */
function busy() {
  const b = bench();
  b.divisor(3);
  b.out(FCR, 0x47);
  b.out(MCR, 0x0b);
  b.out(IER, 0x0f);
  b.uart.inject("host input, more than sixteen bytes long");
  for (const c of "guest output") b.out(THR, c.charCodeAt(0));
  b.at(3 * (BIT + 5 * CHAR) + 1234);
  b.uart.setModemInputs({ ri: true });
  b.uart.setModemInputs({ ri: false });
  b.out(0x3ff, 0x5a);
  return b;
}

function script(b: ReturnType<typeof bench>): number[] {
  const out: number[] = [];
  for (let i = 0; i < 80; i++) {
    b.at(b.kit.clock.ticks + 77_777);
    for (let p = 0; p < 8; p++) if (p !== 0 || i % 3 === 0) out.push(b.in(0x3f8 + p));
    if (i === 20) b.out(MCR, 0x1b);
    if (i === 25) b.out(THR, 0x77);
    if (i === 40) b.out(MCR, 0x0b);
  }
  return out;
}

describe("saveState / loadState", () => {
  it("round-trips mid-transfer: the restored UART behaves identically from then on", () => {
    const a = busy();
    const from = a.kit.clock.ticks;
    const saved = JSON.parse(JSON.stringify(a.uart.saveState())) as JsonValue;
    const b = bench();
    b.kit.clock.loadState(a.kit.clock.saveState());
    b.uart.loadState(saved);
    expect(b.uart.saveState()).toEqual(saved);
    expect(b.kit.clock.pendingTimers()).toEqual(a.kit.clock.pendingTimers());
    expect(b.kit.bus.irqs.level(4)).toBe(a.kit.bus.irqs.level(4));
    const sentBefore = a.host.bytes.length;
    expect(script(b)).toEqual(script(a));
    expect(b.host.bytes).toEqual(a.host.bytes.slice(sentBefore));
    expect(b.rises(from)).toEqual(a.rises(from));
    expect(a.rises(from).length).toBeGreaterThan(3);
  });

  it("rejects a state it did not write, naming the field, and changes nothing", () => {
    const b = busy();
    const good = b.uart.saveState() as { [k: string]: JsonValue };
    const before = JSON.stringify(good);
    const bad = (k: string, v: JsonValue) => ({ ...good, [k]: v });
    const cases: [JsonValue, RegExp][] = [
      [null, /^uart state: Invalid input: expected object, received null$/],
      [{ ...good, extra: 1 }, /^uart state: unknown field 'extra'$/],
      [bad("ier", 0x10), /field 'ier': expected a whole number from 0 to 15, got 16/],
      [bad("txFifo", new Array(17).fill(0)), /field 'txFifo': expected an array of at most 16/],
      [bad("rxFifo", [1, "x"]), /field 'rxFifo\.1'/],
      [bad("fifoEnabled", 1), /field 'fifoEnabled': expected true or false/],
      [bad("timeoutDeadline", -2), /field 'timeoutDeadline'/],
    ];
    for (const [state, re] of cases) expect(() => b.uart.loadState(state)).toThrow(re);
    expect(JSON.stringify(b.uart.saveState())).toBe(before);
  });

  it("reset() is the master reset: registers at their reset values, no timers, IRQ low", () => {
    const b = busy();
    b.uart.reset();
    expect(b.kit.clock.pendingTimers()).toEqual([]);
    expect(b.kit.bus.irqs.level(4)).toBe(false);
    expect([1, 2, 3, 4, 5].map((o) => b.in(0x3f8 + o))).toEqual([0, 1, 0, 0, 0x60]);
  });
});

describe("robustness", () => {
  it("no port sequence throws; the IRQ line always equals the UART's output; at most 3 timers", () => {
    const rnd = prng(16550);
    const b = bench();
    let rises = 0;
    for (let i = 0; i < 20_000; i++) {
      const port = 0x3f8 + Math.floor(rnd() * 8);
      const r = rnd();
      if (r < 0.4) {
        let v = Math.floor(rnd() * 256);
        if (port === 0x3fb && rnd() < 0.8) v &= 0x7f; // mostly DLAB clear
        if (port === 0x3f9 && rnd() < 0.5) v = (b.in(0x3fb) & 0x80) === 0 ? v : 0; // small divisors
        b.out(port, v);
      } else if (r < 0.85) b.in(port);
      else if (r < 0.9) b.uart.inject([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]);
      else if (r < 0.92) b.uart.injectBreak();
      else if (r < 0.94) b.uart.setModemInputs({ cts: rnd() < 0.5, ri: rnd() < 0.5 });
      else if (r < 0.95) b.uart.flush();
      else if (r < 0.96) b.kit.out16(port & ~1, Math.floor(rnd() * 65536));
      else b.kit.in32(0x3f8 + 4 * Math.floor(rnd() * 2));
      if (rnd() < 0.3) b.kit.advanceTicks(Math.floor(rnd() * (rnd() < 0.9 ? 50_000 : 5_000_000)));
      expect(b.kit.bus.irqs.level(4)).toBe(b.uart.irqOutput);
      expect(b.kit.clock.pendingTimers().length).toBeLessThanOrEqual(3);
      if (i % 1000 === 999) {
        const s = JSON.parse(JSON.stringify(b.uart.saveState())) as JsonValue;
        b.uart.loadState(s);
        expect(b.uart.saveState()).toEqual(s);
      }
      rises = b.rises().length;
    }
    expect(rises).toBeGreaterThan(50);
    expect(b.host.bytes.length + b.uart.charactersTransmitted).toBeGreaterThan(100);
  }, 60_000);
});

describe("host back end with RBR and LSR", () => {
  it("echo: a polled guest reads host input and writes it back", () => {
    const b = bench();
    b.divisor(1);
    b.out(FCR, 0x01);
    b.uart.inject("echo me");
    for (let t = 0; t < 30 * CHAR; t += BIT) {
      b.at(t);
      if (b.in(LSR) & 1) b.out(THR, b.in(RBR));
    }
    expect(b.host.text()).toBe("echo me");
  });
});
