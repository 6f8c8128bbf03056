import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { ConfigError, DEVICE_ID, DEVICE_OPTIONS, parseDeviceOptions } from "@ringlab/sdk";
import { MODE3_REPLAY, Vga, parseReplay, vgaPlugin } from "../src/index.js";
import { newKit, setup } from "./helpers.js";

describe("options and plugin", () => {
  it("is the 'vga' plugin, with the built-in mode 3 replay as the default", () => {
    expect(vgaPlugin.name).toBe("vga");
    const kit = newKit();
    expect(kit.options(vgaPlugin)).toEqual({ replay: MODE3_REPLAY });
  });

  it("rejects bad options with one line naming the option", () => {
    const kit = newKit();
    expect(() => kit.options(vgaPlugin, { replya: "" })).toThrow("device 'vga': unknown option 'replya'");
    expect(() => kit.options(vgaPlugin, { replay: 3 })).toThrow(/^device 'vga': option 'replay': .*string/);
  });

  it("rejects a bad replay file with one line naming the line", () => {
    const kit = newKit();
    const text = "# my mode\n3c2 67\n\nr 3da\n3c0 zz\n";
    expect(() => kit.options(vgaPlugin, { replay: text })).toThrow(
      "device 'vga': option 'replay': replay line 5: value 'zz' is not a hexadecimal number",
    );
    const err = (() => {
      try {
        parseDeviceOptions(vgaPlugin, { replay: text });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message.split("\n").length).toBe(1);
  });

  it("plays a user replay instead of the built-in one", () => {
    const replay = [
      "# mono text: misc output bit 0 clear, window B0000",
      "w 3c2 66",
      "3ce 06",
      "3cf 0a",
      "3c4 02 # map mask: planes 0 and 1",
      "3c5 03",
      "3ce 08 # bit mask: all bits from the CPU (registers start at zero before a replay)",
      "3cf ff",
      "r 3ba 00   # recorded value, ignored",
      "3c0 20",
      "m b0000 4d # memory write through the window",
    ].join("\n");
    const { kit, vga } = setup({ replay });
    expect(vga.registers().miscOutput).toBe(0x66);
    expect(vga.window).toEqual({ base: 0xb0000, size: 0x8000 });
    expect(vga.registers().attributeIndex).toBe(0x20);
    expect(kit.read(0xb0000)).toBe(0x4d);
  });
});

describe("replay parser", () => {
  const fails = (text: string) => () => parseReplay(text);
  it("accepts comments, blank lines, optional w, 0x prefixes and upper case", () => {
    expect(parseReplay("# c\n\n  W 0x3C2 0x67  # misc\n3d4 0e\nr 3DA\nm B8000 41\n")).toEqual([
      { kind: "write", port: 0x3c2, value: 0x67, line: 3 },
      { kind: "write", port: 0x3d4, value: 0x0e, line: 4 },
      { kind: "read", port: 0x3da, line: 5 },
      { kind: "memory", address: 0xb8000, value: 0x41, line: 6 },
    ]);
  });

  it("names the line and the problem", () => {
    expect(fails("3c2 67\n60 01")).toThrow("replay line 2: port 0x60 is not a VGA port (0x3B0-0x3DF)");
    expect(fails("3c2 167")).toThrow("replay line 1: value 0x167 is larger than 0xff");
    expect(fails("3c2")).toThrow("replay line 1: expected 'PORT VALUE', found '3c2'");
    expect(fails("3c2 67 1")).toThrow("replay line 1: expected 'PORT VALUE', found '3c2 67 1'");
    expect(fails("r")).toThrow("replay line 1: missing port");
    expect(fails("m 1000 00")).toThrow("replay line 1: address 0x1000 is not VGA memory (0xA0000-0xBFFFF)");
    expect(fails("x 3c2 67")).toThrow("replay line 1: expected 'PORT VALUE', found 'x 3c2 67'");
  });
});

describe("dependency injection", () => {
  it("is constructible by the container from explicit tokens", () => {
    const kit = newKit();
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "vga0" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(vgaPlugin) });
    const vga = kit.install(c.resolve(Vga));
    expect(vga.id).toBe("vga0");
    expect(vga.textGeometry().cols).toBe(80);
    expect(kit.bus.ports.ownerOf(0x3d4)).toBe("vga0");
    expect(kit.bus.memory.regionAt(0xb8000)?.owner).toBe("vga0");
  });
});
