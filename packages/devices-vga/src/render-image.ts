import { RinglabError } from "@ringlab/sdk";
import type { Dac } from "./registers/dac.js";
import { type ScreenSource, cellAt, decodeAttribute, displayBlanked, textGeometry } from "./text-screen.js";

/**
 * An RGBA picture of the screen. Encoding it (PNG, a canvas) is the front end's job, so the
 * device stays free of Node-only libraries and a browser build can reuse it.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, red, green, blue, alpha. */
  data: Uint8Array;
}

type Source = ScreenSource & { readonly dac: Dac };

/**
 * Renders what the monitor would show:
 * - text modes: each cell from its glyph in plane 2 (font map chosen by SR3 and attribute
 *   bit 3), 8 or 9 dots wide (the 9th dot repeats the 8th for C0-DF when AR10 bit 2 is set,
 *   else it is background), dots doubled horizontally when SR1 bit 3 halves the dot clock;
 *   colours go through the attribute palette registers and the DAC; the underline scan line
 *   (CR14) for attributes with foreground 1 and background 0; the cursor on its scan lines
 *   in the cell's foreground colour. There is no wall clock, so the cursor and blinking
 *   characters are drawn in their visible phase;
 * - graphics at the mode's logical resolution: 16-colour planar (modes 0Dh-12h), CGA
 *   compatible (4/5: 2-bit interleaved pixels, 6: one plane, lines interleaved by CR17),
 *   and 256-colour (mode 13h and unchained "mode X").
 * A blanked display (PAS clear or SR1 bit 5) renders black.
 */
export function renderImage(s: Source): RgbaImage {
  if (!s.gc.graphicsMode) return renderTextImage(s);
  if (s.gc.shift256 || s.ac.eightBitColor) return renderGraphics(s, 4, (x, addrOf) => s.memory.peek(x & 3, addrOf(x >> 2)), true);
  if (s.gc.interleavedShift) {
    // CGA 4-colour (modes 4/5): each character clock fetches plane 0 and plane 1 at the same
    // address, the even and odd CPU bytes; each byte holds four 2-bit pixels, high bits first.
    return renderGraphics(
      s,
      8,
      (x, addrOf) => (s.memory.peek((x >> 2) & 1, addrOf(x >> 3)) >> (6 - 2 * (x & 3))) & 3,
      false,
    );
  }
  return renderGraphics(
    s,
    8,
    (x, addrOf) => {
      const addr = addrOf(x >> 3);
      const bit = 7 - (x & 7);
      let c = 0;
      for (let p = 0; p < 4; p++) c |= ((s.memory.peek(p, addr) >> bit) & 1) << p;
      return c;
    },
    false,
  );
}

function newImage(width: number, height: number): RgbaImage {
  if (width <= 0 || height <= 0) {
    throw new RinglabError("vga-empty-screen", `vga: cannot render the screen: the CRTC programs a ${width}x${height} display`);
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 0xff;
  return { width, height, data };
}

function renderTextImage(s: Source): RgbaImage {
  const g = textGeometry(s);
  const dot = g.dotDouble ? 2 : 1;
  const cellW = g.charWidth * dot;
  const img = newImage(g.cols * cellW, g.rows * g.charHeight);
  if (displayBlanked(s)) return img;
  const rgbOf = (color: number) => s.dac.rgb(s.ac.dacIndex(color));
  const underline = s.crtc.underlineLocation;
  for (let row = 0; row < g.rows; row++) {
    for (let col = 0; col < g.cols; col++) {
      const { ch, attr } = cellAt(s, g, row, col);
      const a = decodeAttribute(s.ac, attr);
      const fg = rgbOf(a.fg);
      const bg = rgbOf(a.bg);
      const font = s.seq.fontOffset((attr & 0x08) !== 0) + ch * 32;
      const lineChar = s.ac.lineGraphics && ch >= 0xc0 && ch <= 0xdf;
      const isCursor = g.cursor !== null && g.cursor.row === row && g.cursor.col === col;
      for (let line = 0; line < g.charHeight; line++) {
        const bits = s.memory.peek(2, font + line);
        const solid =
          ((attr & 0x77) === 0x01 && line === underline) ||
          (isCursor && line >= g.cursor!.startLine && line <= g.cursor!.endLine);
        const y = row * g.charHeight + line;
        for (let x = 0; x < g.charWidth; x++) {
          const on = solid || (x < 8 ? (bits >> (7 - x)) & 1 : lineChar ? bits & 1 : 0);
          const [r, gr, b] = on ? fg : bg;
          for (let d = 0; d < dot; d++) {
            const i = (y * img.width + col * cellW + x * dot + d) * 4;
            img.data[i] = r;
            img.data[i + 1] = gr;
            img.data[i + 2] = b;
          }
        }
      }
    }
  }
  return img;
}

/**
 * Graphics modes. A character row of the CRTC (CR09 scan lines, doubled by CR09 bit 7) shows
 * one line of memory, except that with CR17 bit 0 clear row scan counter bit 0 replaces
 * address bit 13, and with CR17 bit 1 clear bit 1 replaces address bit 14 (IBM VGA Technical
 * Reference, CR17 "compatibility mode support" / "select row scan counter"): that is how
 * CGA-compatible modes interleave even and odd lines 8 KiB apart. The picture has one pixel
 * row per distinct memory line, i.e. the mode's logical resolution (mode 13h: 200 rows).
 * `pixel(x, addrOf)` gives the colour of pixel x, given a function from a character-clock
 * offset in the row to a plane address.
 */
function renderGraphics(
  s: Source,
  pixelsPerClock: number,
  pixel: (x: number, addrOf: (clock: number) => number) => number,
  direct256: boolean,
): RgbaImage {
  const crtc = s.crtc;
  const mode = crtc.regs[0x17]!;
  const substituted = (mode & 0x01 ? 1 : 2) * (mode & 0x02 ? 1 : 2);
  const linesPerRow = Math.min(crtc.charHeight, substituted);
  const charRows = Math.floor(crtc.displayedScanLines / (crtc.charHeight * (crtc.doubleScan ? 2 : 1)));
  const height = charRows * linesPerRow;
  const width = crtc.displayedColumns * pixelsPerClock;
  const img = newImage(width, height);
  if (displayBlanked(s)) return img;
  for (let y = 0; y < height; y++) {
    const rowStart = crtc.startAddress + Math.floor(y / linesPerRow) * crtc.rowPitch;
    const scan = y % linesPerRow;
    const addrOf = (clock: number) => {
      let addr = crtc.planeAddress((rowStart + clock) & 0xffff);
      if (!(mode & 0x01)) addr = (addr & ~0x2000) | ((scan & 1) << 13);
      if (!(mode & 0x02)) addr = (addr & ~0x4000) | (((scan >> 1) & 1) << 14);
      return addr;
    };
    for (let x = 0; x < width; x++) {
      const c = pixel(x, addrOf);
      // 256-colour pixels index the DAC directly, as in QEMU; 16-colour ones go through the
      // attribute palette first.
      const [r, g, b] = s.dac.rgb(direct256 ? c : s.ac.dacIndex(c));
      const i = (y * width + x) * 4;
      img.data[i] = r;
      img.data[i + 1] = g;
      img.data[i + 2] = b;
    }
  }
  return img;
}
