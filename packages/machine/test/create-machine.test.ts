import "reflect-metadata";
import { HOT_THRESHOLD } from "@ringlab/cpu";
import type { DebugConsole } from "@ringlab/devices-debug";
import { describe, expect, it } from "vitest";
import { CollectingConsole, builtinRegistry, createMachine, parseMachineConfig } from "../src/index.js";

const debugOnly = { devices: ["debugcon", "exit-port"] };

describe("createMachine", () => {
  it("builds the bus, clock and devices from a config, in configuration order", () => {
    const m = createMachine({ ...debugOnly, memory: { size: "4M" } }, builtinRegistry());
    expect(m.devices.map((d) => d.id)).toEqual(["debugcon", "exit-port"]);
    expect(m.bus.memory.ram8.length).toBe(4 << 20);
    expect(m.bus.memory.read(0xa0000, 1)).toBe(0xff); // the PC hole is not RAM
    m.bus.memory.write(0x100000, 4, 0xdeadbeef);
    expect(m.bus.memory.ram8[0x100000]).toBe(0xef);
    expect(m.resources().map((r) => r.owner)).toEqual(["debugcon", "exit-port", "ram"]);
  });

  it("gives two machines in one process no shared state", () => {
    const out1 = new CollectingConsole();
    const out2 = new CollectingConsole();
    const a = createMachine(debugOnly, builtinRegistry(), { console: out1 });
    const b = createMachine(debugOnly, builtinRegistry(), { console: out2 });
    expect(a.bus).not.toBe(b.bus);
    expect(a.clock).not.toBe(b.clock);
    expect(a.device("debugcon")).not.toBe(b.device("debugcon"));
    a.bus.ports.write(0xe9, 1, 0x41);
    b.bus.ports.write(0xe9, 1, 0x42);
    b.bus.ports.write(0xe9, 1, 0x43);
    a.bus.memory.write(0x1000, 1, 7);
    a.clock.retire(5);
    expect(out1.text()).toBe("A");
    expect(out2.text()).toBe("BC");
    expect(b.bus.memory.read(0x1000, 1)).toBe(0);
    expect(b.clock.ticks).toBe(0);
    expect(a.device<DebugConsole>("debugcon").bytesWritten).toBe(1);
    expect(b.device<DebugConsole>("debugcon").bytesWritten).toBe(2);
    a.bus.ports.read(0x80, 1);
    expect(b.bus.ports.unclaimedAccesses()).toEqual([]);
  });

  it("passes each device its own validated options and id", () => {
    const out = new CollectingConsole();
    const m = createMachine(
      {
        devices: [
          { plugin: "debugcon", id: "con1", options: { port: 0x402 } },
          { plugin: "debugcon", id: "con2" },
        ],
      },
      builtinRegistry(),
      { console: out },
    );
    m.bus.ports.write(0x402, 1, 0x31);
    m.bus.ports.write(0xe9, 1, 0x32);
    expect(out.text()).toBe("12");
    expect(m.bus.ports.ownerOf(0x402)).toBe("con1");
  });

  it("turns every configuration mistake into one line naming the key", () => {
    const r = builtinRegistry();
    const known = r.list().map((p) => p.name).join(", ");
    expect(() => createMachine({ devices: ["floppy"] }, r)).toThrow(
      `devices[0]: unknown device plugin 'floppy' (known: ${known})`,
    );
    expect(known).toMatch(/debugcon, exit-port/);
    expect(() => createMachine({ devices: ["debugcon", "debugcon"] }, r)).toThrow(
      "devices[1]: device id 'debugcon' is used twice (give one an 'id')",
    );
    expect(() => createMachine({ devices: [{ plugin: "debugcon", options: { port: -1 } }] }, r)).toThrow(
      /^device 'debugcon': option 'port': /,
    );
    expect(() =>
      createMachine({ devices: ["exit-port", { plugin: "debugcon", id: "dbg", options: { port: 0xf4 } }] }, r),
    ).toThrow("port 0xF4 is claimed by both 'exit-port' and 'dbg'");
    expect(() => parseMachineConfig({ memory: { size: "lots" } })).toThrow(
      "config: key 'memory.size': expected a size such as 32M, 640K or a byte count, got 'lots'",
    );
    expect(() => parseMachineConfig({ memroy: {} }, "vm.toml")).toThrow("vm.toml: unknown key 'memroy'");
    expect(() => parseMachineConfig({ clock: { tscHz: "fast" } })).toThrow(/^config: key 'clock\.tscHz': .*number/);
    expect(() => parseMachineConfig({ memory: { size: "1M" } })).toThrow(/key 'memory\.size': expected a multiple of 4K from 2M to 3G/);
  });

  it("cpu.model chooses the CPU model (default ringlab's); an unknown one names the key and the models", () => {
    const r = builtinRegistry();
    expect(createMachine({ devices: [] }, r).cpu.model.name).toBe("ringlab");
    const m = createMachine({ devices: [], cpu: { model: "pentium2" } }, r);
    expect(m.cpu.model.name).toBe("pentium2");
    expect(m.cpu.model.vendor).toBe("GenuineIntel");
    expect(parseMachineConfig({}).cpu).toEqual({ model: "ringlab", engine: "interp", jitThreshold: HOT_THRESHOLD });
    expect(() => parseMachineConfig({ cpu: { model: "k6" } }, "vm.toml")).toThrow(
      "vm.toml: key 'cpu.model': expected one of 'ringlab', '486', 'pentium', 'pentium-pro', 'pentium2', got 'k6'",
    );
    expect(() => parseMachineConfig({ cpu: { modle: "486" } })).toThrow("config: unknown key 'cpu.modle'");
  });

  it("creates a machine with no devices", () => {
    const m = createMachine({ devices: [] }, builtinRegistry());
    expect(m.devices).toEqual([]);
  });

  it("saves and restores the clock and every device", () => {
    const a = createMachine(debugOnly, builtinRegistry());
    a.bus.ports.write(0xe9, 1, 0x41);
    a.clock.retire(99);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = createMachine(debugOnly, builtinRegistry());
    b.loadState(saved);
    expect(b.clock.ticks).toBe(99);
    expect(b.device<DebugConsole>("debugcon").bytesWritten).toBe(1);
    const c = createMachine({ devices: ["debugcon"] }, builtinRegistry());
    expect(() => c.loadState(saved)).toThrow("machine state: devices differ from this machine (missing: none; unknown: exit-port)");
  });
});
