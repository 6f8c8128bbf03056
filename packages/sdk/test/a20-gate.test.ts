import { describe, expect, it } from "vitest";
import { A20GateInputs, MemoryMap } from "../src/index.js";
import { DeviceTestKit } from "../src/testing/index.js";

function pc(ramSize = 4 << 20): MemoryMap {
  const m = new MemoryMap(ramSize);
  m.mapRam("ram", 0, 0xa0000);
  m.mapRam("ram", 0x100000, ramSize - 0x100000);
  return m;
}

describe("MemoryMap: the A20 gate", () => {
  it("is open at power-on: 1 MiB is its own memory and the direct tables reach it", () => {
    const m = pc();
    expect(m.a20Enabled).toBe(true);
    expect(m.a20Mask >>> 0).toBe(0xffffffff);
    m.write(0x100000, 1, 0x11);
    m.write(0x000000, 1, 0x22);
    expect(m.read(0x100000, 1)).toBe(0x11);
    expect(m.readPages[0x100]).not.toBeNull();
  });

  it("closed, forces address bit 20 to 0 on reads and writes: 0x100000 is 0x000000, 0x3FFFFF is 0x2FFFFF", () => {
    const m = pc();
    m.write(0x000000, 4, 0x11223344);
    m.write(0x100000, 4, 0x55667788);
    m.write(0x2ffffc, 4, 0xaabbccdd);
    m.setA20(false);
    expect(m.a20Enabled).toBe(false);
    expect(m.a20Mask >>> 0).toBe(0xffefffff);
    expect(m.read(0x100000, 4)).toBe(0x11223344);
    expect(m.read(0x3ffffc, 4)).toBe(0xaabbccdd);
    m.write(0x100002, 2, 0xbeef);
    expect(m.ram8[2]).toBe(0xef);
    expect(m.ram8[0x100002]).toBe(0x66); // the real 1 MiB byte is untouched
    // Pages below 1 MiB and 2-3 MiB keep their direct entries; the aliases have none.
    expect(m.readPages[0x000]).not.toBeNull();
    expect(m.readPages[0x200]).not.toBeNull();
    expect([m.readPages[0x100], m.writePages[0x100], m.readPages[0x3ff]]).toEqual([null, null, null]);
    m.setA20(true);
    expect(m.read(0x100000, 4)).toBe(0x55667788);
    expect(m.readPages[0x100]![m.pageOffsets[0x100]!]).toBe(0x88);
  });

  it("keeps its state across later mappings: a region mapped while closed gets no alias entries", () => {
    const m = new MemoryMap(4 << 20);
    m.setA20(false);
    m.mapRam("ram", 0, 4 << 20);
    expect(m.readPages[0x100]).toBeNull();
    expect(m.readPages[0x0ff]).not.toBeNull();
    m.setA20(true);
    expect(m.readPages[0x100]).not.toBeNull();
  });

  it("tells its listener when the gate moves, and only then", () => {
    const m = pc();
    let calls = 0;
    m.setPagesChangedListener(() => calls++);
    m.setA20(true);
    m.setA20(false);
    m.setA20(false);
    m.setA20(true);
    expect(calls).toBe(2);
    m.setPagesChangedListener(null);
    m.setA20(false);
    expect(calls).toBe(2);
  });
});

describe("A20GateInputs", () => {
  it("ORs its sources: closed only while some source drives it off and none drives it on", () => {
    const m = pc();
    const gate = new A20GateInputs(m);
    expect(gate.enabled).toBe(true); // nobody drives: pulled up
    gate.drive("kbc", true);
    gate.drive("port92", false);
    expect(gate.enabled).toBe(true);
    gate.drive("kbc", false);
    expect(gate.enabled).toBe(false);
    expect(m.a20Enabled).toBe(false);
    gate.drive("port92", true);
    expect(gate.enabled).toBe(true);
    gate.release("port92");
    expect(gate.enabled).toBe(false);
    gate.release("kbc");
    expect(gate.enabled).toBe(true);
    expect([...gate.driven()]).toEqual([]);
  });

  it("is what the test kit gives a device, on the kit's own memory", () => {
    const kit = new DeviceTestKit({ ramSize: 2 << 20 });
    kit.write(0, 0x5a);
    kit.a20.drive("dev", false);
    expect(kit.read(0x100000)).toBe(0x5a);
    kit.runControl.requestReset("dev: reset pulse");
    expect(kit.resetRequests).toEqual(["dev: reset pulse"]);
  });
});
