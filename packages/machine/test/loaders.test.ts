import { describe, expect, it } from "vitest";
import { Bus } from "@ringlab/sdk";
import {
  ImageError,
  MemoryLayout,
  mapRomImage,
  MULTIBOOT_HEADER_MAGIC,
  buildMultibootInfo,
  checkPlanFits,
  placeImage,
  planMultiboot,
  planRaw,
} from "../src/index.js";
import { aoutKernel, elf32, multibootHeader } from "./image-builders.js";

const MiB = 1024 * 1024;
const pc = (top: number) => MemoryLayout.pc(top);

describe("Multiboot a.out kludge", () => {
  it("loads the file from load_addr with BSS and the header's entry", () => {
    const img = aoutKernel({ loadAddr: 0x100000, code: [0xf4, 0xeb, 0xfd], bss: 0x100 });
    const plan = planMultiboot("k.bin", img);
    expect(plan.format).toBe("multiboot-aout");
    expect(plan.entry).toBe(0x100020);
    expect(plan.segments).toHaveLength(1);
    expect(plan.segments[0]!.addr).toBe(0x100000);
    expect(plan.segments[0]!.data.length).toBe(35);
    expect(plan.segments[0]!.memSize).toBe(35 + 0x100);
    const ram = new Uint8Array(4 * MiB).fill(0xaa);
    placeImage(plan, ram, pc(4 * MiB));
    expect([...ram.subarray(0x100020, 0x100023)]).toEqual([0xf4, 0xeb, 0xfd]);
    expect(ram[0x100023 + 0xff]).toBe(0);
    expect(ram[0x100023 + 0x100]).toBe(0xaa);
  });

  it("rejects a header that points past the file", () => {
    const img = aoutKernel({ loadAddr: 0x100000, code: [0x90] });
    expect(() => planMultiboot("k.bin", img.subarray(0, img.length - 1))).toThrow(
      "k.bin: truncated: the header asks for 33 bytes from offset 0, the file has 32",
    );
  });
});

describe("Multiboot ELF", () => {
  it("loads PT_LOAD segments at their physical addresses", () => {
    const img = elf32({
      entry: 0x100010,
      prefix: multibootHeader(0),
      segments: [
        { paddr: 0x100000, data: [1, 2, 3, 4], memsz: 16 },
        { paddr: 0x200000, data: [5, 6] },
      ],
    });
    const plan = planMultiboot("k.elf", img);
    expect(plan.format).toBe("multiboot-elf");
    expect(plan.entry).toBe(0x100010);
    expect(plan.segments.map((s) => [s.addr, s.data.length, s.memSize])).toEqual([
      [0x100000, 4, 16],
      [0x200000, 2, 2],
    ]);
  });

  it("names the file and the problem for each kind of bad image", () => {
    const mb = multibootHeader(0);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(100), "k: no Multiboot header in the first 8192 bytes"],
      [elf32({ entry: 0, segments: [{ paddr: 0x100000, data: [1] }] }), "k: ELF file without a Multiboot header"],
      [elf32({ entry: 0, prefix: mb, machine: 62, segments: [{ paddr: 0x100000, data: [1] }] }), "k: ELF machine 62 is not EM_386"],
      [elf32({ entry: 0, prefix: mb, klass: 2, segments: [{ paddr: 0x100000, data: [1] }] }), "k: ELF class 2 is not ELFCLASS32"],
      [elf32({ entry: 0, prefix: mb, type: 3, segments: [{ paddr: 0x100000, data: [1] }] }), "k: ELF type 3 is not ET_EXEC"],
      [Uint8Array.from([...multibootHeader(1 << 5)]), "k: Multiboot header requires features ringlab does not know (flags 0x20)"],
      [Uint8Array.from([...multibootHeader(0), 0, 0]), "k: Multiboot header without address fields (flag 16) and not an ELF file"],
    ];
    for (const [img, message] of cases) {
      expect(() => planMultiboot("k", img), message).toThrow(ImageError);
      expect(() => planMultiboot("k", img)).toThrow(message);
    }
    const full = elf32({ entry: 0, prefix: mb, segments: [{ paddr: 0x100000, data: new Array(64).fill(1) }] });
    expect(() => planMultiboot("k", full.subarray(0, full.length - 10))).toThrow(/^k: truncated: segment 0 needs bytes/);
  });

  it("ignores a header with a bad checksum", () => {
    const bad = multibootHeader(0);
    bad[8] ^= 1;
    expect(() => planMultiboot("k", Uint8Array.from(bad))).toThrow(/no Multiboot header/);
    expect(MULTIBOOT_HEADER_MAGIC).toBe(0x1badb002);
  });
});

