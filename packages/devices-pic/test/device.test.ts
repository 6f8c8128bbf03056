import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { ConfigError, DEVICE_ID, DEVICE_OPTIONS, type JsonValue } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { PicPair, picPlugin } from "../src/index.js";
import { biosInit, eoi, irr, isr, setup, take } from "./helpers.js";

/** A busy state: rotated priorities, levels in service on both chips, ELCR, SMM, ISR select. */
function busyState() {
  const t = setup();
  const { kit, pic, line } = t;
  biosInit(kit, 0x11);
  kit.out8(0x4d0, 0x20);
  kit.out8(0x4d1, 0x08);
  kit.out8(0x20, 0xc5); // IR5 lowest on the master: 6 7 0 1 2 3 4 5
  line(3).raise();
  expect(take(pic)).toBe(0x0b);
  line(5).raise(); // level, locked out by IR3
  line(11).raise(); // level; IR2 outranks IR3 in service
  line(12).raise();
  expect(take(pic)).toBe(0x73);
  kit.out8(0xa1, 0x40);
  kit.out8(0xa0, 0x80); // rotate in AEOI (set), on the slave
  kit.out8(0xa0, 0x6b); // SMM + read ISR
  line(14).raise();
  return t;
}

describe("save and restore", () => {
  it("restores the whole state, and both copies then behave the same", () => {
    const a = busyState();
    const saved = JSON.parse(JSON.stringify(a.pic.saveState())) as JsonValue;
    const b = setup();
    for (const n of [3, 5, 11, 12, 14]) b.line(n).raise(); // the bus levels the other devices restore
    b.pic.loadState(saved);
    expect(b.pic.saveState()).toEqual(a.pic.saveState());

    const script = (t: ReturnType<typeof setup>) => {
      const seen: (number | undefined)[] = [];
      seen.push(isr(t.kit, 0x20), isr(t.kit, 0xa0), irr(t.kit, 0xa0), t.kit.in8(0x21), t.kit.in8(0xa1));
      seen.push(take(t.pic));
      eoi(t.kit, 0xa0);
      eoi(t.kit, 0x20);
      seen.push(take(t.pic));
      t.line(5).lower();
      eoi(t.kit, 0x20);
      eoi(t.kit, 0x20);
      eoi(t.kit, 0xa0);
      seen.push(take(t.pic), take(t.pic), take(t.pic));
      return seen;
    };
    const fromA = script(a);
    expect(script(b)).toEqual(fromA);
    expect(fromA.some((v) => v !== undefined && v >= 0x70)).toBe(true);
  });

  it("restores the position inside an ICW sequence and a pending poll", () => {
    const a = setup();
    biosInit(a.kit);
    a.kit.out8(0xa0, 0x0c); // poll pending on the slave
    a.kit.out8(0x20, 0x11);
    a.kit.out8(0x21, 0x20); // master waits for ICW3
    const b = setup();
    b.pic.loadState(JSON.parse(JSON.stringify(a.pic.saveState())) as JsonValue);
    for (const t of [a, b]) {
      t.kit.out8(0x21, 0x04);
      t.kit.out8(0x21, 0x01);
      t.line(9).raise();
      expect(t.kit.in8(0xa1)).toBe(0x81); // the poll takes IRQ 9 from the slave...
      t.line(4).raise();
      // ...but the master had latched the slave's INT on IR2: a spurious slave IR7 first.
      expect(take(t.pic)).toBe(0x77);
      eoi(t.kit, 0x20);
      expect(take(t.pic)).toBe(0x24);
    }
  });

  it("rejects a state it did not write, naming the field", () => {
    const { pic } = setup();
    const good = pic.saveState() as { master: Record<string, JsonValue> };
    expect(() => pic.loadState(null)).toThrow(ConfigError);
    expect(() => pic.loadState({})).toThrow(/^pic state: field 'version'/);
    const badIrr = { ...good, master: { ...good.master, irr: 256 } };
    expect(() => pic.loadState(badIrr)).toThrow(/^pic state: field 'master\.irr': expected a whole number from 0 to 255, got 256$/);
    const badStep = { ...good, master: { ...good.master, initStep: "icw5" } };
    expect(() => pic.loadState(badStep)).toThrow(/field 'master\.initStep': expected one of done, icw2, icw3, icw4, got "icw5"$/);
    const extra = { ...good, master: { ...good.master, bogus: 1 } };
    expect(() => pic.loadState(extra)).toThrow(/unknown field 'master\.bogus'/);
    // A failed load changes nothing.
    expect(pic.saveState()).toEqual(good);
  });
});

