import { describe, expect, it } from "vitest";
import { FONT_8X16, FONT_HEIGHT } from "../src/font-8x16.js";

const glyph = (code: number): number[] => Array.from(FONT_8X16.subarray(code * FONT_HEIGHT, (code + 1) * FONT_HEIGHT));
const hex = (code: number) => `0x${code.toString(16).padStart(2, "0")}`;

/**
 * The hollow box the font used to show for codes it did not draw yet (rows 3 and 12 from
 * column 1 to 6, columns 1 and 6 from row 3 to 12).
 */
const OLD_PLACEHOLDER = [0, 0, 0, 0x7e, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x7e, 0, 0, 0];

/** The blank codes of CP437: NUL, space and 0xFF (a non-breaking space). */
const BLANKS = [0x00, 0x20, 0xff];

describe("built-in 8x16 font", () => {
  it("has 256 glyphs of 16 scan lines", () => {
    expect(FONT_8X16.length).toBe(256 * 16);
  });

  it("keeps 0x00, 0x20 and 0xFF blank, as on a real VGA", () => {
    for (const code of BLANKS) expect(glyph(code), hex(code)).toEqual(new Array(16).fill(0));
  });

  it("draws every code 0x01-0xFE: none is blank (but space) or the old hollow-box placeholder", () => {
    for (let code = 0x01; code <= 0xfe; code++) {
      if (code === 0x20) continue;
      expect(glyph(code), hex(code)).not.toEqual(OLD_PLACEHOLDER);
      expect(glyph(code).some((row) => row !== 0), `${hex(code)} is blank`).toBe(true);
    }
  });

  it("gives every non-blank code its own glyph (no two are the same picture)", () => {
    // No deliberate duplicates: ∙ 0xF9 is a 2x2 dot and · 0xFA a single pixel.
    const seen = new Map<string, number>();
    for (let code = 0; code < 256; code++) {
      if (BLANKS.includes(code)) continue;
      const key = glyph(code).join(",");
      expect(seen.get(key), `${hex(code)} repeats ${hex(seen.get(key) ?? 0)}`).toBeUndefined();
      seen.set(key, code);
    }
  });

  it("draws accented capitals as the plain capital (rows 3-11) with the accent above row 3", () => {
    const pairs: Array<[number, string]> = [
      [0x80, "C"], [0x8e, "A"], [0x8f, "A"], [0x90, "E"], [0x99, "O"], [0x9a, "U"], [0xa5, "N"],
    ];
    for (const [code, base] of pairs) {
      const g = glyph(code);
      const b = glyph(base.charCodeAt(0));
      expect(g.slice(3, 12), `${hex(code)} body`).toEqual(b.slice(3, 12));
      if (code !== 0x80) expect(g.slice(0, 3).some((row) => row !== 0), `${hex(code)} accent`).toBe(true);
    }
    // Ç keeps the C and adds a cedilla under the baseline.
    expect(glyph(0x80).slice(12, 15).some((row) => row !== 0)).toBe(true);
  });

  it("draws accented lower case as the plain letter (x-height rows 6-14) with the accent in rows 3-4", () => {
    const pairs: Array<[number, string]> = [
      [0x81, "u"], [0x82, "e"], [0x83, "a"], [0x84, "a"], [0x85, "a"], [0x86, "a"], [0x88, "e"],
      [0x89, "e"], [0x8a, "e"], [0x8b, "i"], [0x8c, "i"], [0x8d, "i"], [0x93, "o"], [0x94, "o"],
      [0x95, "o"], [0x96, "u"], [0x97, "u"], [0x98, "y"], [0xa0, "a"], [0xa1, "i"], [0xa2, "o"],
      [0xa3, "u"], [0xa4, "n"],
    ];
    for (const [code, base] of pairs) {
      const g = glyph(code);
      const b = glyph(base.charCodeAt(0));
      expect(g.slice(6, 15), `${hex(code)} body`).toEqual(b.slice(6, 15));
      expect(g[5], `${hex(code)} gap under the accent`).toBe(0);
      expect(g.slice(0, 5)).not.toEqual(b.slice(0, 5));
    }
    // ç: the c, and a cedilla in the descender rows where c has none.
    expect(glyph(0x87).slice(3, 12)).toEqual(glyph(0x63).slice(3, 12));
    expect(glyph(0x63).slice(12, 15)).toEqual([0, 0, 0]);
    expect(glyph(0x87).slice(12, 15).some((row) => row !== 0)).toBe(true);
  });

  it("draws the inverse bullet and circle as the exact inverse of the cell around them", () => {
    // ◙ 0x0A is ○ 0x09 with every pixel flipped.
    expect(glyph(0x0a)).toEqual(glyph(0x09).map((row) => row ^ 0xff));
    // ◘ 0x08 is solid except a hole where • 0x07 is.
    expect(glyph(0x08)).toEqual(glyph(0x07).map((row) => row ^ 0xff));
  });

  it("joins the integral halves across text rows: ⌠ reaches the bottom edge, ⌡ the top, on the same columns", () => {
    expect(glyph(0xf4)[15]).not.toBe(0);
    expect(glyph(0xf5)[0]).toBe(glyph(0xf4)[15]);
  });
});
