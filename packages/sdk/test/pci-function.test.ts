import { describe, expect, it } from "vitest";
import { PciCommand, PciConfig, PciFunction, PciStatus, type PciBarSpec } from "../src/index.js";
import { DeviceTestKit } from "../src/testing/index.js";

/** A made-up NIC-like function: an I/O BAR, a memory BAR, INTA#. */
function nic(onDecode: (bar: number, base: number | null) => void = () => {}) {
  const ioRegs = new Uint8Array(32);
  const io: PciBarSpec = {
    kind: "io",
    size: 32,
    handlers: { read8: (o) => ioRegs[o]!, write8: (o, v) => void (ioRegs[o] = v) },
    onDecode: (b) => onDecode(0, b),
  };
  const mem: PciBarSpec = { kind: "memory", size: 0x1000, handlers: { read32: (o) => 0xabcd0000 + o }, onDecode: (b) => onDecode(1, b) };
  const fn = new PciFunction({ vendorId: 0x10ec, deviceId: 0x8139, revision: 0x20, classCode: 0x020000, interruptPin: 1, bars: [io, mem], status: PciStatus.DEVSEL_MEDIUM });
  return { fn, ioRegs };
}

describe("a PCI function's type-0 configuration header", () => {
  it("reads the IDs, class, revision and header type at every width, little-endian", () => {
    const { fn } = nic();
    expect(fn.read(0, 4)).toBe(0x813910ec);
    expect([fn.read(0, 2), fn.read(2, 2), fn.read(1, 1)]).toEqual([0x10ec, 0x8139, 0x10]);
    expect(fn.read(PciConfig.REVISION_ID, 4)).toBe(0x02000020);
    expect(fn.read(PciConfig.HEADER_TYPE, 1)).toBe(0);
    expect(fn.read(PciConfig.INTERRUPT_LINE, 2)).toBe(0x0100);
    expect(new PciFunction({ vendorId: 1, deviceId: 2, classCode: 0x060100, multiFunction: true }).read(PciConfig.HEADER_TYPE, 1)).toBe(0x80);
  });

  it("keeps read-only fields, lets writable bits change, and clears status error bits only by writing 1", () => {
    const { fn } = nic();
    fn.write(0, 4, 0);
    fn.write(PciConfig.CLASS_CODE, 2, 0xffff);
    fn.write(PciConfig.INTERRUPT_PIN, 1, 3);
    expect([fn.read(0, 4), fn.read(PciConfig.CLASS_CODE, 2), fn.read(PciConfig.INTERRUPT_PIN, 1)]).toEqual([0x813910ec, 0x0200, 1]);
    fn.write(PciConfig.COMMAND, 2, 0xffff);
    expect(fn.read(PciConfig.COMMAND, 2)).toBe(0x0547); // IO, MEM, master, parity, SERR, INTx disable
    fn.write(PciConfig.INTERRUPT_LINE, 1, 11);
    expect(fn.read(PciConfig.INTERRUPT_LINE, 1)).toBe(11);
    // Status: set an error bit through the raw bytes, as the function would, then clear it.
    fn.bytes[PciConfig.STATUS + 1]! |= 0x20; // received master abort
    fn.write(PciConfig.STATUS, 2, 0x0000);
    expect(fn.read(PciConfig.STATUS, 2)).toBe(0x2200);
    fn.write(PciConfig.STATUS, 2, 0x2000);
    expect(fn.read(PciConfig.STATUS, 2)).toBe(PciStatus.DEVSEL_MEDIUM);
    // A dword write to 0x04 writes command and status together.
    fn.bytes[PciConfig.STATUS + 1]! |= 0x80;
    fn.write(PciConfig.COMMAND, 4, 0x80000001);
    expect(fn.read(PciConfig.COMMAND, 4)).toBe(0x02000001);
  });

  it("sizes BARs by all-ones writes and keeps their type bits; unimplemented BARs and the ROM BAR read 0", () => {
    const { fn } = nic();
    expect(fn.read(PciConfig.BAR0, 4)).toBe(1);
    fn.write(PciConfig.BAR0, 4, 0xffffffff);
    fn.write(PciConfig.BAR0 + 4, 4, 0xffffffff);
    fn.write(PciConfig.BAR0 + 8, 4, 0xffffffff);
    fn.write(PciConfig.EXPANSION_ROM, 4, 0xffffffff);
    expect(fn.read(PciConfig.BAR0, 4)).toBe(0xffffffe1); // 32 bytes of I/O
    expect(fn.read(PciConfig.BAR0 + 4, 4)).toBe(0xfffff000); // 4 KiB of memory
    expect([fn.read(PciConfig.BAR0 + 8, 4), fn.read(PciConfig.EXPANSION_ROM, 4)]).toEqual([0, 0]);
    const pf = new PciFunction({ vendorId: 1, deviceId: 1, classCode: 0, bars: [{ kind: "memory", size: 1 << 20, prefetchable: true }] });
    pf.write(PciConfig.BAR0, 4, 0xffffffff);
    expect(pf.read(PciConfig.BAR0, 4)).toBe(0xfff00008);
    expect(() => new PciFunction({ vendorId: 1, deviceId: 1, classCode: 0, bars: [{ kind: "io", size: 24 }] })).toThrow("BAR 0 size 24 is not a power of two from 4 to 256 bytes");
  });

  it("maps a BAR's handlers only while the command register enables its space, and moves them with the BAR", () => {
    const kit = new DeviceTestKit();
    const decodes: [number, number | null][] = [];
    const { fn, ioRegs } = nic((bar, base) => decodes.push([bar, base]));
    kit.pci.register("nic", { bus: 0, device: 3, function: 0 }, fn);
    fn.write(PciConfig.BAR0, 4, 0xc100);
    fn.write(PciConfig.BAR0 + 4, 4, 0xfebf0000);
    expect(kit.bus.ports.ownerOf(0xc100)).toBeUndefined();
    fn.write(PciConfig.COMMAND, 2, PciCommand.IO_SPACE);
    expect([kit.bus.ports.ownerOf(0xc100), kit.bus.ports.ownerOf(0xc11f), kit.bus.ports.ownerOf(0xc120)]).toEqual(["nic", "nic", undefined]);
    kit.out8(0xc105, 0x5a);
    expect(ioRegs[5]).toBe(0x5a);
    expect(kit.read(0xfebf0010, 4)).toBe(0xffffffff);
    fn.write(PciConfig.COMMAND, 2, PciCommand.IO_SPACE | PciCommand.MEMORY_SPACE);
    expect(kit.read(0xfebf0010, 4)).toBe(0xabcd0010);
    fn.write(PciConfig.BAR0, 4, 0xd000);
    expect([kit.bus.ports.ownerOf(0xc100), kit.in8(0xd005)]).toEqual([undefined, 0x5a]);
    fn.write(PciConfig.COMMAND, 2, 0);
    expect([kit.bus.ports.ownerOf(0xd000), kit.read(0xfebf0010, 4), fn.barBase(0), fn.barBase(1)]).toEqual([undefined, 0xffffffff, null, null]);
    expect(decodes).toEqual([[0, 0xc100], [1, 0xfebf0000], [0, 0xd000], [0, null], [1, null]]);
  });

  it("never maps an all-ones sizing value or a range another device owns, and does not throw", () => {
    const kit = new DeviceTestKit();
    kit.bus.ports.claim({ owner: "uart", base: 0x3f8, count: 8, handlers: { read8: () => 0 } });
    const { fn } = nic();
    kit.pci.register("nic", { bus: 0, device: 3, function: 0 }, fn);
    fn.write(PciConfig.COMMAND, 2, PciCommand.IO_SPACE | PciCommand.MEMORY_SPACE);
    fn.write(PciConfig.BAR0, 4, 0xffffffff);
    fn.write(PciConfig.BAR0 + 4, 4, 0xffffffff);
    expect([fn.barBase(0), fn.barBase(1)]).toEqual([null, null]);
    fn.write(PciConfig.BAR0, 4, 0x3e0); // 0x3E0..0x3FF overlaps the UART
    fn.write(PciConfig.BAR0 + 4, 4, 0x0); // RAM at 0: base 0 is "unassigned"
    expect([fn.barBase(0), kit.bus.ports.ownerOf(0x3e0), kit.bus.ports.ownerOf(0x3f8)]).toEqual([null, undefined, "uart"]);
    fn.write(PciConfig.BAR0 + 4, 4, 0x80000); // RAM in the kit's 1 MiB
    expect(fn.barBase(1)).toBeNull();
    fn.write(PciConfig.BAR0, 4, 0x400);
    expect(fn.barBase(0)).toBe(0x400);
  });

  it("runs device registers' write callbacks with the masked value", () => {
    const fn = new PciFunction({ vendorId: 0x8086, deviceId: 0x7000, classCode: 0x060100 });
    const seen: number[] = [];
    fn.defineRegister(0x60, 1, { value: 0x80, writable: 0x8f, onWrite: (v) => seen.push(v) });
    fn.defineRegister(0x61, 1, { value: 0x80, writable: 0x8f });
    fn.write(0x60, 4, 0x0000ff0b);
    expect([fn.read(0x60, 2), seen]).toEqual([0x8f0b, [0x0b]]);
    fn.write(0x44, 1, 0x12); // no register: read-only zero
    expect(fn.read(0x44, 1)).toBe(0);
    fn.reset();
    expect(fn.read(0x60, 2)).toBe(0x8080);
    expect(() => fn.defineRegister(0x61, 2, { value: 0 })).toThrow("is not an aligned field");
  });

  it("drives INTx# through the bus's router, gated by interrupt disable, and shows it in status bit 3", () => {
    const kit = new DeviceTestKit();
    const { fn } = nic();
    const events: string[] = [];
    fn.setIntx(true); // before registration and before a router: no wire yet
    kit.pci.register("nic", { bus: 0, device: 5, function: 0 }, fn);
    kit.pci.setInterruptRouter("isa-bridge", { pciIntxChanged: (a, pin, on) => events.push(`${a.device}.${a.function} ${pin} ${on}`) });
    expect(events).toEqual(["5.0 1 true"]);
    fn.write(PciConfig.COMMAND, 2, PciCommand.INTX_DISABLE);
    expect(fn.read(PciConfig.STATUS, 2) & PciStatus.INTERRUPT).toBe(PciStatus.INTERRUPT);
    fn.write(PciConfig.COMMAND, 2, 0);
    fn.setIntx(false);
    expect(fn.read(PciConfig.STATUS, 2) & PciStatus.INTERRUPT).toBe(0);
    expect(events).toEqual(["5.0 1 true", "5.0 1 false", "5.0 1 true", "5.0 1 false"]);
    expect(() => kit.pci.setInterruptRouter("other", { pciIntxChanged: () => {} })).toThrow("claimed by both 'isa-bridge' and 'other'");
  });

  it("saves and loads the configuration bytes with decoding following them", () => {
    const kit = new DeviceTestKit();
    const a = nic().fn;
    a.write(PciConfig.BAR0, 4, 0xc000);
    a.write(PciConfig.COMMAND, 2, 1);
    const saved = a.saveState();
    const b = nic().fn;
    kit.pci.register("nic", { bus: 0, device: 2, function: 0 }, b);
    b.loadState(saved);
    expect([b.barBase(0), kit.bus.ports.ownerOf(0xc000)]).toEqual([0xc000, "nic"]);
    expect(() => b.loadState({ config: "AAAA", intx: false })).toThrow("expected base64 of 256 bytes");
  });
});

