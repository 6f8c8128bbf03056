import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { FONT_8X16 } from "../src/index.js";
import { MODE_12H, MODE_13H, MODE_4, MODE_6, ar, crtc, gr, putText, setMode, setup } from "./helpers.js";
import type { Vga } from "../src/index.js";

type Rgb = [number, number, number];
const BLACK: Rgb = [0, 0, 0];
const LIGHT_GREY: Rgb = [0xaa, 0xaa, 0xaa];
const BLUE: Rgb = [0, 0, 0xaa];
const YELLOW: Rgb = [0xff, 0xff, 0x55];
const BROWN: Rgb = [0xaa, 0x55, 0x00];

/** The screen's pixels, as a front end would encode them. */
function shot(vga: Vga) {
  const png = vga.screenImage();
  const at = (x: number, y: number): Rgb => {
    const i = (y * png.width + x) * 4;
    expect(png.data[i + 3]).toBe(255);
    return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
  };
  return { width: png.width, height: png.height, at };
}

/** Checks cell (row, col) of a 9x16 text screen pixel by pixel against the font. */
function expectGlyph(s: ReturnType<typeof shot>, row: number, col: number, ch: number, fg: Rgb, bg: Rgb): void {
  for (let line = 0; line < 16; line++) {
    const bits = FONT_8X16[ch * 16 + line]!;
    for (let x = 0; x < 9; x++) {
      const on = x < 8 && ((bits >> (7 - x)) & 1) === 1;
      expect(s.at(col * 9 + x, row * 16 + line), `char ${ch} line ${line} dot ${x}`).toEqual(on ? fg : bg);
    }
  }
}

