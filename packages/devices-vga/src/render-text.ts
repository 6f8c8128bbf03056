import { RinglabError } from "@ringlab/sdk";
import { cp437ToUnicode } from "./cp437.js";
import { type ScreenSource, cellAt, displayBlanked, textGeometry } from "./text-screen.js";

/** Throws the one-line error text output gives when the VGA is in a graphics mode. */
export function requireTextMode(s: ScreenSource, what: string): void {
  if (s.gc.graphicsMode) {
    throw new RinglabError(
      "vga-graphics-mode",
      `vga: cannot render ${what}: the adapter is in a graphics mode (GR6 bit 0 set), not a text mode`,
    );
  }
}

/**
 * The text screen as lines of Unicode (CP437 mapped), trailing spaces removed. A blanked
 * display gives empty lines, as a monitor would show nothing.
 */
export function renderTextLines(s: ScreenSource): string[] {
  requireTextMode(s, "the screen as text");
  const g = textGeometry(s);
  const blank = displayBlanked(s);
  const lines: string[] = [];
  for (let row = 0; row < g.rows; row++) {
    let line = "";
    if (!blank) for (let col = 0; col < g.cols; col++) line += cp437ToUnicode(cellAt(s, g, row, col).ch);
    lines.push(line.replace(/ +$/, ""));
  }
  return lines;
}

/** {@link renderTextLines} joined, one newline after each row. */
export function renderText(s: ScreenSource): string {
  return renderTextLines(s).map((l) => l + "\n").join("");
}