describe("the PCI bus", () => {
  it("answers absent functions with all-ones, refuses a second owner of an address and addresses off bus 0", () => {
    const kit = new DeviceTestKit();
    const fn = new PciFunction({ vendorId: 0x8086, deviceId: 0x1237, classCode: 0x060000 });
    kit.pci.register("host", { bus: 0, device: 0, function: 0 }, fn);
    expect(kit.pci.readConfig({ bus: 0, device: 0, function: 0 }, 0, 4)).toBe(0x12378086);
    expect(kit.pci.readConfig({ bus: 0, device: 0, function: 1 }, 0, 4)).toBe(0xffffffff);
    expect(kit.pci.readConfig({ bus: 1, device: 0, function: 0 }, 0, 2)).toBe(0xffff);
    kit.pci.writeConfig({ bus: 0, device: 7, function: 0 }, 4, 2, 7); // dropped
    expect(() => kit.pci.register("x", { bus: 0, device: 0, function: 0 }, fn)).toThrow("PCI 00:00.0 is claimed by both 'host' and 'x'");
    expect(() => kit.pci.register("x", { bus: 0, device: 32, function: 0 }, fn)).toThrow("is not on bus 0");
    expect(kit.pci.functions().map((s) => s.owner)).toEqual(["host"]);
  });
});
