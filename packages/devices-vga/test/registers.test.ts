import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { crtc, readCrtc, setup } from "./helpers.js";

describe("CRT controller", () => {
  it("ignores writes to CR0-CR7 while CR11 bit 7 is set, except CR7 bit 4", () => {
    const { kit } = setup();
    crtc(kit, 0x11, 0x8e); // protect on (as the BIOS leaves it)
    crtc(kit, 0x00, 0x12);
    crtc(kit, 0x06, 0x34);
    crtc(kit, 0x07, 0x00); // only bit 4 (line compare bit 8) may change: 0x1F -> 0x0F
    crtc(kit, 0x0a, 0x20); // CR0A is not protected
    expect(readCrtc(kit, 0x00)).toBe(0x5f);
    expect(readCrtc(kit, 0x06)).toBe(0xbf);
    expect(readCrtc(kit, 0x07)).toBe(0x0f);
    expect(readCrtc(kit, 0x0a)).toBe(0x20);
    crtc(kit, 0x11, 0x0e); // protect off
    crtc(kit, 0x00, 0x12);
    crtc(kit, 0x07, 0xff);
    expect(readCrtc(kit, 0x00)).toBe(0x12);
    expect(readCrtc(kit, 0x07)).toBe(0xff);
  });

  it("reads back its index and 0xFF for registers past CR18", () => {
    const { kit } = setup();
    kit.out8(0x3d4, 0x0e);
    expect(kit.in8(0x3d4)).toBe(0x0e);
    kit.out8(0x3d4, 0x40);
    kit.out8(0x3d5, 0x12);
    expect(kit.in8(0x3d5)).toBe(0xff);
    expect(kit.in8(0x3d4)).toBe(0x40);
  });

  it("takes index and data in one 16-bit OUT and reads both with one 16-bit IN", () => {
    const { kit } = setup();
    kit.out16(0x3d4, 0x340e);
    expect(kit.in16(0x3d4)).toBe(0x340e);
  });
});

describe("attribute controller", () => {
  it("alternates index and data on 0x3C0; reading 0x3DA resets the flip-flop to index", () => {
    const { kit, vga } = setup();
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x01); // index 1, PAS off
    expect(vga.registers().attributeFlipFlop).toBe("data");
    kit.out8(0x3c0, 0x3a); // data
    expect(vga.registers().attribute[1]).toBe(0x3a);
    kit.out8(0x3c0, 0x02); // index again
    kit.in8(0x3da); // back to index: the next write is an index, not data for register 2
    kit.out8(0x3c0, 0x03);
    kit.out8(0x3c0, 0x11);
    const r = vga.registers();
    expect(r.attribute[2]).toBe(0x02);
    expect(r.attribute[3]).toBe(0x11);
    expect(r.attributeFlipFlop).toBe("index");
  });

  it("reads the index register (with PAS) at 0x3C0 and the data at 0x3C1 without moving the flip-flop", () => {
    const { kit, vga } = setup();
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x30); // index 0x10 with PAS
    expect(kit.in8(0x3c0)).toBe(0x30);
    expect(kit.in8(0x3c1)).toBe(0x0c);
    expect(vga.registers().attributeFlipFlop).toBe("data");
    kit.out8(0x3c0, 0x04); // blink off
    expect(kit.in8(0x3c1)).toBe(0x04);
  });

  it("keeps only the implemented bits (palette registers are 6 bits)", () => {
    const { kit } = setup();
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x05);
    kit.out8(0x3c0, 0xff);
    expect(kit.in8(0x3c1)).toBe(0x3f);
  });
});

