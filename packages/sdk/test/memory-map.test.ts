import { describe, expect, it } from "vitest";
import { MemoryMap, PAGE_SHIFT, ResourceConflictError } from "../src/index.js";

function pc(ramSize = 2 << 20): MemoryMap {
  const m = new MemoryMap(ramSize);
  m.mapRam("ram", 0, 0xa0000);
  m.mapRam("ram", 0x100000, ramSize - 0x100000);
  return m;
}

describe("MemoryMap: RAM", () => {
  it("reads and writes little-endian through the slow path and the page tables alike", () => {
    const m = pc();
    m.write(0x1000, 4, 0x11223344);
    expect(m.read(0x1000, 1)).toBe(0x44);
    expect(m.read(0x1001, 2)).toBe(0x2233);
    expect(m.read(0x1000, 4)).toBe(0x11223344);
    const page = 0x1000 >>> PAGE_SHIFT;
    expect(m.readPages[page]).toBe(m.writePages[page]);
    expect(m.readPages[page]![m.pageOffsets[page]! + 3]).toBe(0x11);
    // The RAM view is the buffer itself: no copy.
    expect(m.ram8[0x1002]).toBe(0x22);
  });

  it("maps RAM above the hole from the matching buffer offset", () => {
    const m = pc();
    m.write(0x100000, 1, 0xab);
    expect(m.ram8[0x100000]).toBe(0xab);
    expect(m.readPages[0x100]).not.toBeNull();
    expect(m.pageOffsets[0x100]).toBe(0x100000 - 0x100000 + 0);
  });

  it("returns unsigned 32-bit values", () => {
    const m = pc();
    m.write(0x2000, 4, -1);
    expect(m.read(0x2000, 4)).toBe(0xffffffff);
  });

  it("rejects a RAM size that is not whole pages", () => {
    expect(() => new MemoryMap(1000)).toThrow(/multiple of 4 KiB/);
  });
});

describe("MemoryMap: unmapped memory", () => {
  it("reads all-ones, drops writes and counts both", () => {
    const m = pc();
    expect(m.read(0xa0000, 1)).toBe(0xff);
    expect(m.read(0xa0000, 2)).toBe(0xffff);
    expect(m.read(0xfff00000, 4)).toBe(0xffffffff);
    m.write(0xc0000, 4, 0x12345678);
    expect(m.read(0xc0000, 4)).toBe(0xffffffff);
    const s = m.stats();
    // A 16-bit read counts as two byte pieces, a 32-bit one as four.
    expect(s.unmappedReads).toBe(1 + 2 + 4 + 4);
    expect(s.unmappedWrites).toBe(4);
    expect(s.lastUnmappedAddress).toBe(0xc0003);
    expect(m.readPages[0xa0]).toBeNull();
  });

  it("splits an access that straddles RAM and a hole", () => {
    const m = pc();
    m.write(0x9fffe, 2, 0xbeef);
    expect(m.read(0x9fffe, 4)).toBe(0xffffbeef);
    m.write(0x9fffe, 4, 0x11223344);
    expect(m.read(0x9fffe, 2)).toBe(0x3344);
    expect(m.stats().unmappedWrites).toBe(2);
  });

  it("wraps at 4 GiB", () => {
    const m = pc();
    m.write(0, 1, 0x5a);
    expect(m.read(0xffffffff, 2)).toBe(0x5aff);
  });
});

describe("MemoryMap: ROM", () => {
  it("reads its bytes directly and drops and counts writes", () => {
    const m = pc();
    m.mapRom("bios", 0xf0000, Uint8Array.from({ length: 0x10000 }, (_, i) => i & 0xff));
    expect(m.read(0xf0010, 4)).toBe(0x13121110);
    m.write(0xf0010, 1, 0);
    expect(m.read(0xf0010, 1)).toBe(0x10);
    expect(m.stats().romWrites).toBe(1);
    expect(m.readPages[0xf0]).not.toBeNull();
    expect(m.writePages[0xf0]).toBeNull();
  });

  it("keeps its own copy of the image", () => {
    const m = pc();
    const image = new Uint8Array(0x1000).fill(7);
    m.mapRom("rom", 0xe0000, image);
    image[0] = 9;
    expect(m.read(0xe0000, 1)).toBe(7);
  });
});