describe("screen image (what --screenshot encodes as PNG)", () => {
  it("is 720x400 in mode 3 and draws glyphs from the font with attribute colours", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x0a, 0x20); // cursor off, to see the glyphs alone
    putText(kit, 0, 0, "Hi", 0x1e);
    putText(kit, 3, 10, "g", 0x06);
    const s = shot(vga);
    expect([s.width, s.height]).toEqual([720, 400]);
    expectGlyph(s, 0, 0, 0x48, YELLOW, BLUE);
    expectGlyph(s, 0, 1, 0x69, YELLOW, BLUE);
    expectGlyph(s, 3, 10, 0x67, BROWN, BLACK);
    expectGlyph(s, 5, 5, 0x20, LIGHT_GREY, BLACK);
    // A known pixel of 'H': row 7 of the cell is its cross bar.
    expect(s.at(3, 7)).toEqual(YELLOW);
    expect(s.at(3, 3)).toEqual(BLUE);
  });

  it("draws the cursor on its scan lines in the cell's foreground colour, and not when disabled", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x0e, 0x00);
    crtc(kit, 0x0f, 81); // row 1, column 1
    putText(kit, 1, 1, " ", 0x0e);
    let s = shot(vga);
    const x0 = 9, y0 = 16;
    for (let line = 0; line < 16; line++) {
      for (let x = 0; x < 9; x++) expect(s.at(x0 + x, y0 + line)).toEqual(line === 13 || line === 14 ? YELLOW : BLACK);
    }
    crtc(kit, 0x0a, 0x2d);
    s = shot(vga);
    expect(s.at(x0, y0 + 13)).toEqual(BLACK);
  });

  it("repeats the 8th dot as the 9th for line graphics C0-DF only when AR10 bit 2 is set", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x0a, 0x20);
    putText(kit, 0, 0, "\xc4\xc4\xb3", 0x07);
    let s = shot(vga);
    for (let x = 0; x < 18; x++) expect(s.at(x, 8)).toEqual(LIGHT_GREY); // ─ joins across cells
    expect(s.at(8, 7)).toEqual(BLACK);
    ar(kit, 0x10, 0x08);
    s = shot(vga);
    expect(s.at(8, 8)).toEqual(BLACK);
  });

  it("takes colours through the palette registers and the DAC", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x0a, 0x20);
    putText(kit, 0, 0, "\xdb", 0x01); // full block in colour 1
    ar(kit, 0x01, 0x3f); // palette register 1 -> DAC 63 (white)
    expect(shot(vga).at(2, 2)).toEqual([0xff, 0xff, 0xff]);
    kit.out8(0x3c8, 0x3f);
    for (const v of [0x10, 0x20, 0x30]) kit.out8(0x3c9, v);
    expect(shot(vga).at(2, 2)).toEqual([0x41, 0x82, 0xc3]);
  });

  it("renders a blanked display black", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "\xdb\xdb", 0x0f);
    expect(shot(vga).at(2, 2)).toEqual([0xff, 0xff, 0xff]);
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x00);
    expect(shot(vga).at(2, 2)).toEqual(BLACK);
  });

  it("renders mode 13h (320x200, 256 colours, chain 4) from the DAC", () => {
    const { kit, vga } = setup();
    setMode(kit, MODE_13H);
    kit.write(0xa0000, 0x01); // (0,0): blue
    kit.write(0xa0001, 0x00); // (1,0): black (the mode set did not clear memory)
    kit.write(0xa0000 + 319, 0x3e); // (319,0): DAC 0x3E, yellow in the EGA-layout palette
    kit.write(0xa0000 + 199 * 320 + 5, 0x3f); // (5,199): white
    const s = shot(vga);
    expect([s.width, s.height]).toEqual([320, 200]);
    expect(s.at(0, 0)).toEqual(BLUE);
    expect(s.at(319, 0)).toEqual(YELLOW);
    expect(s.at(5, 199)).toEqual([0xff, 0xff, 0xff]);
    expect(s.at(1, 0)).toEqual(BLACK);
  });

  it("renders 16-colour planar graphics (mode 12h, 640x480) through the palette", () => {
    const { kit, vga } = setup();
    setMode(kit, MODE_12H);
    gr(kit, 5, 0x02); // write mode 2: the byte is a colour
    gr(kit, 8, 0x80);
    kit.read(0xa0000);
    kit.write(0xa0000, 0x0e); // pixel (0,0) yellow
    gr(kit, 8, 0x40);
    kit.read(0xa0000); // reload the latches, which then keep pixel 0
    kit.write(0xa0000, 0x00); // pixel (1,0) black
    gr(kit, 8, 0x01);
    kit.read(0xa0000 + 80 * 479 + 79);
    kit.write(0xa0000 + 80 * 479 + 79, 0x06); // pixel (639,479) brown
    const s = shot(vga);
    expect([s.width, s.height]).toEqual([640, 480]);
    expect(s.at(0, 0)).toEqual(YELLOW);
    expect(s.at(1, 0)).toEqual(BLACK);
    expect(s.at(639, 479)).toEqual(BROWN);
  });

  it("renders CGA mode 4 (320x200, 2-bit pixels, odd lines 8 KiB up) through the palette", () => {
    const { kit, vga } = setup();
    setMode(kit, MODE_4);
    for (let i = 0; i < 0x4000; i++) kit.write(0xb8000 + i, 0);
    kit.write(0xb8000, 0x1b); // pixels 0-3 of line 0: colours 0, 1, 2, 3
    kit.write(0xb8001, 0xc0); // pixel 4: colour 3
    kit.write(0xba000, 0x40); // line 1, pixel 0: colour 1
    kit.write(0xb8000 + 80 * 99 + 79, 0x03); // line 198, pixel 319: colour 3
    const s = shot(vga);
    expect([s.width, s.height]).toEqual([320, 200]);
    // Palette registers 1-3 of mode 4 select DAC 0x13, 0x15, 0x17 (EGA layout).
    const c1: Rgb = [0x00, 0xff, 0xaa];
    const c2: Rgb = [0xaa, 0x55, 0xaa];
    const c3: Rgb = [0xaa, 0xff, 0xaa];
    expect([0, 1, 2, 3, 4, 5].map((x) => s.at(x, 0))).toEqual([BLACK, c1, c2, c3, c3, BLACK]);
    expect(s.at(0, 1)).toEqual(c1);
    expect(s.at(1, 1)).toEqual(BLACK);
    expect(s.at(319, 198)).toEqual(c3);
  });

  it("renders CGA mode 6 (640x200, one plane, odd lines 8 KiB up)", () => {
    const { kit, vga } = setup();
    setMode(kit, MODE_6);
    for (let i = 0; i < 0x4000; i++) kit.write(0xb8000 + i, 0);
    kit.write(0xb8000, 0x81);
    kit.write(0xba000 + 79, 0x01);
    const s = shot(vga);
    expect([s.width, s.height]).toEqual([640, 200]);
    const white: Rgb = [0xaa, 0xff, 0xaa]; // palette register 1 = 0x17
    expect([0, 1, 6, 7].map((x) => s.at(x, 0))).toEqual([white, BLACK, BLACK, white]);
    expect(s.at(639, 1)).toEqual(white);
    expect(s.at(639, 0)).toEqual(BLACK);
  });
});
