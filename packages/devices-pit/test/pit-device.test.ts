import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { CLOCK, ConfigError, DEVICE_ID, DEVICE_OPTIONS, type JsonValue } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Pit, pitPlugin } from "../src/index.js";
import { type Bench, EXACT_HZ, bench, program, prng } from "./helpers.js";

describe("port 0x61", () => {
  it("reads back bits 0-3 as written, the refresh toggle every 18 PIT clocks and OUT2", () => {
    const b = bench();
    b.kit.out8(0x61, 0xff);
    expect(b.kit.in8(0x61) & 0xcf).toBe(0x0f); // bits 6 and 7 stay clear
    expect([17_999, 18_000, 35_999, 36_000, 54_000].map((t) => (b.at(t), (b.kit.in8(0x61) >> 4) & 1))).toEqual([
      0, 1, 1, 0, 1,
    ]);
    b.kit.out8(0x61, 0x02);
    expect(b.kit.in8(0x61) & 0x0f).toBe(0x02);
    expect(b.kit.in8(0x61) & 0x20).toBe(0x20); // OUT2 high at power-on
  });

  it("supports the PC's TSC calibration loop: gate 2 on, mode 0, poll bit 5", () => {
    // What Linux's pit_calibrate_tsc does: speaker off, gate on, counter 2 mode 0 with
    // 0xFFFF, then spin until OUT2 goes high, reading the TSC before and after.
    for (const hz of [1_000_000_000, 2_893_741_117]) {
      const kit = new DeviceTestKit({ clock: { tscHz: hz } });
      kit.install(new Pit("pit", kit.options(pitPlugin), kit.clock));
      kit.out8(0x61, (kit.in8(0x61) & ~0x02) | 0x01);
      kit.out8(0x43, 0xb0);
      kit.out8(0x42, 0xff);
      kit.out8(0x42, 0xff);
      const start = kit.clock.ticks;
      while ((kit.in8(0x61) & 0x20) === 0) kit.advanceTicks(997);
      const elapsed = kit.clock.ticks - start;
      // 0xFFFF + 1 PIT clocks; polling granularity 997 ticks.
      const expected = (0x10000 * hz) / 1_193_182;
      expect(elapsed).toBeGreaterThanOrEqual(expected - 1);
      expect(elapsed).toBeLessThan(expected + 998);
    }
  });

  it("can be left to another device (port61: false); GATE 2 is then driven through the API", () => {
    const b = bench(EXACT_HZ, { port61: false });
    expect(b.kit.bus.ports.ownerOf(0x61)).toBeUndefined();
    expect(b.kit.in8(0x61)).toBe(0xff);
    program(b, 2, 0xb2, 3); // mode 1
    b.at(1_500);
    b.pit.setChannel2Gate(true);
    b.at(2_000);
    expect(b.pit.out(2)).toBe(false);
    b.at(5_000);
    expect(b.pit.out(2)).toBe(true);
    expect(b.pit.count(2)).toBe(0);
  });
});

describe("README example", () => {
  it("divisor 11931 on channel 0 raises IRQ 0 100 times in one virtual second", () => {
    const kit = new DeviceTestKit({ clock: { tscHz: 1_000_000_000 } });
    kit.install(new Pit("pit", kit.options(pitPlugin), kit.clock));
    kit.out8(0x43, 0x34);
    kit.out8(0x40, 0x9b);
    kit.out8(0x40, 0x2e);
    kit.advanceNs(1e9);
    expect(kit.irqEvents.filter((e) => e.high && e.tick > 0).length).toBe(100);
  });
});