describe("plugin and bus", () => {
  it("defaults to claiming the ELCR, and rejects bad options with one line", () => {
    const kit = new DeviceTestKit({ recordIrqs: false });
    expect(kit.options(picPlugin)).toEqual({ elcr: true });
    expect(() => kit.options(picPlugin, { elcr: "yes" })).toThrow(/^device 'pic': option 'elcr': .*boolean/);
    expect(() => kit.options(picPlugin, { irq: 2 })).toThrow(/^device 'pic': unknown option 'irq'$/);
    expect(picPlugin.name).toBe("pic");
  });

  it("is constructible by the DI container from explicit tokens and becomes the bus's controller", () => {
    const kit = new DeviceTestKit({ recordIrqs: false });
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "pic0" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(picPlugin) });
    const pic = kit.install(c.resolve(PicPair));
    expect(pic.id).toBe("pic0");
    expect(kit.bus.interrupts).toBe(pic);
    const mine = kit.bus.resources().find((r) => r.owner === "pic0")!;
    expect(mine.interruptController).toBe(true);
    expect(mine.ports.map((p) => [p.base, p.count])).toEqual([
      [0x20, 2],
      [0xa0, 2],
      [0x4d0, 2],
    ]);
    biosInit(kit);
    kit.bus.irqs.claim("dev", 1).raise();
    expect(kit.bus.interrupts.hasPendingInterrupt()).toBe(true);
    expect(kit.bus.interrupts.acknowledge()).toBe(0x09);
  });

  it("sees lines that were already high when it connected", () => {
    const kit = new DeviceTestKit({ recordIrqs: false });
    kit.bus.irqs.claim("dev", 12).raise();
    const pic = kit.install(new PicPair("pic", kit.options(picPlugin)));
    const state = pic.saveState() as { lines: number; slave: { pins: number } };
    expect(state.lines).toBe(0x1000);
    expect(state.slave.pins).toBe(0x10);
    // Edge-triggered after ICW1, the line must rise again; level-triggered, it requests at once.
    biosInit(kit);
    expect(pic.hasPendingInterrupt()).toBe(false);
    kit.out8(0x4d1, 0x10);
    expect(irr(kit, 0xa0)).toBe(0x10);
    expect(take(pic)).toBe(0x74);
  });

  it("cannot be installed twice on one bus", () => {
    const { kit } = setup();
    expect(() => new PicPair("pic2", kit.options(picPlugin)).attach(kit.bus)).toThrow(/claimed by both 'pic' and 'pic2'/);
  });

  it("splits a 16-bit OUT to 0x20 into ICW1/OCW at 0x20 and the data port 0x21", () => {
    const { kit, pic, line } = setup();
    biosInit(kit);
    kit.out16(0x20, 0x010a); // OCW3 read IRR at 0x20, then IMR 0x01 at 0x21
    expect(kit.in8(0x21)).toBe(0x01);
    line(0).raise();
    line(1).raise();
    expect(kit.in16(0x20)).toBe(0x0103);
    expect(take(pic)).toBe(0x09);
  });
});

describe("robustness", () => {
  it("survives any sequence of port accesses, line changes and INTA cycles", () => {
    const { kit, pic, line } = setup();
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const ports = [0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1];
    const lines = Array.from({ length: 16 }, (_, n) => line(n));
    let delivered = 0;
    for (let i = 0; i < 30_000; i++) {
      const port = ports[rand(ports.length)]!;
      switch (rand(10)) {
        case 0:
        case 1:
        case 2:
          kit.out8(port, rand(256));
          break;
        case 3:
          expect(kit.in8(port)).toBeLessThan(256);
          break;
        case 4:
          kit.out16(port, rand(0x10000));
          kit.in32(port);
          break;
        case 5:
        case 6: {
          const l = lines[rand(16)]!;
          if (l.high) l.lower();
          else l.raise();
          break;
        }
        case 7: {
          const v = rand(4) === 0 ? pic.acknowledge() : take(pic);
          if (v !== undefined) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThan(256);
            delivered++;
          }
          break;
        }
        case 8:
          if (rand(50) === 0) pic.reset();
          else if (rand(4) === 0) biosInit(kit, rand(32), rand(32));
          break;
        case 9:
          if (rand(20) === 0) {
            const s = JSON.parse(JSON.stringify(pic.saveState())) as JsonValue;
            pic.loadState(s);
            expect(pic.saveState()).toEqual(s);
          }
          break;
      }
    }
    expect(delivered).toBeGreaterThan(100);
  });
});
