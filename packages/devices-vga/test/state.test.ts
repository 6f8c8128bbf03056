import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { ConfigError, type JsonValue } from "@ringlab/sdk";
import { Vga, vgaPlugin } from "../src/index.js";
import { crtc, gr, newKit, putText, setup } from "./helpers.js";

describe("saveState / loadState", () => {
  it("round-trips the whole device through JSON into a fresh device", () => {
    const { kit, vga } = setup();
    putText(kit, 2, 3, "saved text", 0x2f);
    crtc(kit, 0x0e, 0x01);
    crtc(kit, 0x0f, 0x23);
    kit.out8(0x3c8, 0x21);
    kit.out8(0x3c9, 0x11); // one value of an unfinished DAC triple
    kit.out8(0x3c7, 0x05);
    kit.in8(0x3c9); // DAC read cycle 1
    kit.in8(0x3da);
    kit.out8(0x3c0, 0x31); // attribute flip-flop left at "data"
    kit.out8(0x3d4, 0x13); // CRTC index left at CR13
    kit.read(0xb8004); // latches
    const saved = JSON.parse(JSON.stringify(vga.saveState())) as JsonValue;

    const kit2 = newKit();
    const copy = kit2.install(new Vga("vga", kit2.options(vgaPlugin)));
    copy.loadState(saved);
    expect(copy.saveState()).toEqual(saved);
    expect(copy.screenText()).toBe(vga.screenText());
    expect(copy.textGeometry().cursor).toMatchObject({ row: 3, col: 51 });
    expect(copy.registers()).toEqual(vga.registers());
    // Behaviour continues where it stopped: the flip-flop is at "data", the DAC triple
    // needs two more values, the CRTC index is still CR13.
    kit2.out8(0x3c0, 0x0a);
    expect(copy.registers().attribute[0x11]).toBe(0x0a);
    kit2.out8(0x3c9, 0x22);
    kit2.out8(0x3c9, 0x33);
    expect(copy.registers().dac.slice(0x21 * 3, 0x21 * 3 + 3)).toEqual([0x11, 0x22, 0x33]);
    expect(kit2.in8(0x3d5)).toBe(0x28);
    expect(kit2.read(0xb8000 + (2 * 80 + 3) * 2, 2)).toBe(0x2f73);
  });

  it("re-maps the memory window to the one the loaded state selects", () => {
    const { kit, vga } = setup();
    gr(kit, 6, 0x06);
    const saved = vga.saveState();
    const { vga: other } = setup();
    expect(other.window).toEqual({ base: 0xb8000, size: 0x8000 });
    other.loadState(saved);
    expect(other.window).toEqual({ base: 0xa0000, size: 0x10000 });
  });

  it("rejects a state it did not write, naming the field, and keeps its own state", () => {
    const { kit, vga } = setup();
    putText(kit, 0, 0, "keep me");
    const good = vga.saveState() as { [k: string]: JsonValue };
    const bad = (patch: { [k: string]: JsonValue }) => ({ ...good, ...patch });
    expect(() => vga.loadState(null)).toThrow(ConfigError);
    // Worded as every device's state (deviceState and the SDK's field schemas), not in the
    // VGA's own words of before ("field 'misc' must be an integer from 0 to 255").
    expect(() => vga.loadState(null)).toThrow("vga state: Invalid input: expected object, received null");
    expect(() => vga.loadState(bad({ misc: 300 }))).toThrow("vga state: field 'misc': expected a whole number from 0 to 255, got 300");
    expect(() => vga.loadState(bad({ crtc: { index: 0, regs: [1, 2] } }))).toThrow(
      "vga state: field 'crtc.regs': expected an array of 25 numbers, got [1,2]",
    );
    const seq = good["sequencer"] as { index: number; regs: number[] };
    expect(() => vga.loadState(bad({ sequencer: { ...seq, regs: [0xff, ...seq.regs.slice(1)] } }))).toThrow(
      "vga state: field 'sequencer.regs.0': expected a value within the register's implemented bits 0x03, got 0xFF",
    );
    expect(() => vga.loadState(bad({ vram: "not base64!" }))).toThrow('vga state: field \'vram\': expected base64 of 262144 bytes, got "not base64!"');
    expect(() => vga.loadState(bad({ vram: "AAAA" }))).toThrow("vga state: field 'vram': expected base64 of 262144 bytes");
    const badDac = { ...(good["dac"] as { [k: string]: JsonValue }), palette: new Array(768).fill(64) };
    expect(() => vga.loadState(bad({ dac: badDac }))).toThrow("vga state: field 'dac.palette.0': expected a whole number from 0 to 63, got 64");
    expect(() => vga.loadState(bad({ dac: { ...badDac, palette: (good["dac"] as { palette: number[] }).palette, state: 1 } }))).toThrow(
      "vga state: field 'dac.state': expected 0 or 3, got 1",
    );
    expect(() => vga.loadState(bad({ version: 2 }))).toThrow(/field 'version'/);
    expect(() => vga.loadState(bad({ extra: 1 }))).toThrow("vga state: unknown field 'extra'");
    expect(vga.screenLines()[0]).toBe("keep me");
    expect(vga.saveState()).toEqual(good);
  });
});
