import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { CLOCK, ConfigError, DEVICE_ID, DEVICE_OPTIONS, type JsonValue } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Rtc, cmosChecksum, parseStartTime, rtcPlugin } from "../src/index.js";
import { CYCLE, HZ, SECOND, bench, clockBytes, prng } from "./helpers.js";

describe("options", () => {
  it("defaults: ports 0x70/0x71, IRQ 8, a fixed start date, memory from the bus, equipment 0", () => {
    const kit = new DeviceTestKit();
    expect(rtcPlugin.name).toBe("rtc");
    expect(kit.options(rtcPlugin)).toEqual({ port: 0x70, irq: 8, time: "2000-01-01T00:00:00Z", equipment: 0 });
    const b = bench();
    expect([b.kit.bus.ports.ownerOf(0x70), b.kit.bus.ports.ownerOf(0x71), b.kit.bus.irqs.ownerOf(8)]).toEqual(["rtc", "rtc", "rtc"]);
  });

  it("reject bad options with one line naming the option", () => {
    const kit = new DeviceTestKit();
    const cases: [unknown, RegExp][] = [
      [{ time: "yesterday" }, /^device 'rtc': option 'time': expected an ISO 8601 date-time/],
      [{ time: "2023-02-30T00:00:00Z" }, /option 'time'/],
      [{ time: "2000-01-01T00:00:00" }, /option 'time'/], // no zone: would depend on the host's
      [{ time: "1850-01-01T00:00:00Z" }, /option 'time'/],
      [{ irq: 16 }, /^device 'rtc': option 'irq': /],
      [{ baseMemoryKiB: 1024 }, /option 'baseMemoryKiB'/],
      [{ equipment: 256 }, /option 'equipment'/],
      [{ century: 0x32 }, /^device 'rtc': unknown option 'century'$/],
    ];
    for (const [opts, re] of cases) {
      let err: unknown;
      try {
        kit.options(rtcPlugin, opts);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(opts)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("parses start times with zones and fractions", () => {
    expect(parseStartTime("2000-01-01T00:00:00Z")).toMatchObject({ year: 2000, dayOfWeek: 7, millis: 0 });
    expect(parseStartTime("2099-12-31T23:59Z")).toMatchObject({ year: 2099, month: 12, day: 31, hours: 23, minutes: 59 });
    expect(parseStartTime("1999-12-31T23:00:00.5-02:00")).toMatchObject({ year: 2000, hours: 1, millis: 500 });
    expect(parseStartTime("2000-13-01T00:00:00Z")).toBeUndefined();
  });

  it("is constructible by the DI container from explicit tokens", () => {
    const kit = new DeviceTestKit();
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "cmos" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(rtcPlugin, { port: 0x170, irq: 9 }) });
    c.register(CLOCK, { useValue: kit.clock });
    const rtc = kit.install(c.resolve(Rtc));
    expect(rtc.id).toBe("cmos");
    expect(kit.bus.ports.ownerOf(0x171)).toBe("cmos");
    expect(kit.bus.irqs.ownerOf(9)).toBe("cmos");
  });
});

describe("index port", () => {
  it("bit 7 masks NMI (recorded and exposed), bits 0-6 select the register; the index port reads 0xFF", () => {
    const b = bench();
    b.kit.out8(0x70, 0x80 | 0x0d);
    expect(b.rtc.nmiDisabled).toBe(true);
    expect(b.kit.in8(0x71)).toBe(0x80);
    b.kit.out8(0x70, 0x0d);
    expect(b.rtc.nmiDisabled).toBe(false);
    expect(b.kit.in8(0x70)).toBe(0xff);
  });

  it("registers C and D are read-only; RAM 0x0E-0x7F holds what is written (shutdown byte 0x0F included)", () => {
    const b = bench();
    b.set(0x0c, 0xff);
    b.set(0x0d, 0x00);
    expect([b.get(0x0c), b.get(0x0d)]).toEqual([0x00, 0x80]);
    for (const i of [0x0e, 0x0f, 0x40, 0x7f]) {
      b.set(i, i ^ 0xa5);
      expect(b.get(i)).toBe(i ^ 0xa5);
    }
    b.set(0x0f, 0x0a); // "jump via 40:67" shutdown code
    expect(b.rtc.peek(0x0f)).toBe(0x0a);
  });

  it("16-bit accesses are split by the bus: index then data", () => {
    const b = bench();
    b.kit.out16(0x70, 0x5a3f);
    expect(b.get(0x3f)).toBe(0x5a);
  });
});

describe("PC CMOS map", () => {
  const word = (b: ReturnType<typeof bench>, lo: number) => b.get(lo) | (b.get(lo + 1) << 8);

  it("derives memory sizes from the RAM on the bus (the test kit maps 1 MiB: 640 KiB base, no extended)", () => {
    const b = bench();
    expect([word(b, 0x15), word(b, 0x17), word(b, 0x30), word(b, 0x34)]).toEqual([640, 0, 0, 0]);
  });

  it("fills base, extended (capped at 0xFFFF KiB) and above-16 MiB memory, equipment, and the checksum", () => {
    const b = bench({ baseMemoryKiB: 639, extendedMemoryKiB: 127 * 1024, equipment: 0x41 });
    expect(word(b, 0x15)).toBe(639);
    expect(word(b, 0x17)).toBe(0xffff);
    expect(word(b, 0x30)).toBe(0xffff);
    expect(word(b, 0x34)).toBe((112 * 1024) / 64); // 64 KiB blocks above 16 MiB
    expect(b.get(0x14)).toBe(0x41);
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += b.get(i);
    expect((b.get(0x2e) << 8) | b.get(0x2f)).toBe(sum);
    expect(b.get(0x32)).toBe(0x20);
  });

  it("setMemorySizes() lets the machine fill the map later; guest writes do not touch the checksum", () => {
    const b = bench();
    b.rtc.setMemorySizes({ baseKiB: 640, extendedKiB: 31 * 1024 });
    expect(word(b, 0x17)).toBe(31 * 1024);
    expect(word(b, 0x34)).toBe(256);
    const sum = (b.get(0x2e) << 8) | b.get(0x2f);
    expect(sum).toBe(0x80 + 0x02 + 0x7c); // 640 = 0x280, 31744 = 0x7C00
    b.set(0x10, 0x40); // a floppy type
    expect((b.get(0x2e) << 8) | b.get(0x2f)).toBe(sum);
    b.rtc.updateChecksum();
    expect((b.get(0x2e) << 8) | b.get(0x2f)).toBe(sum + 0x40);
    const bytes = Uint8Array.from({ length: 128 }, (_, i) => b.rtc.peek(i));
    expect(cmosChecksum(bytes)).toBe(sum + 0x40);
  });
});

function busy() {
  const b = bench({ time: "2021-03-14T15:09:26.535Z" });
  b.set(0x0a, 0x23); // 8192 Hz
  b.set(1, 0xc0);
  b.set(3, 0x10);
  b.set(5, 0xc0);
  b.set(0x0b, 0x72);
  b.set(0x50, 0x99);
  b.kit.out8(0x70, 0x8c);
  b.at(Math.floor(2.3 * SECOND));
  return b;
}

function script(b: ReturnType<typeof bench>): number[] {
  const out: number[] = [];
  for (let i = 0; i < 200; i++) {
    b.at(b.kit.clock.ticks + 333 * CYCLE + 17);
    out.push(b.get(0x0a), b.get(0), b.get(2));
    if (i % 5 === 0) out.push(b.get(0x0c));
    if (i === 50) b.set(0x0a, 0x2f);
    if (i === 120) b.set(0x0b, 0x12);
  }
  return out;
}

describe("saveState / loadState", () => {
  it("round-trips mid-second: the restored RTC behaves identically from then on", () => {
    const a = busy();
    const from = a.kit.clock.ticks;
    const saved = JSON.parse(JSON.stringify(a.rtc.saveState())) as JsonValue;
    const b = bench();
    b.kit.clock.loadState(a.kit.clock.saveState());
    b.rtc.loadState(saved);
    expect(b.rtc.saveState()).toEqual(saved);
    expect(b.kit.clock.pendingTimers()).toEqual(a.kit.clock.pendingTimers());
    expect(b.kit.bus.irqs.level(8)).toBe(a.kit.bus.irqs.level(8));
    expect(b.rtc.nmiDisabled).toBe(true);
    expect(script(b)).toEqual(script(a));
    expect(b.rises(from)).toEqual(a.rises(from));
    expect(a.rises(from).length).toBeGreaterThan(5);
  });

  it("rejects a state it did not write, naming the field, and changes nothing", () => {
    const b = busy();
    const good = b.rtc.saveState() as { [k: string]: JsonValue };
    const before = JSON.stringify(good);
    const bad = (k: string, v: JsonValue) => ({ ...good, [k]: v });
    const cases: [JsonValue, RegExp][] = [
      [[], /^rtc state: Invalid input: expected object, received array$/],
      [bad("cmos", [1, 2, 3]), /field 'cmos': expected an array of 128 numbers, got \[1,2,3\]$/],
      [{ ...good, extra: 1 }, /^rtc state: unknown field 'extra'$/],
      [bad("cmos", new Array(128).fill(256)), /field 'cmos\.0': expected a whole number from 0 to 255/],
      [bad("index", 128), /field 'index': expected a whole number from 0 to 127, got 128/],
      [bad("nmiMasked", "yes"), /field 'nmiMasked': expected true or false/],
      [bad("flags", 0x80), /field 'flags'/],
    ];
    for (const [state, re] of cases) {
      expect(() => b.rtc.loadState(state)).toThrow(ConfigError);
      expect(() => b.rtc.loadState(state)).toThrow(re);
    }
    expect(JSON.stringify(b.rtc.saveState())).toBe(before);
  });

  it("reset() returns to the start time and power-on registers", () => {
    const b = busy();
    b.kit.clock.reset();
    b.rtc.reset();
    expect(clockBytes(b)).toEqual([0x26, 0x09, 0x15, 0x01, 0x14, 0x03, 0x21, 0x20]);
    expect([b.get(0x0a), b.get(0x0b), b.get(0x0c), b.get(0x50)]).toEqual([0x26, 0x02, 0x00, 0x00]);
    expect(b.kit.bus.irqs.level(8)).toBe(false);
    expect(b.kit.clock.pendingTimers().map((t) => t.label)).toEqual(["rtc update"]);
  });
});

describe("robustness", () => {
  it("no port sequence throws; the IRQ line always equals IRQF; at most 2 timers", () => {
    const rnd = prng(146818);
    const b = bench({}, {});
    let rises = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = rnd();
      if (r < 0.35) b.kit.out8(0x70, Math.floor(rnd() * 256) & (rnd() < 0.7 ? 0x8f : 0xff));
      else if (r < 0.6) {
        const idx = (b.rtc as unknown as { index: number }).index;
        let v = Math.floor(rnd() * 256);
        if (idx === 0x0a && rnd() < 0.7) v = 0x20 | (v & 0x0f); // mostly a running chain
        b.kit.out8(0x71, v);
      } else if (r < 0.95) b.kit.in8(0x70 + Math.floor(rnd() * 2));
      else if (r < 0.97) b.kit.out16(0x70, Math.floor(rnd() * 65536));
      else b.kit.in32(0x70);
      if (rnd() < 0.3) b.kit.advanceTicks(Math.floor(rnd() * (rnd() < 0.9 ? 50 * CYCLE : 3 * SECOND)));
      expect(b.kit.bus.irqs.level(8)).toBe(b.rtc.irqOutput);
      expect(b.kit.clock.pendingTimers().length).toBeLessThanOrEqual(2);
      if (i % 1000 === 999) {
        const s = JSON.parse(JSON.stringify(b.rtc.saveState())) as JsonValue;
        b.rtc.loadState(s);
        expect(b.rtc.saveState()).toEqual(s);
      }
      rises = b.rises().length;
    }
    expect(rises).toBeGreaterThan(50);
  }, 60_000);

  it("works at any TSC rate: updates stay exactly one virtual second apart", () => {
    for (const hz of [1_000_000, 1_000_000_000, 2_893_741_117, 100_000_000_000]) {
      const kit = new DeviceTestKit({ clock: { tscHz: hz } });
      kit.install(new Rtc("rtc", kit.options(rtcPlugin), kit.clock));
      kit.out8(0x70, 0x0b);
      kit.out8(0x71, 0x12);
      for (let s = 1; s <= 3; s++) {
        kit.advanceTicks(kit.clock.nextDeadline() - kit.clock.ticks);
        expect(kit.clock.ticks).toBe(s * hz);
        kit.out8(0x70, 0x0c);
        expect(kit.in8(0x71) & 0xb0).toBe(0x90);
      }
    }
    expect(HZ % 32_768).toBe(0);
  });
});

describe("README example", () => {
  it("one virtual second after 2024-02-29T23:59:59Z the date is March 1st; PIE gives IRQ 8 at 1024 Hz", () => {
    const kit = new DeviceTestKit({ clock: { tscHz: 1_000_000_000 } });
    kit.install(new Rtc("rtc", kit.options(rtcPlugin, { time: "2024-02-29T23:59:59Z" }), kit.clock));
    kit.advanceNs(1e9);
    kit.out8(0x70, 0x07);
    expect(kit.in8(0x71)).toBe(0x01);
    kit.out8(0x70, 0x08);
    expect(kit.in8(0x71)).toBe(0x03);
    kit.out8(0x70, 0x0b);
    kit.out8(0x71, 0x42);
    kit.out8(0x70, 0x0c);
    let irqs = 0;
    const end = kit.clock.ticks + 1_000_000_000;
    while (kit.clock.nextDeadline() <= end) {
      kit.advanceTicks(kit.clock.nextDeadline() - kit.clock.ticks);
      if (kit.bus.irqs.level(8)) {
        irqs++;
        kit.in8(0x71);
      }
    }
    expect(irqs).toBe(1024);
  });
});
