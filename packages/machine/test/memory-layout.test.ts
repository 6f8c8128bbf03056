import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { builtinPolicies, definePolicy, purePolicy } from "@ringlab/monitor";
import { z } from "@ringlab/sdk";
import {
  type Machine,
  type MachineConfigInput,
  MemoryLayout,
  bootKernel,
  builtinRegistry,
  createMachine,
  parseMachineConfig,
  planMultiboot,
  planRaw,
} from "../src/index.js";
import { EntryRecorder } from "./entry-recorder.js";
import { aoutKernel, elf32, multibootHeader } from "./image-builders.js";

const MiB = 1024 * 1024;


/** The Multiboot memory map a booted kernel finds at EBX: [base, length, type] triples. */
function mmapOf(m: Machine, info: number): number[][] {
  const mem = m.bus.memory;
  const len = mem.read(info + 44, 4);
  const at = mem.read(info + 48, 4);
  const out: number[][] = [];
  for (let o = at; o < at + len; o += mem.read(o, 4) + 4) {
    expect(mem.read(o + 8, 4)).toBe(0); // base high half
    expect(mem.read(o + 16, 4)).toBe(0); // length high half
    out.push([mem.read(o + 4, 4), mem.read(o + 12, 4), mem.read(o + 20, 4)]);
  }
  return out;
}

/** RAM 0-640K, RAM 1M-8M, a reserved 4K page at 0xFEC00000 (where an I/O APIC would be). */
const custom: MachineConfigInput["memory"] = {
  layout: [
    { kind: "ram", start: 0, size: "640K" },
    { kind: "reserved", start: 0xfec00000, size: "4K" },
    { kind: "ram", start: "1M", size: "7M" },
  ],
};

