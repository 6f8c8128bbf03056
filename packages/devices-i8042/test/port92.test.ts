import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Port92, port92Plugin } from "../src/index.js";
import { bench } from "./helpers.js";

describe("port 0x92 (System Control Port A)", () => {
  it("reads 0 at power-on and reads back what is written, except the reset bit", () => {
    const b = bench();
    expect(b.kit.in8(0x92)).toBe(0x00);
    b.kit.out8(0x92, 0xc8);
    expect(b.kit.in8(0x92)).toBe(0xc8);
    expect(b.kit.bus.ports.ownerOf(0x92)).toBe("port92");
  });

  it("bit 1 ORs with the keyboard controller's A20: it can open the gate, never close it alone", () => {
    const b = bench();
    b.kit.write(0x000010, 0x11);
    b.kit.write(0x100010, 0x22);
    const at1M = () => b.kit.read(0x100010);
    b.command(0xd1, 0xdd); // the controller closes A20
    expect(at1M()).toBe(0x11);
    b.kit.out8(0x92, 0x02); // fast A20 on
    expect(at1M()).toBe(0x22);
    b.kit.out8(0x92, 0x00);
    expect(at1M()).toBe(0x11);
    b.kit.out8(0x92, 0x02);
    b.command(0xd1, 0xdf);
    b.kit.out8(0x92, 0x00); // the controller still enables it
    expect(at1M()).toBe(0x22);
  });

  it("with no keyboard controller, clearing bit 1 leaves A20 open (the A20GATE pin is pulled up)", () => {
    const kit = new DeviceTestKit({ ramSize: 2 << 20 });
    kit.install(new Port92("port92", kit.options(port92Plugin), kit.a20, kit.runControl));
    kit.out8(0x92, 0x02);
    kit.out8(0x92, 0x00);
    expect(kit.bus.memory.a20Enabled).toBe(true);
  });

  it("a 0 -> 1 write of bit 0 asks for a reset, and the reset clears the bit so the next one works too", () => {
    const b = bench();
    b.kit.out8(0x92, 0x02);
    expect(b.kit.resetRequests).toEqual([]);
    b.kit.out8(0x92, 0x03);
    expect(b.kit.resetRequests).toEqual(["port92: fast reset (0x03 written to port 0x92)"]);
    expect(b.kit.in8(0x92)).toBe(0x02);
    b.kit.out8(0x92, b.kit.in8(0x92) | 1); // what a BIOS's reset routine does
    expect(b.kit.resetRequests.length).toBe(2);
    b.kit.out8(0x92, 0x00);
    expect(b.kit.resetRequests.length).toBe(2);
  });

  it("saves and restores its register, and the A20 input with it", () => {
    const a = bench();
    a.command(0xd1, 0xdd);
    a.kit.out8(0x92, 0x02);
    const b = bench();
    b.command(0xd1, 0xdd);
    expect(b.kit.bus.memory.a20Enabled).toBe(false);
    b.port92.loadState(JSON.parse(JSON.stringify(a.port92.saveState())));
    expect(b.kit.in8(0x92)).toBe(0x02);
    expect(b.kit.bus.memory.a20Enabled).toBe(true);
    expect(() => b.port92.loadState({ value: "x" })).toThrow(/^port92 state: field 'value': expected a whole number from 0 to 255/);
  });
});
