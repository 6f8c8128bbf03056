import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { ar, crtc, gr, putText, setup, sr } from "./helpers.js";

describe("plain text output", () => {
  it("renders a known buffer as rows with trailing spaces trimmed", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "Hello, world!");
    putText(kit, 1, 4, "indented   ", 0x1f);
    putText(kit, 24, 70, "bottom rig");
    const lines = vga.screenLines();
    expect(lines.length).toBe(25);
    expect(lines[0]).toBe("Hello, world!");
    expect(lines[1]).toBe("    indented");
    expect(lines[2]).toBe("");
    expect(lines[24]).toBe(" ".repeat(70) + "bottom rig");
    expect(vga.screenText()).toBe(lines.map((l) => l + "\n").join(""));
  });

  it("maps CP437 to Unicode (box drawing, blocks, accents, control glyphs)", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "\xc9\xcd\xbb\xb3\xdb\xb0\x82\x01\x00\xe1\xfe");
    expect(vga.screenLines()[0]).toBe("╔═╗│█░é☺ ß■");
  });

  it("starts the screen at the CRTC start address (CR0C/CR0D): scrolling by one row", () => {
    const { kit, vga } = setup();
    for (let row = 0; row < 26; row++) putText(kit, row, 0, `line ${row}`);
    expect(vga.screenLines()[0]).toBe("line 0");
    crtc(kit, 0x0c, 0x00);
    crtc(kit, 0x0d, 80); // one row further on (CR13 = 0x28: 80 characters per row)
    const lines = vga.screenLines();
    expect(lines[0]).toBe("line 1");
    expect(lines[24]).toBe("line 25");
    crtc(kit, 0x0c, 0x07);
    crtc(kit, 0x0d, 0xd0); // 0x7D0 = 2000 characters: the second page
    putText(kit, 25, 0, "page 1 top");
    expect(vga.screenLines()[0]).toBe("page 1 top");
  });

  it("uses the CRTC offset (CR13) as the row pitch", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x13, 0x50); // 160 characters per row: a virtual screen twice as wide
    putText(kit, 0, 0, "A");
    putText(kit, 2, 0, "B"); // character 160 in 80-column numbering: row 1 of the wide screen
    kit.write(0xb8000 + 80 * 2, 0x43); // character 80: in row 0, past the 80 shown columns
    const lines = vga.screenLines();
    expect(lines[0]).toBe("A");
    expect(lines[1]).toBe("B");
    // Horizontal scrolling by start address.
    crtc(kit, 0x0d, 80);
    expect(vga.screenLines()[0]).toBe("C");
  });

  it("derives 80x50 from an 8-line character height (CR09) and 40 columns from CR01/CR13", () => {
    const { kit, vga } = setup();
    crtc(kit, 0x09, 0x47);
    expect(vga.textGeometry()).toMatchObject({ cols: 80, rows: 50, charHeight: 8 });
    crtc(kit, 0x11, 0x0e); // unlock CR0-7
    crtc(kit, 0x01, 0x27);
    crtc(kit, 0x13, 0x14);
    sr(kit, 1, 0x08); // dot clock / 2
    crtc(kit, 0x09, 0x4f);
    putText(kit, 0, 0, "0123456789".repeat(5));
    expect(vga.textGeometry()).toMatchObject({ cols: 40, rows: 25, dotDouble: true });
    expect(vga.screenLines()[0]).toBe("0123456789".repeat(4));
    expect(vga.screenLines()[1]).toBe("0123456789");
  });

  it("reports the cursor position (CR0E/CR0F) and shape (CR0A/CR0B), and hides it with CR0A bit 5", () => {
    const { kit, vga } = setup();
    expect(vga.textGeometry().cursor).toEqual({ row: 0, col: 0, startLine: 13, endLine: 14 });
    crtc(kit, 0x0e, 0x03);
    crtc(kit, 0x0f, 0x25); // 0x325 = 805 = row 10, column 5
    crtc(kit, 0x0a, 0x00);
    crtc(kit, 0x0b, 0x0f); // block cursor
    expect(vga.textGeometry().cursor).toEqual({ row: 10, col: 5, startLine: 0, endLine: 15 });
    crtc(kit, 0x0a, 0x20);
    expect(vga.textGeometry().cursor).toBeNull();
    crtc(kit, 0x0a, 0x0e);
    crtc(kit, 0x0b, 0x0d); // start after end: no cursor on the VGA
    expect(vga.textGeometry().cursor).toBeNull();
    crtc(kit, 0x0b, 0x0f);
    crtc(kit, 0x0c, 0x04); // start address past the cursor: off screen
    expect(vga.textGeometry().cursor).toBeNull();
  });

  it("shows nothing while the display is blanked (PAS clear, or SR1 bit 5)", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "visible");
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x00); // PAS clear: the CPU owns the palette, the screen is blank
    expect(vga.screenLines()[0]).toBe("");
    kit.out8(0x3c0, 0x00);
    kit.out8(0x3c0, 0x20);
    expect(vga.screenLines()[0]).toBe("visible");
    sr(kit, 1, 0x20);
    expect(vga.screenLines()[0]).toBe("");
  });

  it("refuses to render graphics modes as text, with one clear line", () => {
    const { kit, vga } = setup();
    gr(kit, 6, 0x05);
    expect(() => vga.screenText()).toThrow(/^vga: cannot render the screen as text: the adapter is in a graphics mode/);
    expect(() => vga.screenAnsi()).toThrow(/graphics mode/);
  });
});

describe("ANSI output", () => {
  it("gives each colour run an SGR from the attribute, and resets at the end of each row", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "ab", 0x1e); // yellow on blue
    putText(kit, 0, 2, "c", 0x07);
    putText(kit, 1, 0, "x", 0x4f); // bright white on red
    const rows = vga.screenAnsi().split("\n");
    expect(rows[0]).toBe("\x1b[0;93;44mab\x1b[0;37;40mc\x1b[0m");
    expect(rows[1]).toBe("\x1b[0;97;41mx\x1b[0m");
    expect(rows[2]).toBe("");
    expect(rows.length).toBe(26); // 25 rows, each ending in a newline
  });

  it("uses SGR 5 for blink when AR10 bit 3 is set, and bright backgrounds when it is clear", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "B", 0xc2); // blink, background 4 (red) or 12 (bright red), foreground green
    expect(vga.screenAnsi().split("\n")[0]).toBe("\x1b[0;32;41;5mB\x1b[0m");
    ar(kit, 0x10, 0x04); // blink off: bit 7 is background intensity
    expect(vga.screenAnsi().split("\n")[0]).toBe("\x1b[0;32;101mB\x1b[0m");
  });

  it("keeps trailing blanks that have a coloured background", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "x  ", 0x17);
    expect(vga.screenAnsi().split("\n")[0]).toBe("\x1b[0;37;44mx  \x1b[0m");
  });

  it("can give 24-bit colours from the attribute palette and the DAC", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "o", 0x06); // brown: palette register 6 = 0x14 = DAC (0x2A, 0x15, 0)
    expect(vga.screenAnsi({ trueColor: true }).split("\n")[0]).toBe("\x1b[0;38;2;170;85;0;48;2;0;0;0mo\x1b[0m");
    kit.out8(0x3c8, 0x14);
    for (const v of [0x3f, 0, 0x3f]) kit.out8(0x3c9, v);
    expect(vga.screenAnsi({ trueColor: true }).split("\n")[0]).toContain("38;2;255;0;255");
  });
});
