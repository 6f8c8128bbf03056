#!/usr/bin/env node
// Draws the built-in 8x16 font as a 16x16 sheet of all 256 glyphs, to check it by eye.
//
//   npx tsc -p tsconfig.build.json            (the script reads the font from dist/)
//   node scripts/font-sheet.mjs [OUT.png] [--scale N] [--rows A-B] [--no-guides]
//
// OUT defaults to font-sheet.png in the current directory; --scale (default 4) is the size
// of one font pixel; --rows draws only sheet rows A to B (hex, e.g. --rows 8-9 for
// 0x80-0x9F), to look at a few glyphs at a large scale. Each cell is a glyph (white on black) with a one-pixel gap; the row and
// column hex digits around the sheet are drawn with the font itself. Guides tint cell row 3
// (top of capitals), row 6 (top of the x-height) and row 11 (baseline) dark blue, so the
// glyphs can be checked against the ASCII letters' metrics.
//
// pngjs is the CLI's dependency (this package has none that writes files), so it is loaded
// from the CLI package by path; run the script from a full checkout.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(pkg, "../cli/package.json"));
const { PNG } = require("pngjs");
const { FONT_8X16, FONT_HEIGHT } = await import(pathToFileURL(join(pkg, "dist/font-8x16.js")).href);

const args = process.argv.slice(2);
let out = "font-sheet.png";
let scale = 4;
let guides = true;
let firstRow = 0;
let lastRow = 15;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--scale") scale = Number(args[++i]);
  else if (args[i] === "--no-guides") guides = false;
  else if (args[i] === "--rows") {
    const m = /^([0-9a-f])-([0-9a-f])$/i.exec(args[++i] ?? "");
    if (!m) throw new Error("--rows takes A-B, two hex digits");
    [firstRow, lastRow] = [parseInt(m[1], 16), parseInt(m[2], 16)];
    if (firstRow > lastRow) throw new Error("--rows: A must not be above B");
  }
  else out = args[i];
}
if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new Error("--scale must be 1-16");

const CELL_W = 9; // 8 dots and a gap, in font pixels
const CELL_H = FONT_HEIGHT + 1;
const MARGIN_X = CELL_W; // room for the row labels
const MARGIN_Y = CELL_H; // room for the column labels
const width = (MARGIN_X + 16 * CELL_W) * scale;
const rows = lastRow - firstRow + 1;
const height = (MARGIN_Y + rows * CELL_H) * scale;
const png = new PNG({ width, height });

const GAP = [0x40, 0x40, 0x40];
const BLACK = [0, 0, 0];
const GUIDE = [0x00, 0x00, 0x50];
const INK = [0xff, 0xff, 0xff];
const LABEL = [0xff, 0xc0, 0x40];

/** Fills one font pixel (fx, fy), in font-pixel coordinates of the whole sheet. */
function dot(fx, fy, rgb) {
  for (let y = fy * scale; y < (fy + 1) * scale; y++) {
    for (let x = fx * scale; x < (fx + 1) * scale; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = 0xff;
    }
  }
}

function glyph(code, fx, fy, ink, paper) {
  for (let line = 0; line < FONT_HEIGHT; line++) {
    const bits = FONT_8X16[code * FONT_HEIGHT + line];
    for (let x = 0; x < 8; x++) {
      const on = ((bits >> (7 - x)) & 1) === 1;
      dot(fx + x, fy + line, on ? ink : paper(line));
    }
  }
}

for (let fy = 0; fy < height / scale; fy++) for (let fx = 0; fx < width / scale; fx++) dot(fx, fy, GAP);
const hex = (n) => "0123456789ABCDEF".charCodeAt(n);
const paper = (line) => (guides && (line === 3 || line === 6 || line === 11) ? GUIDE : BLACK);
for (let i = 0; i < 16; i++) glyph(hex(i), MARGIN_X + i * CELL_W, 0, LABEL, () => GAP);
for (let r = 0; r < rows; r++) glyph(hex(firstRow + r), 0, MARGIN_Y + r * CELL_H, LABEL, () => GAP);
for (let code = firstRow * 16; code < (lastRow + 1) * 16; code++) {
  glyph(code, MARGIN_X + (code % 16) * CELL_W, MARGIN_Y + (Math.floor(code / 16) - firstRow) * CELL_H, INK, paper);
}
writeFileSync(out, PNG.sync.write(png));
console.log(`wrote ${out} (${width}x${height})`);
