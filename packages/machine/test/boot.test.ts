import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { builtinRegistry, bootKernel, createMachine, planMultiboot, planRaw } from "../src/index.js";
import { EntryRecorder } from "./entry-recorder.js";
import { aoutKernel } from "./image-builders.js";


describe("bootKernel", () => {
  it("loads a Multiboot kernel and sets EAX=0x2BADB002, EBX=info, EIP=entry", () => {
    const m = createMachine({ devices: [] }, builtinRegistry());
    const cpu = new EntryRecorder();
    const plan = planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4] }));
    const summary = bootKernel(m, cpu, plan, { cmdline: "hello", loaderName: "ringlab test" });
    expect(summary).toEqual({ format: "multiboot-aout", entry: 0x100020, infoAddr: 0x9000, modules: [] });
    expect(cpu.eip).toBe(0x100020);
    expect(cpu.regs[0]).toBe(0x2badb002);
    expect(cpu.regs[3]).toBe(0x9000);
    expect(m.bus.memory.read(0x100020, 1)).toBe(0xf4);
    // mem_upper in the info the kernel reads from guest memory
    expect(m.bus.memory.read(0x9008, 4)).toBe(31 * 1024);
  });

  it("starts a raw image at its entry with EAX=EBX=0", () => {
    const m = createMachine({ devices: [] }, builtinRegistry());
    const cpu = new EntryRecorder();
    bootKernel(m, cpu, planRaw("null.bin", Uint8Array.of(0x90, 0xf4), 0x100000, 0x100001));
    expect(cpu.eip).toBe(0x100001);
    expect([cpu.regs[0], cpu.regs[3]]).toEqual([0, 0]);
    expect(m.bus.memory.read(0x100000, 2)).toBe(0xf490);
  });

  it("places boot modules page-aligned above the kernel and lists them in the info (§3.3)", () => {
    const m = createMachine({ devices: [] }, builtinRegistry());
    const plan = planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4], bss: 0x1000 }));
    const mod1 = { name: "initrd", data: new Uint8Array(5000).fill(0xab), cmdline: "initrd.img quiet" };
    const mod2 = { name: "two", data: Uint8Array.of(1, 2, 3), cmdline: "two" };
    const s = bootKernel(m, new EntryRecorder(), plan, { modules: [mod1, mod2] });
    expect(s.modules).toEqual([
      { start: 0x102000, end: 0x102000 + 5000, cmdline: "initrd.img quiet" },
      { start: 0x104000, end: 0x104003, cmdline: "two" },
    ]);
    const mem = m.bus.memory;
    expect(mem.read(0x102000 + 4999, 1)).toBe(0xab);
    const info = s.infoAddr!;
    expect(mem.read(info + 20, 4)).toBe(2); // mods_count
    const mods = mem.read(info + 24, 4);
    expect([mem.read(mods, 4), mem.read(mods + 4, 4), mem.read(mods + 16, 4), mem.read(mods + 20, 4)]).toEqual([
      0x102000, 0x102000 + 5000, 0x104000, 0x104003,
    ]);
    const str = (addr: number) => {
      let out = "";
      for (let c = mem.read(addr, 1); c !== 0; c = mem.read(++addr, 1)) out += String.fromCharCode(c);
      return out;
    };
    expect(str(mem.read(mods + 8, 4))).toBe("initrd.img quiet");
    expect(str(mem.read(mods + 24, 4))).toBe("two");
    expect(() => bootKernel(m, new EntryRecorder(), planRaw("r", Uint8Array.of(0xf4), 0x100000), { modules: [mod2] })).toThrow(
      "r: boot modules need a Multiboot kernel, not a raw image",
    );
  });

  it("refuses a kernel that does not fit the machine's RAM", () => {
    const m = createMachine({ devices: [], memory: { size: "2M" } }, builtinRegistry());
    const plan = planRaw("big.bin", new Uint8Array(0x200000), 0x100000);
    expect(() => bootKernel(m, new EntryRecorder(), plan)).toThrow(/^big.bin: segment 0x100000..0x2FFFFF is outside the machine's RAM \(0x0..0x9FFFF, 0x100000..0x1FFFFF\): raise --mem/);
  });
});