describe("options", () => {
  it("defaults to IRQ 0 and port 0x61", () => {
    const kit = new DeviceTestKit();
    expect(kit.options(pitPlugin)).toEqual({ irq: 0, port61: true });
    expect(pitPlugin.name).toBe("pit");
  });

  it("rejects bad options with one line naming the option", () => {
    const kit = new DeviceTestKit();
    const cases: [unknown, RegExp][] = [
      [{ irq: 16 }, /^device 'pit': option 'irq': .*15/],
      [{ irq: -1 }, /^device 'pit': option 'irq': /],
      [{ irq: 1.5 }, /^device 'pit': option 'irq': .*int/i],
      [{ irq: "0" }, /^device 'pit': option 'irq': .*number/],
      [{ port61: 1 }, /^device 'pit': option 'port61': .*boolean/],
      [{ irqs: 0 }, /^device 'pit': unknown option 'irqs'$/],
    ];
    for (const [opts, re] of cases) {
      let err: unknown;
      try {
        kit.options(pitPlugin, opts);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(opts)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("is constructible by the DI container from explicit tokens", () => {
    const kit = new DeviceTestKit();
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "pit0" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(pitPlugin, { irq: 3 }) });
    c.register(CLOCK, { useValue: kit.clock });
    const pit = kit.install(c.resolve(Pit));
    expect(pit.id).toBe("pit0");
    expect(kit.bus.ports.ownerOf(0x43)).toBe("pit0");
    expect(kit.bus.irqs.ownerOf(3)).toBe("pit0");
  });
});

/** A scripted session used to compare two PITs. */
function script(b: Bench, from: number): number[] {
  const reads: number[] = [];
  const t = (k: number) => from + k * 77_777;
  for (let i = 1; i <= 40; i++) {
    b.at(t(i * 50));
    for (let ch = 0; ch < 3; ch++) reads.push(b.kit.in8(0x40 + ch));
    reads.push(b.kit.in8(0x61));
    reads.push(b.status(i % 3));
    if (i === 10) b.kit.out8(0x61, 0); // gate 2 low
    if (i === 12) b.kit.out8(0x61, 1); // retrigger
    if (i === 20) b.kit.out8(0x41, 0x33); // second half of a pending count
  }
  return reads;
}

describe("saveState / loadState", () => {
  function busy(): Bench {
    const b = bench(1_000_000_000);
    b.kit.out8(0x61, 1);
    program(b, 0, 0x34, 2000); // IRQ 0 every 2000 clocks
    program(b, 1, 0x76, 1001); // square wave, odd
    program(b, 2, 0xb2, 700); // one-shot, waiting for a trigger
    b.at(3_333_333);
    b.kit.out8(0x61, 0);
    b.kit.out8(0x61, 1); // trigger
    b.at(3_400_000);
    b.kit.out8(0x43, 0x40); // latch counter 1, read one byte of it
    b.kit.in8(0x41);
    b.kit.out8(0x41, 0x10); // first byte of a new counter-1 count
    b.kit.out8(0x43, 0xe1 | 0x0c); // status of counters 1 and 2 latched
    return b;
  }

  it("round-trips mid-count: the restored PIT behaves identically from then on", () => {
    const a = busy();
    const from = a.kit.clock.ticks;
    const saved = JSON.parse(JSON.stringify(a.pit.saveState())) as JsonValue;
    const clockState = a.kit.clock.saveState();

    const b = bench(1_000_000_000);
    b.kit.clock.loadState(clockState);
    b.pit.loadState(saved);
    expect(b.kit.bus.irqs.level(0)).toBe(a.kit.bus.irqs.level(0));
    expect(b.kit.clock.pendingTimers()).toEqual(a.kit.clock.pendingTimers());
    expect(b.pit.saveState()).toEqual(saved);

    const ra = script(a, from);
    const rb = script(b, from);
    expect(rb).toEqual(ra);
    expect(b.irqAfter(from)).toEqual(a.irqAfter(from));
    expect(a.irqAfter(from).length).toBeGreaterThan(20);
  });

  it("rejects a state it did not write, naming the field, and changes nothing", () => {
    const b = busy();
    const good = JSON.parse(JSON.stringify(b.pit.saveState())) as { [k: string]: JsonValue };
    const before = b.pit.saveState();
    const bad = (mutate: (s: any) => void) => {
      const s = JSON.parse(JSON.stringify(good));
      mutate(s);
      return s;
    };
    const cases: [JsonValue, RegExp][] = [
      [null, /^pit state: Invalid input: expected object, received null$/],
      [bad((s) => (s.channels[1].run = 5)), /^pit state: field 'channels\.1\.run': Invalid input: expected object, received number$/],
      [bad((s) => (s.channels = "three")), /^pit state: field 'channels': expected an array of 3, got "three"$/],
      [bad((s) => (s.channels = [])), /field 'channels': expected an array of 3, got \[\]$/],
      [bad((s) => (s.channels[1].run.ce = -3)), /field 'channels\.1\.run\.ce': expected a whole number from 0 to 65536, got -3/],
      [bad((s) => delete s.channels[2].gate), /field 'channels\.2\.gate': expected true or false, got nothing/],
      [bad((s) => (s.channels[0].modeBits = 8)), /field 'channels\.0\.modeBits'/],
      [bad((s) => (s.irqEdge = "soon")), /field 'irqEdge'/],
      [bad((s) => (s.port61 = 0x10)), /field 'port61'/],
    ];
    for (const [state, re] of cases) {
      expect(() => b.pit.loadState(state)).toThrow(ConfigError);
      expect(() => b.pit.loadState(state)).toThrow(re);
    }
    expect(b.pit.saveState()).toEqual(before);
  });

  it("reset() returns to power-on: unprogrammed, OUT high, IRQ line high, no timer", () => {
    const b = busy();
    b.pit.reset();
    expect(b.kit.clock.pendingTimers()).toEqual([]);
    expect(b.kit.bus.irqs.level(0)).toBe(true);
    for (let ch = 0; ch < 3; ch++) expect(b.status(ch)).toBe(0xc0);
    expect(b.kit.in8(0x61) & 0x2f).toBe(0x20);
  });
});

describe("robustness", () => {
  it("no access sequence throws, and the IRQ line always equals OUT0", () => {
    const rnd = prng(2024);
    const b = bench(1_000_000_000);
    const ports = [0x40, 0x41, 0x42, 0x43, 0x43, 0x43, 0x61];
    let timersSeen = 0;
    for (let i = 0; i < 15_000; i++) {
      const port = ports[Math.floor(rnd() * ports.length)]!;
      const r = rnd();
      if (r < 0.45) {
        // Bias control words toward counter 0 and small counts so edges happen often.
        let v = Math.floor(rnd() * 256);
        if (port === 0x40 && rnd() < 0.7) v = Math.floor(rnd() * 8);
        b.kit.out8(port, v);
      } else if (r < 0.9) b.kit.in8(port);
      else if (r < 0.95) b.kit.out16(port, Math.floor(rnd() * 65536));
      else b.kit.in32(port);
      if (rnd() < 0.3) b.kit.advanceTicks(Math.floor(rnd() * (rnd() < 0.9 ? 5_000 : 5_000_000)));
      expect(b.kit.bus.irqs.level(0)).toBe(b.pit.out(0));
      const pending = b.kit.clock.pendingTimers();
      expect(pending.length).toBeLessThanOrEqual(1);
      timersSeen += pending.length;
    }
    expect(timersSeen).toBeGreaterThan(1000);
    expect(b.kit.irqEvents.length).toBeGreaterThan(100);
  }, 30_000);
});