describe("placing images", () => {
  it("refuses segments in the PC hole, past RAM, or overlapping", () => {
    const seg = (addr: number, memSize: number) => ({ addr, data: new Uint8Array(0), memSize });
    const plan = (...segments: ReturnType<typeof seg>[]) => ({ image: "k", format: "raw" as const, segments, entry: segments[0]!.addr });
    expect(() => checkPlanFits(plan(seg(0x9f000, 0x2000)), pc(32 * MiB))).toThrow(
      "k: segment 0x9F000..0xA0FFF overlaps the PC hole 0xA0000..0xFFFFF (VGA memory and ROMs)",
    );
    expect(() => checkPlanFits(plan(seg(0x1f00000, 0x200000)), pc(32 * MiB))).toThrow(
      "k: segment 0x1F00000..0x20FFFFF is outside the machine's RAM (0x0..0x9FFFF, 0x100000..0x1FFFFFF): raise --mem or change memory.layout",
    );
    expect(() => checkPlanFits(plan(seg(0x100000, 0x100), seg(0x1000ff, 4)), pc(32 * MiB))).toThrow(/overlaps another segment/);
    expect(() => checkPlanFits(plan(seg(0x7c00, 0x200), seg(0x100000, 0x1000)), pc(32 * MiB))).not.toThrow();
  });

  it("refuses an entry point outside the loaded image, naming the field or flag that gave it", () => {
    const elf = (entry: number) => planMultiboot("k.elf", elf32({ entry, prefix: multibootHeader(0), segments: [{ paddr: 0x100000, data: new Array(64).fill(1) }] }));
    expect(() => checkPlanFits(elf(0x100000), pc(32 * MiB))).not.toThrow();
    expect(() => checkPlanFits(elf(0x10003f), pc(32 * MiB))).not.toThrow();
    expect(() => checkPlanFits(elf(0x100040), pc(32 * MiB))).toThrow(
      "k.elf: ELF header e_entry 0x100040 is not in the loaded image: expected an address inside its segments 0x100000..0x10003F",
    );
    expect(() => checkPlanFits(elf(0xfffffff0), pc(32 * MiB))).toThrow(
      "k.elf: ELF header e_entry 0xFFFFFFF0 is outside the machine's RAM (0x0..0x9FFFF, 0x100000..0x1FFFFFF): expected an address inside the loaded image's segments 0x100000..0x10003F",
    );
    const aout = planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4] }));
    expect(() => checkPlanFits({ ...aout, entry: 0x200000 }, pc(32 * MiB))).toThrow(/^k\.bin: Multiboot header entry_addr 0x200000 is not in the loaded image/);
    // A user's --entry is the user's mistake (a usage error), not the image's.
    const raw = planRaw("null.bin", Uint8Array.of(0xf4), 0x100000, 0x100001, "--entry");
    expect(() => checkPlanFits(raw, pc(32 * MiB))).toThrow(
      expect.objectContaining({ code: "bad-argument", message: "--entry: 0x100001 is not in the loaded image: expected an address inside its segments 0x100000..0x100000" }),
    );
  });

  it("plans a raw image at an address with its entry", () => {
    const p = planRaw("null.bin", Uint8Array.of(0xfa, 0xf4), 0x100000);
    expect(p.entry).toBe(0x100000);
    expect(planRaw("x", new Uint8Array(1), 0x100000, 0x100004).entry).toBe(0x100004);
  });
});

describe("Multiboot information", () => {
  const plan = planMultiboot("k", aoutKernel({ loadAddr: 0x100000, code: [0xf4] }));

  it("describes memory, the memory map, the command line and the loader (spec §3.3)", () => {
    const info = buildMultibootInfo({ layout: pc(32 * MiB), cmdline: "quiet x=1", loaderName: "ringlab 0.1.0", plan });
    expect(info.addr).toBe(0x9000);
    const v = new DataView(info.bytes.buffer);
    const at = (addr: number) => addr - info.addr;
    expect(v.getUint32(0, true)).toBe(0b10_0100_1101); // mem, cmdline, mods, mmap, loader name
    expect(v.getUint32(4, true)).toBe(640);
    expect(v.getUint32(8, true)).toBe(31 * 1024);
    const str = (addr: number) => {
      let s = "";
      for (let i = at(addr); info.bytes[i] !== 0; i++) s += String.fromCharCode(info.bytes[i]!);
      return s;
    };
    expect(str(v.getUint32(16, true))).toBe("quiet x=1");
    expect(str(v.getUint32(64, true))).toBe("ringlab 0.1.0");
    const mmapLen = v.getUint32(44, true);
    const mmapAddr = v.getUint32(48, true);
    const entries: number[][] = [];
    for (let o = at(mmapAddr); o < at(mmapAddr) + mmapLen; o += v.getUint32(o, true) + 4) {
      entries.push([v.getUint32(o + 4, true), v.getUint32(o + 12, true), v.getUint32(o + 20, true)]);
    }
    expect(entries).toEqual([
      [0, 0xa0000, 1],
      [0xa0000, 0x60000, 2],
      [0x100000, 31 * MiB, 1],
    ]);
  });

  it("moves above the kernel when the kernel sits on its usual place", () => {
    const low = { image: "k", format: "raw" as const, segments: [{ addr: 0x8000, data: new Uint8Array(0), memSize: 0x3000 }], entry: 0x8000 };
    expect(buildMultibootInfo({ layout: pc(32 * MiB), cmdline: "", loaderName: "r", plan: low }).addr).toBe(0xb000);
  });
});

