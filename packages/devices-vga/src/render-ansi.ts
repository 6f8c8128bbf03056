import { cp437ToUnicode } from "./cp437.js";
import { requireTextMode } from "./render-text.js";
import { type ScreenSource, cellAt, decodeAttribute, displayBlanked, textGeometry } from "./text-screen.js";
import type { Dac } from "./registers/dac.js";

/** Options of {@link renderAnsi}. */
export interface AnsiOptions {
  /**
   * false (default): the 16 attribute colours as the 16 standard SGR colours (30-37, 90-97,
   * 40-47, 100-107). true: 24-bit SGR colours (38;2;r;g;b) from the palette the screen really
   * shows (attribute palette registers, then the DAC).
   */
  trueColor?: boolean;
}

/** VGA colour numbers (blue = 1, red = 4) to ANSI colour numbers (red = 1, blue = 4). */
const VGA_TO_ANSI = [0, 4, 2, 6, 1, 5, 3, 7];

function sgr16(color: number, background: boolean): string {
  const base = background ? (color >= 8 ? 100 : 40) : color >= 8 ? 90 : 30;
  return String(base + VGA_TO_ANSI[color & 7]!);
}

/**
 * The text screen for a terminal: each row starts with the SGR of its first cell, a new SGR
 * comes wherever the colours change, and the row ends with SGR 0 and a newline. Blinking
 * characters (attribute bit 7 with AR10 bit 3 set) get SGR 5. Trailing blanks on a black
 * background are left out.
 */
export function renderAnsi(s: ScreenSource & { readonly dac: Dac }, options: AnsiOptions = {}): string {
  requireTextMode(s, "the screen as ANSI text");
  const g = textGeometry(s);
  const blank = displayBlanked(s);
  const color = (c: number, background: boolean): string => {
    if (!options.trueColor) return sgr16(c, background);
    const [r, gr, b] = s.dac.rgb(s.ac.dacIndex(c));
    return `${background ? 48 : 38};2;${r};${gr};${b}`;
  };
  let out = "";
  for (let row = 0; row < g.rows; row++) {
    const cells = [];
    for (let col = 0; col < g.cols && !blank; col++) cells.push(cellAt(s, g, row, col));
    let end = cells.length;
    while (end > 0) {
      const c = cells[end - 1]!;
      const a = decodeAttribute(s.ac, c.attr);
      if ((c.ch === 0x20 || c.ch === 0x00 || c.ch === 0xff) && a.bg === 0) end--;
      else break;
    }
    let line = "";
    let last = "";
    for (let i = 0; i < end; i++) {
      const c = cells[i]!;
      const a = decodeAttribute(s.ac, c.attr);
      const code = `\x1b[0;${color(a.fg, false)};${color(a.bg, true)}${a.blink ? ";5" : ""}m`;
      if (code !== last) line += code;
      last = code;
      line += cp437ToUnicode(c.ch);
    }
    out += line + (end > 0 ? "\x1b[0m" : "") + "\n";
  }
  return out;
}
