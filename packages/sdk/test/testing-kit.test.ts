import { describe, expect, it } from "vitest";
import { type Bus, type Device, type JsonValue, type VirtualClock, defineDevicePlugin, z } from "../src/index.js";
import { DeviceTestKit } from "../src/testing/index.js";

/** A tiny device written against the SDK as a plugin author would: a periodic IRQ source. */
class Ticker implements Device {
  private count = 0;
  private period = 0;
  /** The next firing's TSC tick: saved, so a restored device keeps the same phase. */
  private next = 0;
  private timer: { cancel(): void } | undefined;
  private irq!: ReturnType<Bus["irqs"]["claim"]>;

  constructor(readonly id: string, private readonly clock: VirtualClock, private readonly options: { irq: number }) {}

  attach(bus: Bus): void {
    this.irq = bus.irqs.claim(this.id, this.options.irq);
    bus.ports.claim({
      owner: this.id,
      base: 0x300,
      count: 2,
      handlers: {
        read8: (o) => (o === 0 ? this.count & 0xff : this.period),
        write8: (o, v) => o === 1 && this.program(v),
      },
    });
  }

  private program(period: number): void {
    this.period = period;
    this.arm(this.clock.ticks);
  }

  private arm(from: number): void {
    this.next = from + this.period;
    this.schedule();
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = this.period ? this.clock.scheduleAt(this.next, (now) => this.fire(now), this.id) : undefined;
  }

  private fire(now: number): void {
    this.count++;
    this.irq.pulse();
    this.arm(now);
  }

  reset(): void {
    this.count = 0;
    this.period = 0;
    this.arm(0);
  }

  saveState(): JsonValue {
    return { count: this.count, period: this.period, next: this.next };
  }

  loadState(state: JsonValue): void {
    const s = state as { count: number; period: number; next: number };
    this.count = s.count;
    this.period = s.period;
    this.next = s.next;
    this.schedule();
  }
}

const tickerPlugin = defineDevicePlugin({
  name: "ticker",
  description: "test device",
  options: z.object({ irq: z.number().int().min(0).max(15).default(5) }).strict(),
  device: Ticker,
});

describe("DeviceTestKit", () => {
  it("drives a device through ports and virtual time with no CPU", () => {
    const kit = new DeviceTestKit();
    const t = kit.install(new Ticker("ticker", kit.clock, kit.options(tickerPlugin)));
    kit.out8(0x301, 100);
    kit.advanceTicks(350);
    expect(kit.in8(0x300)).toBe(3);
    expect(kit.irqEvents.filter((e) => e.high).map((e) => e.tick)).toEqual([100, 200, 300]);
    expect(kit.irqEvents.every((e) => e.line === 5)).toBe(true);
    expect(t.saveState()).toEqual({ count: 3, period: 100, next: 400 });
  });

  it("restores a saved device so that it behaves identically afterwards", () => {
    const a = new DeviceTestKit();
    const ta = a.install(new Ticker("ticker", a.clock, { irq: 5 }));
    a.out8(0x301, 30);
    a.advanceTicks(100);
    const saved = JSON.parse(JSON.stringify({ clock: a.clock.saveState(), dev: ta.saveState() }));

    const b = new DeviceTestKit();
    const tb = b.install(new Ticker("ticker", b.clock, { irq: 5 }));
    b.clock.loadState(saved.clock);
    tb.loadState(saved.dev);
    a.advanceTicks(100);
    b.advanceTicks(100);
    expect(tb.saveState()).toEqual(ta.saveState());
    expect(b.irqEvents.map((e) => e.tick)).toEqual(a.irqEvents.filter((e) => e.tick > 100).map((e) => e.tick));
  });

  it("validates options the way the machine does", () => {
    const kit = new DeviceTestKit();
    expect(kit.options(tickerPlugin)).toEqual({ irq: 5 });
    expect(() => kit.options(tickerPlugin, { irq: 99 })).toThrow(/device 'ticker': option 'irq': .*15/);
    expect(() => kit.options(tickerPlugin, { irq: 1, speed: 2 })).toThrow("device 'ticker': unknown option 'speed'");
  });

  it("has RAM mapped at 0 for memory-touching devices", () => {
    const kit = new DeviceTestKit({ ramSize: 0x10000 });
    kit.write(0x100, 0xabcd, 2);
    expect(kit.read(0x100, 2)).toBe(0xabcd);
    expect(kit.read(0x10000, 1)).toBe(0xff);
  });

  it("rejects invalid plugin names", () => {
    expect(() => defineDevicePlugin({ name: "Bad Name", description: "", options: z.object({}), device: Ticker })).toThrow(
      /lower case/,
    );
  });
});