describe("ROM images", () => {
  /** A bus with the PC layout's RAM mapped, as createMachine maps it. */
  function pcBus(top = 2 * MiB): Bus {
    const bus = new Bus({ ramSize: top });
    for (const [a, b] of pc(top).ramRuns) bus.memory.mapRam("ram", a, b - a);
    return bus;
  }

  it("maps a BIOS-sized ROM at 0xE0000 and aliases it below 4 GiB for the reset vector", () => {
    const bus = pcBus();
    const rom = new Uint8Array(0x20000);
    rom[0x1fff0] = 0xea; // the reset vector's far jump
    expect(mapRomImage(bus, "/x/test386.bin", rom, 0xe0000)).toEqual({ aliasAt: 0xfffe0000 });
    expect(bus.memory.read(0xffff0, 1)).toBe(0xea);
    expect(bus.memory.read(0xfffffff0, 1)).toBe(0xea);
    expect(bus.memory.regions().map((r) => r.owner)).toEqual(["ram", "rom:test386.bin", "ram", "rom:test386.bin"]);
  });

  it("refuses ROMs over RAM, over a device's memory, or of odd sizes", () => {
    const bus = pcBus();
    bus.memory.mapMmio("vga", 0xa0000, 0x20000, { read8: () => 0 });
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(0x800), 0xa0000)).toThrow(
      "r.bin: ROM at 0xA0000..0xA07FF overlaps vga's MMIO at 0xA0000..0xBFFFF; map ROMs in a reserved region such as 0xC0000..0xFFFFF or above RAM",
    );
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(0x800), 0x100000)).toThrow(
      /^r\.bin: ROM at 0x100000\.\.0x1007FF overlaps RAM 0x100000\.\.0x1FFFFF \(memory\.layout\); map ROMs in a reserved region/,
    );
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(0x800), 0x9f800)).toThrow(/overlaps RAM 0x0\.\.0x9FFFF/);
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(100), 0xc0000)).toThrow("r.bin: ROM size 100 is not a multiple of 512 bytes");
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(1000), 0xc0000)).toThrow("r.bin: ROM size 1000 is not a multiple of 512 bytes");
    // 77 blocks of 512 bytes, like SeaBIOS's vgabios-isavga.bin: readable to its last byte, all ones after.
    const rom = Uint8Array.from({ length: 77 * 512 }, (_, i) => i & 0xff);
    expect(mapRomImage(bus, "vga.bin", rom, 0xd0000)).toEqual({});
    expect([bus.memory.read(0xd0000 + 77 * 512 - 1, 1), bus.memory.read(0xd0000 + 77 * 512, 1)]).toEqual([0xff, 0xff]);
    expect(bus.memory.read(0xd0000 + 77 * 512 - 2, 1)).toBe(0xfe);
    expect(mapRomImage(bus, "opt.bin", new Uint8Array(0x800), 0xc8000)).toEqual({});
    expect(mapRomImage(bus, "high.bin", new Uint8Array(0x800), 0x200000)).toEqual({}); // just above RAM
  });

  it("maps ROMs in a custom layout's reserved regions and gaps, never over its RAM", () => {
    const layout = new MemoryLayout([
      { kind: "ram", start: 0, size: 0x80000 },
      { kind: "reserved", start: 0xfec00000, size: 0x1000 },
      { kind: "ram", start: 0x100000, size: 0x100000 },
    ]);
    const bus = new Bus({ ramSize: layout.topOfRam });
    for (const [a, b] of layout.ramRuns) bus.memory.mapRam("ram", a, b - a);
    expect(mapRomImage(bus, "gap.bin", new Uint8Array(0x800), 0x80000)).toEqual({});
    expect(mapRomImage(bus, "apic.bin", new Uint8Array(0x1000), 0xfec00000)).toEqual({});
    expect(() => mapRomImage(bus, "r.bin", new Uint8Array(0x1000), 0x7f800)).toThrow(/overlaps RAM 0x0\.\.0x7FFFF/);
  });
});
