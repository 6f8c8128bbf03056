import "reflect-metadata";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FONT_8X16, MODE3_REPLAY, parseReplay } from "../src/index.js";
import { readCrtc, setup } from "./helpers.js";

/**
 * IBM VGA Technical Reference, "Video Modes" register tables, mode 3+ (80x25, 9x16 cells,
 * 720x400), and what the SeaBIOS recording writes. Where the two differ the recording wins
 * and the difference is noted.
 */
const MODE3_CRTC = [
  0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f,
  0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
];
const MODE3_ATTRIBUTE = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f,
  0x08, 0x00,
];

describe("power-on replay", () => {
  it("leaves the registers of standard mode 3", () => {
    const { vga } = setup();
    const r = vga.registers();
    expect(r.miscOutput).toBe(0x67);
    // SR0-SR4: IBM's table has 03 00 03 00 02. SeaBIOS writes SR4 = 03 after loading the
    // font; bit 0 is reserved on the VGA and reads back 0.
    expect(r.sequencer).toEqual([0x03, 0x00, 0x03, 0x00, 0x02]);
    expect(r.crtc).toEqual(MODE3_CRTC);
    // GR7 (colour don't care) is 0x0F in SeaBIOS's table, 0x00 in IBM's; it only matters
    // in read mode 1.
    expect(r.graphics).toEqual([0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff]);
    expect(r.attribute).toEqual(MODE3_ATTRIBUTE);
    expect(r.attribute[0x10]).toBe(0x0c);
    // The BIOS ends with index 0x20: PAS set, the screen on.
    expect(r.attributeIndex).toBe(0x20);
    expect(r.dacMask).toBe(0xff);
  });

  it("loads the EGA-compatible 64-colour DAC palette and zeroes the rest", () => {
    const { vga } = setup();
    const dac = vga.registers().dac;
    const entry = (i: number) => dac.slice(i * 3, i * 3 + 3);
    expect(entry(0)).toEqual([0, 0, 0]);
    expect(entry(1)).toEqual([0, 0, 0x2a]);
    expect(entry(0x14)).toEqual([0x2a, 0x15, 0x00]); // brown, which palette register 6 selects
    expect(entry(0x38)).toEqual([0x15, 0x15, 0x15]);
    expect(entry(0x3f)).toEqual([0x3f, 0x3f, 0x3f]);
    for (let i = 0x40; i < 256; i++) expect(entry(i)).toEqual([0, 0, 0]);
  });

  it("locks CR0-CR7 at the end (CR11 = 0x8E) as the BIOS leaves them", () => {
    const { kit } = setup();
    kit.out16(0x3d4, 0x0001 | (0x27 << 8));
    expect(readCrtc(kit, 0x01)).toBe(0x4f);
  });

  it("clears text memory to 0x0720 cells and loads the 8x16 font into plane 2", () => {
    const { kit, vga } = setup();
    for (const addr of [0xb8000, 0xb8000 + 79 * 2, 0xb8000 + 24 * 160, 0xbfffe]) expect(kit.read(addr, 2)).toBe(0x0720);
    for (const c of [0x41, 0x67, 0xc4]) {
      for (let line = 0; line < 16; line++) expect(vga.peekPlane(2, c * 32 + line)).toBe(FONT_8X16[c * 16 + line]);
    }
    expect(vga.textGeometry()).toMatchObject({ cols: 80, rows: 25, charHeight: 16, charWidth: 9 });
    expect(vga.screenText()).toBe("\n".repeat(25));
  });

  it("ships data/mode3.replay as the generated module, and it parses", () => {
    const file = readFileSync(new URL("../data/mode3.replay", import.meta.url), "utf8");
    expect(MODE3_REPLAY).toBe(file);
    const steps = parseReplay(MODE3_REPLAY);
    // 1189 log lines - 7 header lines - 21 reads of 0x3C0 - 1 read of 0x3CC.
    expect(steps.length).toBe(1160);
    expect(steps.filter((s) => s.kind === "read").every((s) => s.port === 0x3da)).toBe(true);
    expect(steps.at(-1)).toMatchObject({ kind: "write", port: 0x3cf, value: 0x10 });
  });

  it("answers the reads the way the recorded hardware (QEMU's VGA) did", () => {
    // The log records 22 reads of 0x3DA alternating 09, 00, ... (each followed by a read of
    // 0x3C0 = 00, the attribute index with PAS clear) and a read of 0x3CC = 67 near the end.
    const { kit } = setup({ replay: "" });
    const status: number[] = [];
    const attrIndex: number[] = [];
    for (const step of parseReplay(MODE3_REPLAY)) {
      if (step.kind === "write") kit.out8(step.port, step.value);
      else if (step.kind === "read") {
        status.push(kit.in8(step.port));
        attrIndex.push(kit.in8(0x3c0));
      }
    }
    expect(status).toEqual(Array.from({ length: 22 }, (_, i) => (i % 2 === 0 ? 0x09 : 0x00)));
    expect(attrIndex).toEqual(new Array(22).fill(0x00));
    expect(kit.in8(0x3cc)).toBe(0x67);
  });

  it("reset() returns to the same state after the guest changed everything", () => {
    const { kit, vga } = setup();
    const fresh = JSON.stringify(vga.saveState());
    kit.out16(0x3d4, 0x0011); // unlock
    for (let i = 0; i < 0x19; i++) kit.out16(0x3d4, i | 0x5500);
    kit.out8(0x3c2, 0x66);
    kit.out8(0x3c8, 3);
    kit.out8(0x3c9, 1);
    vga.reset();
    expect(JSON.stringify(vga.saveState())).toBe(fresh);
  });
});
