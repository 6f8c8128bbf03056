import type { AttributeController } from "./registers/attribute-controller.js";
import type { Crtc } from "./registers/crtc.js";
import type { GraphicsController } from "./registers/graphics-controller.js";
import type { Sequencer } from "./registers/sequencer.js";
import type { VideoMemory } from "./video-memory.js";

/** Where the text cursor is and what it looks like. */
export interface TextCursor {
  row: number;
  col: number;
  /** First and last scan line inside the character cell (CR0A/CR0B bits 0-4). */
  startLine: number;
  endLine: number;
}

/** The shape of the text screen as the CRTC, sequencer and attribute controller set it. */
export interface TextGeometry {
  cols: number;
  rows: number;
  /** Scan lines per character row (CR09 bits 0-4, plus one). */
  charHeight: number;
  /** Dots per character: 8 or 9 (SR1 bit 0). */
  charWidth: 8 | 9;
  /** SR1 bit 3: each dot is shown twice horizontally (40-column modes). */
  dotDouble: boolean;
  /** CR09 bit 7: each scan line is shown twice. */
  scanDouble: boolean;
  /** CRTC start address (CR0C:CR0D), in character clocks. */
  startAddress: number;
  /** Character clocks from one row to the next (2 × CR13). */
  rowPitch: number;
  /** The cursor, or null when it is off, off screen or has no visible scan line. */
  cursor: TextCursor | null;
}

/** One character cell: CP437 code and attribute byte. */
export interface TextCell {
  ch: number;
  attr: number;
}

/** Registers and memory the screen is read from. */
export interface ScreenSource {
  readonly seq: Sequencer;
  readonly crtc: Crtc;
  readonly gc: GraphicsController;
  readonly ac: AttributeController;
  readonly memory: VideoMemory;
}

/**
 * The text geometry (IBM VGA Technical Reference, CRTC registers): columns = horizontal
 * display end + 1 (CR01); rows = displayed scan lines (vertical display end, CR12 with
 * CR07 overflow bits) / scan lines per row (CR09, doubled by CR09 bit 7).
 */
export function textGeometry(s: ScreenSource): TextGeometry {
  const { crtc, seq } = s;
  const charHeight = crtc.charHeight;
  const scanDouble = crtc.doubleScan;
  const cols = crtc.displayedColumns;
  const rows = Math.floor(crtc.displayedScanLines / (charHeight * (scanDouble ? 2 : 1)));
  const startAddress = crtc.startAddress;
  const rowPitch = crtc.rowPitch;
  const g: TextGeometry = {
    cols,
    rows,
    charHeight,
    charWidth: seq.charWidth,
    dotDouble: seq.dotClockHalved,
    scanDouble,
    startAddress,
    rowPitch,
    cursor: null,
  };
  g.cursor = cursorOf(crtc, g);
  return g;
}

/**
 * The cursor is on the character whose memory address equals CR0E:CR0F, moved right by
 * the skew (CR0B bits 5-6). It shows on scan lines CR0A..CR0B of the cell; CR0A bit 5
 * turns it off, and on the VGA a start line after the end line shows no cursor (FreeVGA
 * CR0A/CR0B).
 */
function cursorOf(crtc: Crtc, g: TextGeometry): TextCursor | null {
  if (crtc.cursorDisabled || g.rowPitch === 0) return null;
  const rel = crtc.cursorLocation - g.startAddress;
  if (rel < 0) return null;
  const row = Math.floor(rel / g.rowPitch);
  const col = (rel % g.rowPitch) + crtc.cursorSkew;
  const startLine = crtc.cursorStart;
  const endLine = Math.min(crtc.cursorEnd, g.charHeight - 1);
  if (row >= g.rows || col >= g.cols || startLine > endLine) return null;
  return { row, col, startLine, endLine };
}

/**
 * The cell at (row, col): the CRTC fetches the character from plane 0 and its attribute
 * from plane 1 at the same plane address (start address + row × pitch + column, converted
 * by the addressing mode).
 */
export function cellAt(s: ScreenSource, g: TextGeometry, row: number, col: number): TextCell {
  const ma = (g.startAddress + row * g.rowPitch + col) & 0xffff;
  const addr = s.crtc.planeAddress(ma);
  return { ch: s.memory.peek(0, addr), attr: s.memory.peek(1, addr) };
}

/** Foreground and background colour numbers (0-15) of an attribute byte, and its blink bit. */
export interface DecodedAttribute {
  fg: number;
  bg: number;
  blink: boolean;
}

/**
 * Attribute byte layout (IBM VGA Technical Reference, "Attribute byte"): bits 0-3
 * foreground, bits 4-6 background, bit 7 either blink (AR10 bit 3 set) or the background's
 * intensity bit (AR10 bit 3 clear).
 */
export function decodeAttribute(ac: AttributeController, attr: number): DecodedAttribute {
  if (ac.blinkEnabled) return { fg: attr & 0x0f, bg: (attr >> 4) & 0x07, blink: (attr & 0x80) !== 0 };
  return { fg: attr & 0x0f, bg: (attr >> 4) & 0x0f, blink: false };
}

/**
 * Whether the display is blanked: PAS (attribute index bit 5) clear gives the palette to
 * the CPU and blanks the screen, and SR1 bit 5 turns the screen off (FreeVGA).
 */
export function displayBlanked(s: ScreenSource): boolean {
  return !s.ac.paletteAddressSource || s.seq.screenOff;
}
