import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { BOOT_PARAMS_ADDR, CollectingConsole, bootKernel, builtinRegistry, createMachine, planLinux } from "../src/index.js";
import { bzImage } from "./image-builders.js";

/**
 * nasm, org 0x100000: reload DS/ES/SS with 0x18 (the loader's GDT must hold it), print the
 * command line at boot_params.hdr.cmd_line_ptr to port 0xE9, exit with e820_entries.
 */
const PM = Buffer.from(
  "66b818008ed88ec08ed08b9e280200008a0384c07405e6e943ebf5b00ae6e98a86e8010000e6f4f4",
  "hex",
);

function machine(mem = "32M") {
  const console = new CollectingConsole();
  return { m: createMachine({ memory: { size: mem } }, builtinRegistry(), { console }), console };
}

const u32 = (ram: Uint8Array, a: number) => new DataView(ram.buffer).getUint32(a, true);

describe("the Linux/x86 32-bit boot protocol", () => {
  it("loads the protected-mode kernel at 1 MiB and enters it as boot.rst requires", () => {
    const { m, console } = machine();
    const plan = planLinux("bz", bzImage({ pm: [...PM] }));
    expect(plan.segments[0]).toMatchObject({ addr: 0x100000 });
    const initrd = new Uint8Array(10000).fill(0xa5);
    const summary = bootKernel(m, m.cpu, plan, { cmdline: "console=ttyS0 quiet", initrd: { name: "initrd.img", data: initrd } });
    const cpu = m.cpu;
    expect(cpu.eip).toBe(0x100000);
    expect(cpu.segSel[1]).toBe(0x10);
    for (const s of [0, 2, 3]) expect(cpu.segSel[s]).toBe(0x18);
    expect(cpu.getReg32(6)).toBe(BOOT_PARAMS_ADDR);
    expect([cpu.getReg32(3), cpu.getReg32(5), cpu.getReg32(7)]).toEqual([0, 0, 0]);
    expect(cpu.getEflags() & 0x200).toBe(0);
    expect(cpu.cr0 & 0x80000001).toBe(1);

    const ram = m.bus.memory.ram8;
    const bp = BOOT_PARAMS_ADDR;
    expect(u32(ram, bp + 0x202)).toBe(0x53726448); // the header, copied
    expect(ram[bp + 0x210]).toBe(0xff); // type_of_loader: undefined
    expect(u32(ram, bp + 0x214)).toBe(0x100000);
    // The initrd: page aligned, as high as possible below the end of RAM.
    expect(summary.initrd).toEqual({ addr: Math.floor((32 * 2 ** 20 - 10000) / 4096) * 4096, size: 10000 });
    expect(u32(ram, bp + 0x218)).toBe(summary.initrd!.addr);
    expect(u32(ram, bp + 0x21c)).toBe(10000);
    expect(ram[summary.initrd!.addr]).toBe(0xa5);
    // The e820 map of the default PC layout: 640 KiB, the hole, RAM from 1 MiB.
    expect(ram[bp + 0x1e8]).toBe(3);
    const e820 = (i: number) => {
      const v = new DataView(ram.buffer, bp + 0x2d0 + i * 20, 20);
      return [Number(v.getBigUint64(0, true)), Number(v.getBigUint64(8, true)), v.getUint32(16, true)];
    };
    expect([e820(0), e820(1), e820(2)]).toEqual([
      [0, 0xa0000, 1],
      [0xa0000, 0x60000, 2],
      [0x100000, 31 * 2 ** 20, 1],
    ]);
    expect(u32(ram, bp + 0x1e0)).toBe(31 * 1024); // alt_mem_k
    // screen_info: VGA text mode 3, 80x25.
    expect([ram[bp + 0x06], ram[bp + 0x07], ram[bp + 0x0e], ram[bp + 0x0f]]).toEqual([3, 80, 25, 1]);

    // The code itself: loads 0x18 from the GDT, prints the command line, exits with 3.
    expect(m.run(1000)).toEqual({ kind: "exit", status: 3, reason: expect.any(String) });
    expect(console.text()).toBe("console=ttyS0 quiet\n");
  });

  it("refuses, in one line naming the image, what it cannot boot", () => {
    const pm = [...PM];
    expect(() => planLinux("old.img", bzImage({ pm, version: 0x0201 }))).toThrow(/^old\.img: Linux boot protocol 2\.01 is too old/);
    expect(() => planLinux("z.img", bzImage({ pm, loadflags: 0 }))).toThrow(/^z\.img: a zImage/);
    expect(() => planLinux("x64.img", bzImage({ pm, xloadflags: 1 }))).toThrow(/^x64\.img: a 64-bit \(x86-64\) kernel/);
    expect(() => planLinux("bad.img", bzImage({ pm, magic: 0 }))).toThrow(/^bad\.img: no Linux boot protocol header/);
    expect(() => planLinux("cut.img", bzImage({ pm }).subarray(0, 1000))).toThrow(/^cut\.img: truncated/);
  });

  it("says how much RAM a relocatable kernel needs to decompress, and refuses a command line too long", () => {
    const reloc = planLinux("vmlinuz", bzImage({ pm: [...PM], relocatable: true, prefAddress: 0x1000000, initSize: 0x1800000 }));
    const small = machine("32M").m;
    expect(() => bootKernel(small, small.cpu, reloc)).toThrow(/^vmlinuz: this relocatable kernel decompresses at 0x1000000 .* at least 40 MiB \(--mem 40M\)$/);
    const big = machine("48M").m;
    expect(bootKernel(big, big.cpu, reloc).entry).toBe(0x100000);
    const short = planLinux("vmlinuz", bzImage({ pm: [...PM], cmdlineSize: 8 }));
    const m = machine().m;
    expect(() => bootKernel(m, m.cpu, short, { cmdline: "console=ttyS0" })).toThrow(/at most 8 \(cmdline_size\)/);
  });

  it("refuses an initrd that does not fit, boot modules, and an initrd for a Multiboot kernel", () => {
    const { m } = machine("2M");
    const plan = planLinux("vmlinuz", bzImage({ pm: [...PM], initSize: 0x80000 }));
    expect(() => bootKernel(m, m.cpu, plan, { initrd: { name: "big.img", data: new Uint8Array(0x100000) } })).toThrow(/^big\.img: no room for this 1048576-byte initrd/);
    expect(() => bootKernel(m, m.cpu, plan, { modules: [{ name: "mod", data: new Uint8Array(1), cmdline: "mod" }] })).toThrow(/give a Linux kernel its initrd/);
  });
});