describe("memory.layout in the machine configuration", () => {
  it("defaults to the PC layout derived from memory.size, as before layouts existed", () => {
    expect(parseMachineConfig({}).memory).toEqual({
      size: 32 * MiB,
      layout: [
        { kind: "ram", start: 0, size: 0xa0000 },
        { kind: "reserved", start: 0xa0000, size: 0x60000 },
        { kind: "ram", start: 0x100000, size: 31 * MiB },
      ],
    });
    expect(parseMachineConfig({ memory: { size: "4M" } }).memory.layout[2]).toEqual({ kind: "ram", start: MiB, size: 3 * MiB });
    const pc = MemoryLayout.pc(32 * MiB);
    expect([pc.memLowerKiB, pc.memUpperKiB, pc.topOfRam, pc.totalRam]).toEqual([640, 31 * 1024, 32 * MiB, 32 * MiB - 0x60000]);
  });

  it("derives memory.size (the top of RAM) from a layout, sorts the regions and accepts it back", () => {
    const cfg = parseMachineConfig({ memory: custom });
    expect(cfg.memory.size).toBe(8 * MiB);
    expect(cfg.memory.layout.map((r) => r.start)).toEqual([0, MiB, 0xfec00000]);
    // The validated config is valid input again (createMachine re-parses what it is given).
    expect(parseMachineConfig(cfg)).toEqual(cfg);
    expect(parseMachineConfig({ memory: { ...custom, size: "8M" } }).memory.size).toBe(8 * MiB);
  });

  it("names the key and what was wrong for each layout mistake", () => {
    const layoutError = (layout: unknown, extra: Record<string, unknown> = {}) => {
      try {
        parseMachineConfig({ memory: { layout, ...extra } }, "vm.toml");
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    const ram = (start: number | string, size: number | string) => ({ kind: "ram", start, size });
    expect(layoutError([ram(0, "640K"), ram(MiB, "1M"), { kind: "reserved", start: 0x9f000, size: "4K" }])).toBe(
      "vm.toml: key 'memory.layout.2': reserved 0x9F000..0x9FFFF overlaps 'memory.layout.0' (RAM 0x0..0x9FFFF)",
    );
    expect(layoutError([ram(MiB, "2M"), ram(0, "1M"), ram("2M", "1M")])).toBe(
      "vm.toml: key 'memory.layout.2': RAM 0x200000..0x2FFFFF overlaps 'memory.layout.0' (RAM 0x100000..0x2FFFFF)",
    );
    expect(layoutError([ram(0x800, "640K")])).toBe("vm.toml: key 'memory.layout.0.start': expected a multiple of 4K (0x1000), got 0x800");
    expect(layoutError([ram(0, 100)])).toBe("vm.toml: key 'memory.layout.0.size': expected a non-zero multiple of 4K (0x1000), got 0x64");
    expect(layoutError([ram(0, 0)])).toMatch(/key 'memory\.layout\.0\.size': expected a non-zero multiple of 4K/);
    expect(layoutError([ram(0, "1M"), { kind: "reserved", start: "0xFFFFF000", size: "8K" }])).toBe(
      "vm.toml: key 'memory.layout.1.size': reserved region at 0xFFFFF000 of 8K runs past 4 GiB (0xFFFFFFFF)",
    );
    expect(layoutError([ram("0xBFF00000", "2M")])).toBe(
      "vm.toml: key 'memory.layout.0.size': RAM at 0xBFF00000 of 2M ends above 3G (0xC0000000), the highest RAM ringlab supports",
    );
    expect(layoutError([{ ...ram(0, "1M"), extra: 1 }])).toBe("vm.toml: unknown key 'memory.layout.0.extra'");
    expect(layoutError([{ kind: "rom", start: 0, size: "1M" }])).toBe(
      "vm.toml: key 'memory.layout.0.kind': expected one of 'ram', 'reserved', got 'rom'",
    );
    expect(layoutError([{ start: 0, size: "1M" }])).toBe("vm.toml: key 'memory.layout.0.kind': missing: expected one of 'ram', 'reserved'");
    expect(layoutError([ram("lots", "1M")])).toBe(`vm.toml: key 'memory.layout.0.start': expected an address such as 0x100000 or "1M", got 'lots'`);
    expect(layoutError([{ kind: "reserved", start: 0, size: "1M" }])).toBe(
      "vm.toml: key 'memory.layout': expected at least one region of kind 'ram'",
    );
    expect(layoutError([ram(0, "8M")], { size: "16M" })).toBe(
      "vm.toml: key 'memory.size': 16M does not match memory.layout, whose RAM ends at 0x800000 (8M); " +
        "with a layout, memory.size is the top of RAM and may be left out",
    );
  });
});

describe("monitor.policy", () => {
  it("defaults to pure and accepts the three policies", () => {
    expect(parseMachineConfig({}).monitor).toEqual({ policy: "pure", options: {}, patch: true });
    for (const policy of ["pure", "scan-patch", "pvi"] as const) {
      expect(parseMachineConfig({ monitor: { policy } }).monitor.policy).toBe(policy);
    }
  });

  it("builds the named policy on the machine's CPU, with patching as configured", () => {
    for (const policy of ["pure", "scan-patch", "pvi"] as const) {
      const m = createMachine({ monitor: { policy, patch: false } }, builtinRegistry());
      expect(m.monitor.name).toBe(policy);
      if (policy !== "pure") expect(m.monitor.description).toContain("NOT patched");
    }
  });

  it("lists the registered policies for an unknown one and refuses unknown keys", () => {
    // Plugins may add policies, so the name is checked against the registry when the machine is built.
    expect(() => createMachine({ monitor: { policy: "vmx" } }, builtinRegistry(), { configSource: "vm.toml" })).toThrow(
      "vm.toml: key 'monitor.policy': unknown policy 'vmx' (known: pure, scan-patch, pvi, vtx)",
    );
    expect(() => parseMachineConfig({ monitor: { policy: "VMX!" } }, "vm.toml")).toThrow(
      "vm.toml: key 'monitor.policy': expected a policy name such as 'pure' (see ringlab policies), got 'VMX!'",
    );
    expect(() => parseMachineConfig({ monitor: { polcy: "pure" } }, "vm.toml")).toThrow("vm.toml: unknown key 'monitor.polcy'");
  });

  it("builds the policy with monitor.options, checked by the policy's own schema", () => {
    const m = createMachine({ monitor: { policy: "scan-patch", options: { ring: 3 } } }, builtinRegistry());
    expect(m.monitor.description).toContain("ring 3");
    expect(() => createMachine({ monitor: { policy: "scan-patch", options: { ring: 2 } } }, builtinRegistry(), { configSource: "vm.toml" })).toThrow(
      "vm.toml: key 'monitor.options': policy 'scan-patch': option 'ring': expected 1 (the 0/1/3 model) or 3 (0/3/3)",
    );
  });

  it("takes a policy from the registry it is given (as a plugin adds one)", () => {
    const policies = builtinPolicies().add(
      definePolicy({ name: "pure-too", description: "pure again", options: z.object({}).strict(), create: (cpu, o, ctx) => purePolicy.create(cpu, o, ctx) }),
    );
    expect(createMachine({ monitor: { policy: "pure-too" } }, builtinRegistry(), { policies }).monitor.name).toBe("pure");
    expect(() => createMachine({ monitor: { policy: "pure-too" } }, builtinRegistry())).toThrow("unknown policy 'pure-too'");
  });
});

describe("a machine with a custom layout", () => {
  it("maps only the RAM regions: reserved regions and gaps read all-ones and drop writes", () => {
    const m = createMachine({ devices: ["debugcon"], memory: custom }, builtinRegistry());
    const mem = m.bus.memory;
    expect(mem.ram8.length).toBe(8 * MiB);
    mem.write(0x9fffc, 4, 0x12345678);
    mem.write(0x7ffffc, 4, 0x9abcdef0);
    expect([mem.read(0x9fffc, 4), mem.read(0x7ffffc, 4)]).toEqual([0x12345678, 0x9abcdef0]);
    mem.write(0xfec00000, 4, 0);
    mem.write(0xa0000, 1, 0);
    expect(mem.read(0xfec00000, 4)).toBe(0xffffffff); // reserved
    expect(mem.read(0xfec00ffc, 4)).toBe(0xffffffff);
    expect(mem.read(0xa0000, 1)).toBe(0xff); // the gap between the RAM regions
    expect(mem.read(0x800000, 2)).toBe(0xffff); // above the top of RAM
    expect(mem.read(0x9fffe, 4)).toBe(0xffff1234); // straddles RAM and the gap
    expect(mem.regions().map((r) => [r.owner, r.base, r.size])).toEqual([
      ["ram", 0, 0xa0000],
      ["ram", MiB, 7 * MiB],
    ]);
  });

  it("gives a Multiboot kernel mem_lower, mem_upper and a memory map of the configured layout", () => {
    const m = createMachine({ devices: [], memory: custom }, builtinRegistry());
    const cpu = new EntryRecorder();
    const summary = bootKernel(m, cpu, planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4] })));
    const info = summary.infoAddr!;
    expect(cpu.regs[3]).toBe(info);
    expect(m.bus.memory.read(info + 4, 4)).toBe(640); // mem_lower
    expect(m.bus.memory.read(info + 8, 4)).toBe(7 * 1024); // mem_upper
    expect(mmapOf(m, info)).toEqual([
      [0, 0xa0000, 1],
      [MiB, 7 * MiB, 1],
      [0xfec00000, 0x1000, 2],
    ]);
  });

  it("counts adjacent RAM regions as one run and reports missing low memory as zero", () => {
    const split = createMachine(
      {
        devices: [],
        memory: {
          layout: [
            { kind: "ram", start: 0, size: "256K" },
            { kind: "ram", start: "1M", size: "3M" },
            { kind: "ram", start: "4M", size: "4M" },
          ],
        },
      },
      builtinRegistry(),
    );
    const s = bootKernel(split, new EntryRecorder(), planMultiboot("k.bin", aoutKernel({ loadAddr: 0x3ff000, code: Array(0x2000).fill(0x90) })));
    expect(split.bus.memory.read(0x400000, 1)).toBe(0x90); // the kernel spans both upper regions
    expect([split.bus.memory.read(s.infoAddr! + 4, 4), split.bus.memory.read(s.infoAddr! + 8, 4)]).toEqual([256, 7 * 1024]);
    expect(mmapOf(split, s.infoAddr!)).toEqual([
      [0, 0x40000, 1],
      [MiB, 3 * MiB, 1],
      [4 * MiB, 4 * MiB, 1],
    ]);

    const high = createMachine({ devices: [], memory: { layout: [{ kind: "ram", start: "1M", size: "1M" }] } }, builtinRegistry());
    const h = bootKernel(high, new EntryRecorder(), planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4] })));
    expect(h.infoAddr).toBe(0x101000); // no RAM at 0x9000: above the kernel
    expect([high.bus.memory.read(h.infoAddr! + 4, 4), high.bus.memory.read(h.infoAddr! + 8, 4)]).toEqual([0, 1024]);
  });

  it("refuses, in one line naming the file, a kernel in a reserved region, a gap or past the top of RAM", () => {
    const m = createMachine({ devices: [], memory: custom }, builtinRegistry());
    const boot = (addr: number, name = "k.bin") => () => bootKernel(m, new EntryRecorder(), planRaw(name, new Uint8Array(0x40), addr));
    expect(boot(0xfec00000)).toThrow("k.bin: segment 0xFEC00000..0xFEC0003F overlaps the reserved region 0xFEC00000..0xFEC00FFF (memory.layout)");
    expect(boot(0xbffe0)).toThrow(
      "k.bin: segment 0xBFFE0..0xC001F is outside the machine's RAM (0x0..0x9FFFF, 0x100000..0x7FFFFF): raise --mem or change memory.layout",
    );
    expect(boot(0x7fffe0)).toThrow(/^k\.bin: segment 0x7FFFE0\.\.0x80001F is outside the machine's RAM/);
    const elf = elf32({ entry: 0x900000, prefix: multibootHeader(0), segments: [{ paddr: 0x900000, data: [0xf4] }] });
    expect(() => bootKernel(m, new EntryRecorder(), planMultiboot("/boot/high.elf", elf))).toThrow(
      /^\/boot\/high\.elf: segment 0x900000\.\.0x900000 is outside the machine's RAM \(0x0\.\.0x9FFFF, 0x100000\.\.0x7FFFFF\)/,
    );
    // The default PC layout still names its hole as such.
    const pc = createMachine({ devices: [] }, builtinRegistry());
    expect(() => bootKernel(pc, new EntryRecorder(), planRaw("k.bin", new Uint8Array(0x40), 0xb8000))).toThrow(
      "k.bin: segment 0xB8000..0xB803F overlaps the PC hole 0xA0000..0xFFFFF (VGA memory and ROMs)",
    );
  });

  it("places boot modules only in the layout's RAM", () => {
    const m = createMachine({ devices: [], memory: { layout: [{ kind: "ram", start: "1M", size: "64K" }] } }, builtinRegistry());
    const plan = planMultiboot("k.bin", aoutKernel({ loadAddr: 0x100000, code: [0xf4] }));
    const fits = { name: "a.img", data: new Uint8Array(0x1000).fill(7), cmdline: "a.img" };
    const big = { name: "big.img", data: new Uint8Array(0x10000), cmdline: "big.img" };
    expect(bootKernel(m, new EntryRecorder(), plan, { modules: [fits] }).modules).toEqual([{ start: 0x101000, end: 0x102000, cmdline: "a.img" }]);
    expect(() => bootKernel(m, new EntryRecorder(), plan, { modules: [fits, big] })).toThrow(
      "big.img: no room for this 65536-byte module in RAM at 0x102000, above the kernel (raise --mem or change memory.layout)",
    );
  });

  it("reports a layout whose RAM covers the VGA window as a conflict with the vga device", () => {
    expect(() =>
      createMachine({ devices: ["vga"], memory: { layout: [{ kind: "ram", start: 0, size: "8M" }] } }, builtinRegistry()),
    ).toThrow(
      "config: key 'memory.layout': RAM 0x0..0x7FFFFF covers 0xA0000..0xBFFFF, the MMIO of device 'vga': " +
        'expected that range outside RAM (a region of kind "reserved", as a PC\'s 0xA0000..0xFFFFF)',
    );
    expect(() =>
      createMachine({ devices: ["vga"], memory: { layout: [{ kind: "ram", start: 0, size: "8M" }] } }, builtinRegistry(), { configSource: "vm.toml" }),
    ).toThrow(/^vm\.toml: key 'memory\.layout': /);
  });
});
