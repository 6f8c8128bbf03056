import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { i8042Registers as R } from "../src/index.js";
import { bench } from "./helpers.js";

describe("PS/2 mouse on the aux port (option mouse)", () => {
  it("answers through 0xD4: reset FA AA 00, ID FA 00, with the AUX status bit and IRQ 12", () => {
    const b = bench({ mouse: true });
    b.command(0x60, R.CB_KBD_INT | R.CB_AUX_INT);
    b.command(0xd4, 0xff);
    expect(b.status() & R.ST_AUX).toBe(R.ST_AUX);
    expect(b.drain()).toEqual([0xfa, 0xaa, 0x00]);
    expect(b.rises(12)).toBe(3);
    expect(b.rises(1)).toBe(0);
    b.command(0xd4, 0xf2);
    expect(b.drain()).toEqual([0xfa, 0x00]);
  });

  it("reports motion only with reporting on (0xF4), as 3-byte packets", () => {
    const b = bench({ mouse: true });
    b.kbc.mouse!.move(5, 5);
    expect(b.drain()).toEqual([]);
    b.command(0xd4, 0xf4);
    b.kbc.mouse!.move(3, -2, 1);
    expect(b.drain()).toEqual([0xfa, 0x09 | 0x20, 3, 0xfe]);
    b.kbc.mouse!.move(300, 0, 0);
    expect(b.drain()).toEqual([0x08 | 0x40, 255, 0]);
  });

  it("0xE9 status, 0xF3/0xE8 options, 0xEB read data, 0xFE resend, unknown FE, wrap mode echoes", () => {
    const b = bench({ mouse: true });
    b.command(0xd4, 0xf3);
    b.command(0xd4, 40);
    b.command(0xd4, 0xe8);
    b.command(0xd4, 3);
    b.command(0xd4, 0xe9);
    expect(b.drain()).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x00, 3, 40]);
    b.command(0xd4, 0xeb);
    expect(b.drain()).toEqual([0xfa, 0x08, 0, 0]);
    b.command(0xd4, 0xfe); // resend: the last byte it sent
    b.command(0xd4, 0x00);
    expect(b.drain()).toEqual([0, 0xfe]);
    b.command(0xd4, 0xee);
    b.command(0xd4, 0x42);
    b.command(0xd4, 0xec);
    expect(b.drain()).toEqual([0xfa, 0x42, 0xfa]);
  });

  it("its bytes wait while the aux interface is disabled (0xA7), and 0xD4 enables it", () => {
    const b = bench({ mouse: true });
    b.command(0xd4, 0xf4);
    b.drain();
    b.command(0xa7);
    b.kbc.mouse!.move(1, 1);
    expect(b.drain()).toEqual([]);
    b.command(0xa8);
    expect(b.drain()).toEqual([0x08, 1, 1]);
  });
});
