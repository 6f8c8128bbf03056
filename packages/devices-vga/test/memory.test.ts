import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { FONT_8X16 } from "../src/index.js";
import { gr, setup, sr } from "./helpers.js";

describe("text memory in mode 3", () => {
  it("reads back bytes, words and dwords written at 0xB8000 as a PC does", () => {
    const { kit } = setup();
    kit.write(0xb8000, 0x41);
    kit.write(0xb8001, 0x1e);
    expect(kit.read(0xb8000, 2)).toBe(0x1e41);
    kit.write(0xb8002, 0x4f424f42, 4);
    expect(kit.read(0xb8002, 4)).toBe(0x4f424f42);
    kit.write(0xbfffe, 0x0741, 2);
    expect(kit.read(0xbfffe, 2)).toBe(0x0741);
    expect(kit.read(0xb8003)).toBe(0x4f);
  });

  it("puts characters in plane 0 and attributes in plane 1 (odd/even), at even plane addresses", () => {
    const { kit, vga } = setup();
    // Cell 0x413 is plane address 0x826, where plane 2 holds line 6 of the font's 'A'.
    kit.write(0xb8000 + 0x826, 0x1e48, 2);
    expect(vga.peekPlane(0, 0x826)).toBe(0x48);
    expect(vga.peekPlane(1, 0x826)).toBe(0x1e);
    expect(vga.peekPlane(2, 0x826)).toBe(FONT_8X16[0x41 * 16 + 6]);
    expect(FONT_8X16[0x41 * 16 + 6]).not.toBe(0);
    expect(vga.peekPlane(0, 0x827)).toBe(0);
    expect(vga.peekPlane(1, 0x827)).toBe(0);
  });

  it("maps only B8000-BFFFF in mode 3; A0000-B7FFF is not decoded", () => {
    const { kit, vga } = setup();
    expect(vga.window).toEqual({ base: 0xb8000, size: 0x8000 });
    const before = kit.bus.memory.stats().unmappedWrites;
    kit.write(0xa0000, 0x12);
    expect(kit.read(0xa0000)).toBe(0xff);
    expect(kit.read(0xb0000)).toBe(0xff);
    expect(kit.bus.memory.stats().unmappedWrites).toBe(before + 1);
  });

  it("cuts the CPU off from video memory when misc output bit 1 (RAM enable) is clear", () => {
    const { kit } = setup();
    kit.out8(0x3c2, 0x65);
    kit.write(0xb8000, 0x41);
    expect(kit.read(0xb8000)).toBe(0xff);
    kit.out8(0x3c2, 0x67);
    expect(kit.read(0xb8000)).toBe(0x20);
  });
});

describe("memory window (GR6 bits 2-3)", () => {
  it("re-maps the window on the bus when the memory map field changes", () => {
    const { kit, vga } = setup();
    kit.write(0xb8000, 0x5a);
    gr(kit, 6, 0x0a); // map 2: B0000-B7FFF (mono text window), odd/even chain kept
    expect(vga.window).toEqual({ base: 0xb0000, size: 0x8000 });
    expect(kit.read(0xb0000)).toBe(0x5a);
    expect(kit.read(0xb8000)).toBe(0xff);
    gr(kit, 6, 0x06); // map 1: A0000-AFFFF
    expect(vga.window).toEqual({ base: 0xa0000, size: 0x10000 });
    expect(kit.read(0xa0000)).toBe(0x5a);
    expect(kit.read(0xb0000)).toBe(0xff);
    gr(kit, 6, 0x02); // map 0: A0000-BFFFF, offsets wrap at 64 KiB per plane
    expect(vga.window).toEqual({ base: 0xa0000, size: 0x20000 });
    expect(kit.read(0xa0000)).toBe(0x5a);
    expect(kit.read(0xb0000)).toBe(0x5a);
    gr(kit, 6, 0x0e);
    expect(vga.window).toEqual({ base: 0xb8000, size: 0x8000 });
    expect(kit.bus.resources().find((r) => r.owner === "vga")!.memory).toEqual([{ base: 0xb8000, size: 0x8000, kind: "mmio" }]);
  });

  it("leaves the window unmapped, without throwing, when another owner holds the new range", () => {
    const { kit, vga } = setup();
    kit.bus.memory.mapDeviceRam("other", 0xa0000, new Uint8Array(0x1000));
    expect(() => gr(kit, 6, 0x06)).not.toThrow();
    expect(vga.window).toBeUndefined();
    expect(vga.windowError).toMatch(/overlaps/);
    gr(kit, 6, 0x0e);
    expect(vga.window).toEqual({ base: 0xb8000, size: 0x8000 });
    expect(vga.windowError).toBeUndefined();
  });

  it("claims the whole A0000-BFFFF range at attach, so a conflict there is a configuration error", async () => {
    const { DeviceTestKit } = await import("@ringlab/sdk/testing");
    const { Vga, vgaPlugin } = await import("../src/index.js");
    const kit = new DeviceTestKit(); // 1 MiB of RAM mapped over A0000-BFFFF
    const vga = new Vga("vga", kit.options(vgaPlugin));
    expect(() => vga.attach(kit.bus)).toThrow(/overlaps/);
  });
});

