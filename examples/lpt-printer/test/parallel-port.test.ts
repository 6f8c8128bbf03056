// #region test-setup
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { ParallelPort, parallelPortPlugin } from "../src/index.js";

const US = 1_000; // nanoseconds
const NOT_BUSY = 0x80;
const NACK = 0x40;

function install(kit: DeviceTestKit, options: Record<string, unknown> = {}): ParallelPort {
  return kit.install(new ParallelPort("lpt1", kit.options(parallelPortPlugin, options), kit.clock, kit.console));
}

/** What a guest does to print one byte: data, then STROBE asserted and released (nINIT high). */
function strobe(kit: DeviceTestKit, byte: number, irq = false): void {
  const control = 0x0c | (irq ? 0x10 : 0);
  kit.out8(0x378, byte);
  kit.out8(0x37a, control | 0x01);
  kit.out8(0x37a, control);
}
// #endregion test-setup

// #region test-handshake
describe("parallel port with a printer", () => {
  it("prints a strobed byte, is busy, acknowledges, then is ready again", () => {
    const kit = new DeviceTestKit();
    install(kit);
    kit.out8(0x37a, 0x0c); // nINIT high: the printer leaves reset
    expect(kit.in8(0x379) & (NOT_BUSY | NACK)).toBe(NOT_BUSY | NACK); // ready
    strobe(kit, 0x41);
    expect(kit.consoleBytes).toEqual([0x41]);
    expect(kit.in8(0x379) & (NOT_BUSY | NACK)).toBe(NACK); // busy
    kit.advanceNs(10 * US);
    expect(kit.in8(0x379) & (NOT_BUSY | NACK)).toBe(0); // acknowledging: nACK low
    kit.advanceNs(5 * US);
    expect(kit.in8(0x379) & (NOT_BUSY | NACK)).toBe(NOT_BUSY | NACK);
    expect(kit.irqEvents).toEqual([]); // IRQE was off
  });
  // #endregion test-handshake

  // #region test-irq
  it("pulses IRQ 7 at the end of each acknowledge when IRQE is set", () => {
    const kit = new DeviceTestKit();
    install(kit);
    strobe(kit, 0x42, true);
    kit.advanceNs(15 * US - 1);
    expect(kit.irqEvents).toEqual([]);
    kit.advanceNs(1);
    expect(kit.irqEvents.map((e) => [e.line, e.high])).toEqual([[7, true], [7, false]]);
  });
  // #endregion test-irq

  it("ignores a byte strobed while busy, and everything while nINIT holds the printer in reset", () => {
    const kit = new DeviceTestKit();
    const lpt = install(kit);
    strobe(kit, 0x31);
    strobe(kit, 0x32); // still busy with the first
    kit.advanceNs(15 * US);
    kit.out8(0x378, 0x33);
    kit.out8(0x37a, 0x01); // STROBE with nINIT low
    expect(kit.consoleBytes).toEqual([0x31]);
    expect(lpt.bytesPrinted).toBe(1);
  });

  it("reads back DATA's latch and CONTROL's six bits; STATUS ignores writes", () => {
    const kit = new DeviceTestKit();
    install(kit);
    kit.out8(0x378, 0xa5);
    kit.out8(0x37a, 0xff);
    kit.out8(0x379, 0x00);
    expect(kit.in8(0x378)).toBe(0xa5);
    expect(kit.in8(0x37a)).toBe(0x3f); // bits 6-7 hard-wired low
    expect(kit.in8(0x379) & 0x18).toBe(0x18); // selected, no error
  });

  it("takes its port, IRQ and timing from options, and names a bad one", () => {
    const kit = new DeviceTestKit();
    install(kit, { port: 0x278, irq: 5, busyNs: 1000, ackNs: 500 });
    kit.out8(0x278, 0x43);
    kit.out8(0x27a, 0x1d);
    kit.advanceNs(1500);
    expect(kit.consoleBytes).toEqual([0x43]);
    expect(kit.irqEvents[0]?.line).toBe(5);
    expect(() => kit.options(parallelPortPlugin, { port: 0xfffe })).toThrow(/device 'lpt': option 'port': expected a port number 0\.\.0xFFFD/);
    expect(() => kit.options(parallelPortPlugin, { ackNs: 0 })).toThrow(/option 'ackNs'/);
  });

  // #region test-state
  it("carries a byte in flight through saveState/loadState", () => {
    const a = new DeviceTestKit();
    const first = install(a);
    strobe(a, 0x44, true);
    a.advanceNs(12 * US); // in the acknowledge
    const saved = JSON.parse(JSON.stringify(first.saveState()));

    const b = new DeviceTestKit();
    b.clock.skipTo(a.clock.ticks); // a machine restores its clock before its devices
    install(b).loadState(saved);
    expect(b.in8(0x379) & (NOT_BUSY | NACK)).toBe(0);
    b.advanceNs(3 * US);
    expect(b.irqEvents.map((e) => e.high)).toEqual([true, false]);
    expect(() => install(new DeviceTestKit()).loadState({ ...saved, phase: "jammed" })).toThrow(/^lpt1 state: field 'phase': /);
  });
  // #endregion test-state
});
