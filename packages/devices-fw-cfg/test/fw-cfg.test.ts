import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { encodeBase64 } from "@ringlab/sdk";
import { DeviceTestKit, prng } from "@ringlab/sdk/testing";
import { FwCfg, FwCfgKey, fwCfgPlugin } from "../src/index.js";

const SELECT = 0x510;
const DATA = 0x511;

/** The device on a test kit with `ramSize` bytes of RAM. */
function bench(options: unknown = {}, ramSize = 1 << 20) {
  const kit = new DeviceTestKit({ ramSize });
  const dev = kit.install(new FwCfg("fw-cfg", kit.options(fwCfgPlugin, options)));
  /** Selects `key` and reads `n` bytes from the data port, as SeaBIOS's qemu_cfg_read does. */
  const read = (key: number, n: number) => {
    kit.out16(SELECT, key);
    return Array.from({ length: n }, () => kit.in8(DATA));
  };
  return { kit, dev, read };
}

const ascii = (bytes: number[]) => String.fromCharCode(...bytes);
const be32 = (b: number[], at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

describe("the QEMU fw_cfg device (I/O-port interface)", () => {
  it("claims the selector and data ports and answers the signature 'QEMU', then zeros", () => {
    const { kit, dev, read } = bench();
    expect([kit.bus.ports.ownerOf(0x510), kit.bus.ports.ownerOf(0x511), kit.bus.ports.ownerOf(0x512)]).toEqual([
      "fw-cfg",
      "fw-cfg",
      undefined,
    ]);
    expect(ascii(read(FwCfgKey.SIGNATURE, 4))).toBe("QEMU");
    expect(read(FwCfgKey.SIGNATURE, 8)).toEqual([0x51, 0x45, 0x4d, 0x55, 0, 0, 0, 0]);
    // After reset the signature is selected, as on QEMU.
    dev.reset();
    expect(ascii(Array.from({ length: 4 }, () => kit.in8(DATA)))).toBe("QEMU");
  });

  it("reports the port interface only (no DMA) and leaves the DMA address port unclaimed", () => {
    const { kit, read } = bench();
    expect(read(FwCfgKey.ID, 4)).toEqual([1, 0, 0, 0]);
    expect(kit.bus.ports.ownerOf(0x514)).toBeUndefined();
    expect(kit.in32(0x514)).toBe(0xffffffff);
  });

  it("gives the RAM size from the bus (little-endian 64-bit), one CPU, and the options' override", () => {
    const { read } = bench({}, 32 << 20);
    expect(read(FwCfgKey.RAM_SIZE, 8)).toEqual([0, 0, 0, 2, 0, 0, 0, 0]);
    expect(read(FwCfgKey.NB_CPUS, 2)).toEqual([1, 0]);
    expect(read(FwCfgKey.MAX_CPUS, 2)).toEqual([1, 0]);
    expect(read(FwCfgKey.NOGRAPHIC, 2)).toEqual([0, 0]);
    expect(bench({ ramSize: 0x1_2345_6789 }).read(FwCfgKey.RAM_SIZE, 8)).toEqual([0x89, 0x67, 0x45, 0x23, 1, 0, 0, 0]);
  });

  it("lays out the file directory byte for byte: BE count, then BE size, BE select, reserved, NUL-padded name, in name order", () => {
    const { read } = bench({ files: { "vgaroms/vga.bin": [1, 2, 3], "etc/boot-fail-wait": encodeBase64(new Uint8Array(4)) } });
    const dir = read(FwCfgKey.FILE_DIR, 4 + 2 * 64 + 4);
    const entry = (size: number, select: number, name: string) => {
      const e = new Array<number>(64).fill(0);
      e.splice(0, 4, size >>> 24, (size >>> 16) & 0xff, (size >>> 8) & 0xff, size & 0xff);
      e.splice(4, 2, select >> 8, select & 0xff);
      for (let i = 0; i < name.length; i++) e[8 + i] = name.charCodeAt(i);
      return e;
    };
    // "etc/..." sorts before "vgaroms/...", so it gets key 0x20 although given second.
    expect(dir).toEqual([0, 0, 0, 2, ...entry(4, 0x20, "etc/boot-fail-wait"), ...entry(3, 0x21, "vgaroms/vga.bin"), 0, 0, 0, 0]);
    expect(be32(read(FwCfgKey.FILE_DIR, 4), 0)).toBe(2);
  });

  it("streams a file, and a selector write rewinds the offset, also to the same item", () => {
    const bytes = Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff);
    const { kit, read } = bench({ files: { "opt/org.ringlab/blob": encodeBase64(Uint8Array.from(bytes)) } });
    expect(read(0x20, 1000)).toEqual(bytes);
    expect(kit.in8(DATA)).toBe(0); // past the end
    expect(read(0x20, 10)).toEqual(bytes.slice(0, 10));
    kit.out16(SELECT, FwCfgKey.SIGNATURE);
    kit.out16(SELECT, 0x20);
    expect(kit.in8(DATA)).toBe(bytes[0]);
    // Bit 14, the write channel, reads the same item.
    expect(read(0x4020, 3)).toEqual(bytes.slice(0, 3));
  });

  it("has no directory entries without files, and unknown, arch-specific and file keys past the last read as empty", () => {
    const { read } = bench();
    expect(read(FwCfgKey.FILE_DIR, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const key of [0x0d, 0x20, 0x3fff, 0x8000, 0x8002, 0xffff]) expect(read(key, 4)).toEqual([0, 0, 0, 0]);
  });

  it("ignores byte writes (data writes) and reads the write-only selector as nothing there", () => {
    const { kit, read } = bench({ files: { a: [9, 8, 7] } });
    read(0x20, 1);
    kit.out8(DATA, 0x55);
    kit.out8(SELECT, 0x00); // a byte write is not a selection
    expect(kit.in8(DATA)).toBe(8);
    expect(kit.in8(SELECT)).toBe(0xff);
  });

  it("keeps the selection and offset through save and load, and rejects states it did not write", () => {
    const a = bench({ files: { f: [10, 11, 12, 13] } });
    a.read(0x20, 2);
    const saved = a.dev.saveState();
    expect(saved).toEqual({ selector: 0x20, offset: 2 });
    const b = bench({ files: { f: [10, 11, 12, 13] } });
    b.dev.loadState(saved);
    expect([b.kit.in8(DATA), b.kit.in8(DATA), b.kit.in8(DATA)]).toEqual([12, 13, 0]);
    b.dev.reset();
    expect(b.kit.in8(DATA)).toBe(0x51);
    expect(() => b.dev.loadState({ selector: 0x20, offset: 5 })).toThrow(
      "fw-cfg state: field 'offset': expected a whole number from 0 to 4, got 5",
    );
    expect(() => b.dev.loadState({ selector: 0x10000, offset: 0 })).toThrow("field 'selector'");
    // A refused state changes nothing (the selector was once set before the offset was checked).
    b.dev.loadState({ selector: 0x20, offset: 1 });
    expect(() => b.dev.loadState({ selector: 0, offset: 5 })).toThrow("fw-cfg state: field 'offset': expected a whole number from 0 to 4, got 5");
    expect(b.dev.saveState()).toEqual({ selector: 0x20, offset: 1 });
  });

  it("rejects file names that do not fit the directory and bytes that are not base64", () => {
    const kit = new DeviceTestKit();
    expect(() => kit.options(fwCfgPlugin, { files: { ["x".repeat(56)]: [] } })).toThrow("expected a file name of 1 to 55 printable ASCII characters");
    expect(kit.options(fwCfgPlugin, { files: { ["x".repeat(55)]: [] } }).files).toBeDefined();
    expect(() => kit.options(fwCfgPlugin, { files: { "bad\u0000name": [] } })).toThrow("option 'files.bad\u0000name'");
    expect(() => kit.options(fwCfgPlugin, { files: { f: "not base64!" } })).toThrow("expected base64 text or an array of bytes 0-255");
    expect(() => kit.options(fwCfgPlugin, { files: { f: [256] } })).toThrow("option 'files.f': expected base64");
  });

  it("no port sequence throws, and the data port always reads a byte", () => {
    const { kit } = bench({ files: { a: [1, 2, 3], b: Array.from({ length: 300 }, (_, i) => i & 0xff) } });
    const rnd = prng(0x510);
    const ports = [0x50f, 0x510, 0x511, 0x512];
    for (let i = 0; i < 20000; i++) {
      const port = ports[Math.floor(rnd() * ports.length)]!;
      const r = rnd();
      const v = Math.floor(rnd() * 0x1_0000_0000);
      if (r < 0.3) kit.out16(port, r < 0.2 ? v & 0x3f : v & 0xffff);
      else if (r < 0.4) kit.out8(port, v & 0xff);
      else if (r < 0.45) kit.out32(port, v);
      else if (r < 0.85) {
        const b = kit.in8(DATA);
        expect(b >= 0 && b <= 0xff).toBe(true);
      } else if (r < 0.95) kit.in16(port);
      else kit.in32(port);
    }
  });
});
