import { describe, expect, it } from "vitest";
import { Bus, IrqLines, NO_INTERRUPT_CONTROLLER, ResourceConflictError } from "../src/index.js";

describe("IrqLines", () => {
  it("passes level changes to the connected sink, once per change", () => {
    const lines = new IrqLines();
    const seen: string[] = [];
    lines.connect("pic", { setIrqLevel: (l, h) => seen.push(`${l}${h ? "+" : "-"}`) });
    const timer = lines.claim("pit", 0);
    const kbd = lines.claim("kbd", 1);
    timer.raise();
    timer.raise();
    kbd.pulse();
    timer.lower();
    expect(seen).toEqual(["0+", "1+", "1-", "0-"]);
    expect(lines.level(0)).toBe(false);
  });

  it("gives no edge when pulsing a line that is already high", () => {
    const lines = new IrqLines();
    const seen: string[] = [];
    const l = lines.claim("dev", 5);
    l.raise();
    lines.connect("pic", { setIrqLevel: (n, h) => seen.push(`${n}${h ? "+" : "-"}`) });
    // Connecting reports the lines already high.
    expect(seen).toEqual(["5+"]);
    l.pulse();
    expect(seen).toEqual(["5+", "5-"]);
    expect(l.high).toBe(false);
  });

  it("rejects a second owner of a line, naming both, and lines off the board", () => {
    const lines = new IrqLines();
    lines.claim("pit", 0);
    expect(() => lines.claim("rtc", 0)).toThrow(new ResourceConflictError("IRQ 0 is claimed by both 'pit' and 'rtc'", { owners: ["pit", "rtc"] }));
    expect(() => lines.claim("x", 16)).toThrow(/IRQ 16 is not a line of this board \(0\.\.15\)/);
    expect(lines.claims()).toEqual([{ line: 0, owner: "pit" }]);
  });

  it("saves levels and restores them without showing the sink any edge", () => {
    const a = new IrqLines();
    a.claim("x", 3).raise();
    a.claim("y", 9).raise();
    expect(a.saveLevels()).toEqual([3, 9]);
    const b = new IrqLines();
    const seen: number[] = [];
    b.connect("pic", { setIrqLevel: (l) => seen.push(l) });
    const y = b.claim("y", 9);
    b.restoreLevels([3, 9]);
    expect(seen).toEqual([]);
    expect(b.level(3)).toBe(true);
    y.raise(); // already high: no edge
    y.lower();
    expect(seen).toEqual([9]);
  });

  it("allows one interrupt-controller sink only", () => {
    const lines = new IrqLines();
    lines.connect("pic", { setIrqLevel: () => {} });
    expect(() => lines.connect("apic", { setIrqLevel: () => {} })).toThrow(/'apic' cannot connect/);
  });
});

describe("Bus interrupt controller", () => {
  it("answers 'nothing pending' until a controller is installed, then asks it", () => {
    const bus = new Bus({ ramSize: 4096 });
    expect(bus.interrupts).toBe(NO_INTERRUPT_CONTROLLER);
    expect(bus.interrupts.hasPendingInterrupt()).toBe(false);
    let pending = true;
    bus.setInterruptController("pic", {
      hasPendingInterrupt: () => pending,
      acknowledge: () => ((pending = false), 0x20),
    });
    expect(bus.interrupts.hasPendingInterrupt()).toBe(true);
    expect(bus.interrupts.acknowledge()).toBe(0x20);
    expect(bus.interrupts.hasPendingInterrupt()).toBe(false);
    expect(() => bus.setInterruptController("apic", NO_INTERRUPT_CONTROLLER)).toThrow(
      "the interrupt controller is claimed by both 'pic' and 'apic'",
    );
  });

  it("lists each owner's ports, memory, IRQs and controller role", () => {
    const bus = new Bus({ ramSize: 1 << 20 });
    bus.memory.mapRam("ram", 0, 0xa0000);
    bus.ports.claim({ owner: "pit", base: 0x40, count: 4, handlers: { read8: () => 0, write8: () => {} } });
    bus.irqs.claim("pit", 0);
    bus.ports.claim({ owner: "pic", base: 0x20, count: 2, handlers: { read8: () => 0, read16: () => 0 } });
    bus.setInterruptController("pic", NO_INTERRUPT_CONTROLLER);
    expect(bus.resources()).toEqual([
      { owner: "pit", ports: [{ base: 0x40, count: 4, widths: "8" }], memory: [], irqs: [0], interruptController: false },
      { owner: "pic", ports: [{ base: 0x20, count: 2, widths: "8/16" }], memory: [], irqs: [], interruptController: true },
      { owner: "ram", ports: [], memory: [{ base: 0, size: 0xa0000, kind: "ram" }], irqs: [], interruptController: false },
    ]);
  });
});
