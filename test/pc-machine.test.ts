import "reflect-metadata";
import { type Machine, builtinRegistry, createMachine } from "@ringlab/machine";
import { describe, expect, it } from "vitest";

/** Moves virtual time as the machine loop does: to each deadline, firing timers on the way. */
function advance(m: Machine, ticks: number): void {
  const end = m.clock.ticks + ticks;
  for (let next = m.clock.nextDeadline(); next <= end; next = m.clock.nextDeadline()) {
    m.clock.skipTo(next);
    m.clock.runDueTimers();
  }
  m.clock.skipTo(end);
}

/** The BIOS-style 8259 initialisation: master at vector 0x20, slave at 0x28, cascade on IRQ 2. */
function initPics(m: Machine): void {
  const out = (port: number, v: number) => m.bus.ports.write(port, 1, v);
  out(0x20, 0x11);
  out(0x21, 0x20);
  out(0x21, 0x04);
  out(0x21, 0x01);
  out(0xa0, 0x11);
  out(0xa1, 0x28);
  out(0xa1, 0x02);
  out(0xa1, 0x01);
  out(0x21, 0xfe); // only IRQ 0
  out(0xa1, 0xff);
}

describe("the default PC machine", () => {
  it("has the PC's devices on their usual ports", () => {
    const m = createMachine({}, builtinRegistry());
    const owners = (ports: number[]) => ports.map((p) => m.bus.ports.ownerOf(p));
    expect(owners([0x20, 0x21, 0xa0, 0xa1])).toEqual(["pic", "pic", "pic", "pic"]);
    expect(owners([0x40, 0x43, 0x61])).toEqual(["pit", "pit", "pit"]);
    expect(owners([0x3c0, 0x3d4, 0x3da])).toEqual(["vga", "vga", "vga"]);
    expect(owners([0xe9, 0xf4])).toEqual(["debugcon", "exit-port"]);
    expect(owners([0x60, 0x64, 0x92])).toEqual(["i8042", "i8042", "port92"]);
    expect([m.bus.irqs.ownerOf(1), m.bus.irqs.ownerOf(12)]).toEqual(["i8042", "i8042"]);
    expect(m.bus.irqs.ownerOf(0)).toBe("pit");
  });

  it("delivers PIT channel 0 ticks through the 8259 as vector 0x20, once per period", () => {
    // TSC at 1193182 kHz: one PIT clock is exactly 1000 TSC ticks.
    const m = createMachine({ clock: { tscHz: 1_193_182_000 } }, builtinRegistry());
    initPics(m);
    m.bus.ports.write(0x43, 1, 0x34); // channel 0, LSB then MSB, mode 2
    m.bus.ports.write(0x40, 1, 100);
    m.bus.ports.write(0x40, 1, 0);
    let taken = 0;
    // 8254 datasheet, mode 2: the count loads on the first CLK after the write, OUT goes
    // low when the count reaches 1 and rises with the reload: first edge after N+1 clocks,
    // then every N.
    for (let period = 0; period < 5; period++) {
      advance(m, (period === 0 ? 101 : 100) * 1000 - 1);
      expect(m.bus.interrupts.hasPendingInterrupt()).toBe(false);
      advance(m, 1);
      expect(m.bus.interrupts.hasPendingInterrupt()).toBe(true);
      expect(m.bus.interrupts.acknowledge()).toBe(0x20);
      taken++;
      expect(m.bus.interrupts.hasPendingInterrupt()).toBe(false);
      m.bus.ports.write(0x20, 1, 0x20); // non-specific EOI
    }
    expect(taken).toBe(5);
  });

  it("shows the VGA text screen written through guest memory at 0xB8000", () => {
    const m = createMachine({}, builtinRegistry());
    const hello = "ringlab";
    [...hello].forEach((c, i) => m.bus.memory.write(0xb8000 + 2 * i, 2, 0x1f00 | c.charCodeAt(0)));
    const vga = m.device("vga") as unknown as { screenText(): string };
    expect(vga.screenText().split("\n")[0]).toBe(hello);
  });

  it("saves and restores the whole machine mid-period, then behaves identically", () => {
    const make = () => createMachine({ clock: { tscHz: 1_193_182_000 } }, builtinRegistry());
    const a = make();
    initPics(a);
    a.bus.ports.write(0x43, 1, 0x34);
    a.bus.ports.write(0x40, 1, 50);
    a.bus.ports.write(0x40, 1, 0);
    advance(a, 20_000);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = make();
    b.loadState(saved);
    const latch = (m: Machine) => {
      m.bus.ports.write(0x43, 1, 0x00);
      return m.bus.ports.read(0x40, 1) | (m.bus.ports.read(0x40, 1) << 8);
    };
    expect(latch(b)).toBe(latch(a));
    advance(a, 40_000);
    advance(b, 40_000);
    expect(b.bus.interrupts.hasPendingInterrupt()).toBe(a.bus.interrupts.hasPendingInterrupt());
    expect(a.bus.interrupts.hasPendingInterrupt()).toBe(true);
    expect(JSON.stringify(b.saveState())).toBe(JSON.stringify(a.saveState()));
  });
});