describe("planar access (graphics controller read/write modes)", () => {
  /** Planar mode 12h-style memory: no odd/even, no chain 4, window A0000-AFFFF. */
  function planar() {
    // Plane offsets from 0x9000 on, clear of the text cells (planes 0/1) and font (plane 2).
    const s = setup();
    sr(s.kit, 4, 0x06);
    gr(s.kit, 5, 0x00);
    gr(s.kit, 6, 0x05);
    sr(s.kit, 2, 0x0f);
    return s;
  }

  it("write mode 0 with set/reset, enable set/reset and bit mask", () => {
    const { kit, vga } = planar();
    kit.write(0xa9000, 0xf0); // all planes 0xF0
    for (let p = 0; p < 4; p++) expect(vga.peekPlane(p, 0x9000)).toBe(0xf0);
    gr(kit, 0, 0x05); // set/reset: planes 0 and 2
    gr(kit, 1, 0x0f); // enabled for all planes
    gr(kit, 8, 0x3c); // bit mask
    kit.read(0xa9000); // load latches (0xF0 everywhere)
    kit.write(0xa9000, 0x00);
    expect([0, 1, 2, 3].map((p) => vga.peekPlane(p, 0x9000))).toEqual([0xfc, 0xc0, 0xfc, 0xc0]);
  });

  it("write mode 1 copies the latches (screen-to-screen copies)", () => {
    const { kit, vga } = planar();
    sr(kit, 2, 0x01);
    kit.write(0xa9010, 0x11);
    sr(kit, 2, 0x02);
    kit.write(0xa9010, 0x22);
    sr(kit, 2, 0x0f);
    gr(kit, 5, 0x01);
    kit.read(0xa9010);
    kit.write(0xa9020, 0x99);
    expect([0, 1, 2, 3].map((p) => vga.peekPlane(p, 0x9020))).toEqual([0x11, 0x22, 0x00, 0x00]);
  });

  it("write mode 2 spreads colour bits over the planes; XOR and rotate apply in mode 0", () => {
    const { kit, vga } = planar();
    gr(kit, 5, 0x02);
    kit.write(0xa9001, 0x0a);
    expect([0, 1, 2, 3].map((p) => vga.peekPlane(p, 0x9001))).toEqual([0x00, 0xff, 0x00, 0xff]);
    gr(kit, 5, 0x00);
    gr(kit, 3, 0x18 | 4); // XOR, rotate right 4
    kit.read(0xa9001);
    kit.write(0xa9001, 0x0f); // rotated: 0xF0
    expect([0, 1, 2, 3].map((p) => vga.peekPlane(p, 0x9001))).toEqual([0xf0, 0x0f, 0xf0, 0x0f]);
  });

  it("write mode 3 uses set/reset as the colour and the rotated data as the bit mask", () => {
    const { kit, vga } = planar();
    gr(kit, 5, 0x03);
    gr(kit, 0, 0x09);
    kit.read(0xa9002);
    kit.write(0xa9002, 0x81);
    expect([0, 1, 2, 3].map((p) => vga.peekPlane(p, 0x9002))).toEqual([0x81, 0x00, 0x00, 0x81]);
  });

  it("read mode 0 returns the plane GR4 selects; read mode 1 compares colours", () => {
    const { kit } = planar();
    gr(kit, 5, 0x02);
    kit.write(0xa9003, 0x05); // colour 5 in all 8 pixels
    gr(kit, 8, 0x0f);
    kit.read(0xa9003); // the latches keep the 4 high pixels
    kit.write(0xa9003, 0x03); // colour 3 in the low 4 pixels
    gr(kit, 8, 0xff);
    gr(kit, 4, 2);
    gr(kit, 5, 0x00);
    expect(kit.read(0xa9003)).toBe(0xf0);
    gr(kit, 5, 0x08);
    gr(kit, 2, 0x05);
    gr(kit, 7, 0x0f);
    expect(kit.read(0xa9003)).toBe(0xf0);
    gr(kit, 2, 0x03);
    expect(kit.read(0xa9003)).toBe(0x0f);
    gr(kit, 7, 0x00); // no plane compared: every pixel matches
    expect(kit.read(0xa9003)).toBe(0xff);
  });

  it("chain 4 (mode 13h) puts byte n in plane n & 3", () => {
    const { kit, vga } = setup();
    sr(kit, 4, 0x0e);
    gr(kit, 5, 0x40);
    gr(kit, 6, 0x05);
    sr(kit, 2, 0x0f);
    for (let i = 0; i < 8; i++) kit.write(0xa9000 + i, 0x10 + i);
    expect(vga.peekPlane(1, 0x9000)).toBe(0x11);
    expect(vga.peekPlane(3, 0x9004)).toBe(0x17);
    expect(kit.read(0xa9006)).toBe(0x16);
  });
});