describe("MemoryMap: MMIO", () => {
  it("calls handlers with offsets from the region base at each served width", () => {
    const m = pc();
    const log: string[] = [];
    m.mapMmio("dev", 0xa0000, 0x20000, {
      read8: (o) => (log.push(`r8 ${o}`), 0x12),
      read16: (o) => (log.push(`r16 ${o}`), 0x3456),
      read32: (o) => (log.push(`r32 ${o}`), 0x789abcde),
      write8: (o, v) => log.push(`w8 ${o}=${v}`),
      write16: (o, v) => log.push(`w16 ${o}=${v}`),
      write32: (o, v) => log.push(`w32 ${o}=${v}`),
    });
    expect(m.read(0xa0001, 1)).toBe(0x12);
    expect(m.read(0xa0002, 2)).toBe(0x3456);
    expect(m.read(0xa0004, 4)).toBe(0x789abcde);
    m.write(0xa0010, 1, 0x1ff);
    m.write(0xa0010, 2, 0x1ffff);
    m.write(0xa0010, 4, -2);
    expect(log).toEqual(["r8 1", "r16 2", "r32 4", "w8 16=255", "w16 16=65535", "w32 16=4294967294"]);
    expect(m.readPages[0xa0]).toBeNull();
  });

  it("splits a wide access to a byte-wide region into byte accesses, low address first", () => {
    const m = pc();
    const bytes = new Map<number, number>();
    m.mapMmio("byte-dev", 0xd0000, 0x100, {
      read8: (o) => o + 1,
      write8: (o, v) => void bytes.set(o, v),
    });
    expect(m.read(0xd0000, 4)).toBe(0x04030201);
    m.write(0xd0010, 4, 0xa1b2c3d4);
    expect([...bytes.entries()]).toEqual([
      [0x10, 0xd4],
      [0x11, 0xc3],
      [0x12, 0xb2],
      [0x13, 0xa1],
    ]);
  });

  it("treats a narrower access a region does not serve as unclaimed", () => {
    const m = pc();
    m.mapMmio("dword-dev", 0xd0000, 0x100, { read32: () => 0x11223344, write32: () => {} });
    expect(m.read(0xd0000, 1)).toBe(0xff);
    expect(m.read(0xd0000, 2)).toBe(0xffff);
    m.write(0xd0000, 1, 0);
    expect(m.stats().unmappedReads).toBe(2);
    expect(m.stats().unmappedWrites).toBe(1);
  });

  it("lets a device map its own bytes as RAM the CPU reaches directly", () => {
    const m = pc();
    const text = new Uint8Array(0x8000);
    m.mapDeviceRam("vga", 0xb8000, text);
    m.write(0xb8000, 2, 0x0741);
    expect(text[0]).toBe(0x41);
    expect(m.writePages[0xb8]).toBe(text);
  });

  it("can be unmapped and mapped elsewhere", () => {
    const m = pc();
    m.mapMmio("vga", 0xa0000, 0x10000, { read8: () => 1 });
    m.unmap("vga");
    expect(m.read(0xa0000, 1)).toBe(0xff);
    m.mapMmio("vga", 0xb0000, 0x8000, { read8: () => 2 });
    expect(m.read(0xb0000, 1)).toBe(2);
  });
});

describe("MemoryMap: conflicts", () => {
  it("rejects an overlapping mapping with an error naming both owners", () => {
    const m = pc();
    expect(() => m.mapMmio("vga", 0x9f000, 0x2000, { read8: () => 0 })).toThrow(ResourceConflictError);
    expect(() => m.mapMmio("vga", 0x9f000, 0x2000, { read8: () => 0 })).toThrow(
      "memory 0x0009F000..0x000A0FFF (vga, mmio) overlaps 0x00000000..0x0009FFFF (ram, ram)",
    );
    m.mapRom("rom-a", 0xc0000, new Uint8Array(0x800));
    expect(() => m.mapRom("rom-b", 0xc07ff, new Uint8Array(1))).toThrow(/\(rom-b, rom\) overlaps .*\(rom-a, rom\)/);
  });

  it("rejects mappings outside the address space or without handlers", () => {
    const m = pc();
    expect(() => m.mapMmio("x", 0xfffff000, 0x2000, { read8: () => 0 })).toThrow(/not inside the 4 GiB/);
    expect(() => m.mapMmio("x", 0xd0000, 0x10, {})).toThrow(/no read or write handler/);
    expect(() => m.mapRam("x", 0x200000, 0x10000000)).toThrow(/reaches past/);
  });

  it("leaves a page shared by two small regions on the slow path, both working", () => {
    const m = pc();
    m.mapRom("a", 0xd0000, new Uint8Array(0x800).fill(1));
    m.mapMmio("b", 0xd0800, 0x800, { read8: () => 2 });
    expect(m.readPages[0xd0]).toBeNull();
    expect(m.read(0xd07ff, 2)).toBe(0x0201);
  });
});