describe("mono and colour addressing (misc output bit 0)", () => {
  it("answers the CRTC and input status 1 at 0x3Dx in colour mode and 0x3Bx in mono mode", () => {
    const { kit } = setup();
    expect(kit.in8(0x3cc) & 1).toBe(1);
    kit.out8(0x3d4, 0x0f);
    expect(kit.in8(0x3d4)).toBe(0x0f);
    expect(kit.in8(0x3b4)).toBe(0xff);
    expect(kit.in8(0x3b5)).toBe(0xff);
    kit.out8(0x3b4, 0x0c); // not decoded in colour mode
    expect(kit.in8(0x3d4)).toBe(0x0f);

    kit.out8(0x3c2, 0x66); // mono
    expect(kit.in8(0x3cc)).toBe(0x66);
    expect(kit.in8(0x3d4)).toBe(0xff);
    expect(kit.in8(0x3d5)).toBe(0xff);
    kit.out8(0x3b4, 0x0a);
    expect(kit.in8(0x3b5)).toBe(0x0d); // the same CRTC, now at 0x3B5
    kit.out8(0x3d4, 0x0c); // ignored
    expect(kit.in8(0x3b4)).toBe(0x0a);
  });

  it("resets the attribute flip-flop only through the input status port of the current mode", () => {
    const { kit, vga } = setup();
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x20);
    expect(vga.registers().attributeFlipFlop).toBe("data");
    expect(kit.in8(0x3ba)).toBe(0xff); // mono port, colour mode: nothing answers
    expect(vga.registers().attributeFlipFlop).toBe("data");
    kit.out8(0x3c2, 0x66);
    kit.in8(0x3ba);
    expect(vga.registers().attributeFlipFlop).toBe("index");
  });

  it("toggles the retrace and display-enable bits of input status 1 on every read", () => {
    const { kit } = setup();
    const a = kit.in8(0x3da);
    const b = kit.in8(0x3da);
    expect(a ^ b).toBe(0x09);
    expect((a | b) & ~0x09).toBe(0);
  });
});

describe("sequencer and graphics controller", () => {
  it("keep the implemented bits of each register and of the index", () => {
    const { kit } = setup();
    kit.out16(0x3c4, 0xff02);
    expect(kit.in8(0x3c5)).toBe(0x0f); // map mask: 4 bits
    kit.out8(0x3c4, 0xfc);
    expect(kit.in8(0x3c4)).toBe(0x04); // index: 3 bits
    kit.out16(0x3ce, 0xff05);
    expect(kit.in8(0x3cf)).toBe(0x7b); // mode: bit 2 and 7 reserved
    kit.out8(0x3ce, 0x09);
    expect(kit.in8(0x3cf)).toBe(0xff); // no GR9
  });
});

describe("DAC", () => {
  it("writes red, green, blue through 0x3C9 with auto-increment and reads them back via 0x3C7", () => {
    const { kit, vga } = setup();
    kit.out8(0x3c8, 0x10);
    for (const v of [1, 2, 3, 4, 5, 0x46]) kit.out8(0x3c9, v);
    expect(kit.in8(0x3c8)).toBe(0x12);
    expect(kit.in8(0x3c7)).toBe(0x00); // write mode
    expect(vga.registers().dac.slice(0x30, 0x36)).toEqual([1, 2, 3, 4, 5, 6]);
    kit.out8(0x3c7, 0x10);
    expect(kit.in8(0x3c7)).toBe(0x03); // read mode
    expect([0, 1, 2, 3, 4, 5].map(() => kit.in8(0x3c9))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("stores an entry only after its third value", () => {
    const { kit, vga } = setup();
    kit.out8(0x3c8, 0x07);
    kit.out8(0x3c9, 0x01);
    kit.out8(0x3c9, 0x02);
    expect(vga.registers().dac.slice(21, 24)).toEqual([0x2a, 0x2a, 0x2a]);
    kit.out8(0x3c9, 0x03);
    expect(vga.registers().dac.slice(21, 24)).toEqual([1, 2, 3]);
  });

  it("wraps the index from 255 to 0 and has a pixel mask at 0x3C6", () => {
    const { kit, vga } = setup();
    kit.out8(0x3c8, 0xff);
    for (const v of [9, 9, 9, 7, 7, 7]) kit.out8(0x3c9, v);
    expect(vga.registers().dac.slice(0, 3)).toEqual([7, 7, 7]);
    kit.out8(0x3c6, 0x0f);
    expect(kit.in8(0x3c6)).toBe(0x0f);
  });
});

describe("unused ports", () => {
  it("read 0xFF and ignore writes", () => {
    const { kit } = setup();
    for (const p of [0x3b0, 0x3cb, 0x3cd, 0x3d0, 0x3df]) {
      kit.out8(p, 0x12);
      expect(kit.in8(p)).toBe(0xff);
    }
  });
});
