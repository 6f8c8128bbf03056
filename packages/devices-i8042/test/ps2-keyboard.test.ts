import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { KBD_BUFFER_SIZE, KEY, SET2_TO_SET1, i8042Registers as R, keyBytes, set1Of } from "../src/index.js";
import { bench } from "./helpers.js";

/** Command byte without translation (the keyboard's own bytes), with IRQ 1. */
const RAW = R.CB_KBD_INT;
const XLATE = R.CB_KBD_INT | R.CB_XLATE;

describe("PS/2 keyboard commands", () => {
  it("0xFF reset answers FA then AA (BAT passed); 0xF2 identify FA AB 83", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.send(0xff);
    expect(b.drain()).toEqual([0xfa, 0xaa]);
    b.send(0xf2);
    expect(b.drain()).toEqual([0xfa, 0xab, 0x83]);
  });

  it("through translation the ID reads FA AB 41 and 'get scan code set' 0x41 for set 2 (what Linux's atkbd expects)", () => {
    const b = bench();
    b.command(0x60, XLATE);
    b.send(0xf2);
    expect(b.drain()).toEqual([0xfa, 0xab, 0x41]);
    b.send(0xf0, 0x00);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0x41]);
  });

  it("0xED sets the LEDs, 0xF3 the typematic byte, 0xEE echoes, 0xFE resends the last byte", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.send(0xed, 0x07);
    b.send(0xf3, 0x20);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa]);
    expect([b.kbc.keyboard.leds, b.kbc.keyboard.typematic]).toEqual([7, 0x20]);
    b.send(0xee);
    expect(b.drain()).toEqual([0xee]);
    b.send(0xfe);
    expect(b.drain()).toEqual([0xee]);
    // A command where the option byte was expected is a new command.
    b.send(0xed, 0xf2);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0xab, 0x83]);
    expect(b.kbc.keyboard.leds).toBe(7);
  });

  it("0xF0 selects set 1 or 2 and reports it; set 3 and other values are refused with FE", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.send(0xf0, 0x01, 0xf0, 0x00);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0x01]);
    b.send(0xf0, 0x03);
    expect(b.drain()).toEqual([0xfa, 0xfe]);
    b.send(0xf0, 0x00);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0x01]);
    b.send(0xff); // reset: back to set 2
    b.drain();
    expect(b.kbc.keyboard.scanCodeSet).toBe(2);
  });

  it("unknown commands answer FE; 0xF5 stops scanning (keys are not reported) and 0xF4 starts it again", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.send(0x00);
    b.send(0xe0);
    expect(b.drain()).toEqual([0xfe, 0xfe]);
    b.send(0xf5);
    b.kbc.tapKey(KEY.A);
    expect(b.drain()).toEqual([0xfa]);
    b.send(0xf4);
    b.kbc.tapKey(KEY.A);
    expect(b.drain()).toEqual([0xfa, 0x1c, 0xf0, 0x1c]);
  });
});

describe("scan codes", () => {
  it("set 2 untranslated: make code, F0 + code on release; extended keys keep E0", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.kbc.tapKey(KEY.A);
    b.kbc.tapKey(KEY.ArrowUp);
    expect(b.drain()).toEqual([0x1c, 0xf0, 0x1c, 0xe0, 0x75, 0xe0, 0xf0, 0x75]);
  });

  it("translated to set 1 by the controller: A = 1E/9E, Up = E0 48 / E0 C8, Enter 1C/9C, F7 41/C1", () => {
    const b = bench();
    b.command(0x60, XLATE);
    for (const k of ["A", "ArrowUp", "Enter", "F7"] as const) b.kbc.tapKey(KEY[k]);
    expect(b.drain()).toEqual([0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8, 0x1c, 0x9c, 0x41, 0xc1]);
  });

  it("in set 1 the keyboard sends set 1 itself (and translation would garble it, as on a PC)", () => {
    const b = bench();
    b.command(0x60, RAW);
    b.send(0xf0, 0x01);
    b.drain();
    b.kbc.tapKey(KEY.Escape);
    expect(b.drain()).toEqual([0x01, 0x81]);
  });

  it("the translation table agrees with each key's set 1 code and maps set 2's overrun code 0x00 to 0xFF", () => {
    for (const [name, key] of Object.entries(KEY)) {
      expect(keyBytes(key, true, 1), name).toEqual(key > 0xff ? [0xe0, set1Of(key) & 0xff] : [set1Of(key)]);
    }
    expect([KEY.Escape, set1Of(KEY.Escape), set1Of(KEY.Delete)]).toEqual([0x76, 0x01, 0xe053]);
    expect([SET2_TO_SET1[0x00], SET2_TO_SET1[0xfa], SET2_TO_SET1[0xaa]]).toEqual([0xff, 0xfa, 0xaa]);
    // No two keys' set 2 codes translate to the same set 1 code.
    const plain = Object.values(KEY).filter((k) => k <= 0xff).map((k) => SET2_TO_SET1[k]);
    expect(new Set(plain).size).toBe(plain.length);
  });

  it("each byte raises IRQ 1 when it reaches the buffer; reading port 0x60 lowers it", () => {
    const b = bench();
    b.kbc.tapKey(KEY.A); // 1C F0 1C -> 1E 9E: two bytes, two edges
    expect(b.rises(1)).toBe(1);
    expect(b.kit.in8(0x60)).toBe(0x1e);
    expect(b.rises(1)).toBe(2);
    expect(b.kit.in8(0x60)).toBe(0x9e);
    expect(b.kit.irqEvents.at(-1)).toMatchObject({ line: 1, high: false });
    expect(b.kit.in8(0x60)).toBe(0x9e); // an empty buffer reads its last byte again, with no edge
    expect(b.rises(1)).toBe(2);
  });

  it("with IRQ 1 off in the command byte, bytes still arrive (polling) but raise nothing", () => {
    const b = bench();
    b.command(0x60, R.CB_XLATE);
    b.kbc.tapKey(KEY.Space);
    expect(b.drain()).toEqual([0x39, 0xb9]);
    expect(b.rises(1)).toBe(0);
  });

  it("keys wait in the keyboard while its interface is disabled (0xAD), and come after 0xAE", () => {
    const b = bench();
    b.command(0xad);
    b.kbc.tapKey(KEY.B);
    expect(b.drain()).toEqual([]);
    b.command(0xae);
    expect(b.drain()).toEqual([0x30, 0xb0]);
  });

  it("the keyboard's buffer holds 16 bytes; the 16th becomes the overrun code", () => {
    const b = bench();
    b.command(0xad);
    for (let i = 0; i < 12; i++) b.kbc.tapKey(KEY.A); // 36 bytes
    b.command(0x60, R.CB_KBD_INT); // enabled, untranslated
    const got = b.drain();
    expect(got.length).toBe(KBD_BUFFER_SIZE);
    expect(got.at(-1)).toBe(0x00);
    expect(got.slice(0, 3)).toEqual([0x1c, 0xf0, 0x1c]);
  });

  it("a byte sent to the keyboard enables a disabled keyboard interface (the reply must get through)", () => {
    const b = bench();
    b.command(0xad);
    b.send(0xf2);
    expect(b.kbc.commandByte & R.CB_KBD_DISABLE).toBe(0);
    expect(b.drain()).toEqual([0xfa, 0xab, 0x41]);
  });
});
