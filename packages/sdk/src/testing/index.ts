import type { AccessWidth } from "../access.js";
import { Bus } from "../bus.js";
import { type ClockOptions, VirtualClock } from "../clock/virtual-clock.js";
import type { Device } from "../device/device.js";
import { type DevicePlugin, parseDeviceOptions } from "../device/device-plugin.js";
import type { IrqSink } from "../irq/irq-lines.js";
import { type ConsoleSink, type RunControl } from "../tokens.js";
import { A20GateInputs } from "../memory/a20-gate.js";
import { PciBus } from "../pci/pci-bus.js";

/** One recorded IRQ level change. */
export interface IrqEvent {
  line: number;
  high: boolean;
  /** TSC tick at which it happened. */
  tick: number;
}

/**
 * A bus and a clock a test drives by hand, with no CPU: a device plugin author builds the
 * device on it, pokes ports and memory as a guest would, and moves virtual time forward.
 *
 * ```ts
 * const kit = new DeviceTestKit();
 * const pit = kit.install(new Pit("pit", kit.clock, { irq: 0 }));
 * kit.out8(0x43, 0x34);           // channel 0, mode 2, LSB then MSB
 * kit.out8(0x40, 100); kit.out8(0x40, 0);
 * kit.advanceTicks(1_000_000);    // fire every timer due in that time
 * expect(kit.irqEvents.filter((e) => e.high).length).toBe(...);
 * ```
 */
export class DeviceTestKit {
  readonly bus: Bus;
  readonly clock: VirtualClock;
  /** Every IRQ level change seen, in order, when no device connected as controller. */
  readonly irqEvents: IrqEvent[] = [];
  /** Bytes written to the console sink. */
  readonly consoleBytes: number[] = [];
  /** Exit requests made through the run-control sink. */
  readonly exitRequests: { status: number; reason: string }[] = [];
  /** Reset requests made through the run-control sink (their reasons), in order. */
  readonly resetRequests: string[] = [];
  /** The A20 gate of the kit's memory map, for a device that drives it (`bus.memory.a20Enabled` shows it). */
  readonly a20: A20GateInputs;
  /** The kit's PCI bus 0, for PCI device plugins (what `@inject(PCI_BUS)` gives in a machine). */
  readonly pci: PciBus;

  /** A console sink that records into {@link consoleBytes}. */
  readonly console: ConsoleSink = { write: (b) => this.consoleBytes.push(...b) };
  /** A run-control sink that records into {@link exitRequests}. */
  readonly runControl: RunControl = {
    requestExit: (status, reason) => this.exitRequests.push({ status, reason }),
    requestReset: (reason) => this.resetRequests.push(reason),
  };

  private recorderConnected = false;

  constructor(options: { ramSize?: number; clock?: ClockOptions; recordIrqs?: boolean } = {}) {
    this.bus = new Bus({ ramSize: options.ramSize ?? 1 << 20 });
    this.bus.memory.mapRam("ram", 0, this.bus.memory.ram8.length);
    this.a20 = new A20GateInputs(this.bus.memory);
    this.pci = new PciBus(this.bus);
    this.clock = new VirtualClock(options.clock);
    if (options.recordIrqs !== false) {
      const sink: IrqSink = { setIrqLevel: (line, high) => this.irqEvents.push({ line, high, tick: this.clock.ticks }) };
      this.bus.irqs.connect("test-kit", sink);
      this.recorderConnected = true;
    }
  }

  /** Attaches and resets `device`, then returns it. */
  install<D extends Device>(device: D): D {
    device.attach(this.bus);
    device.reset();
    return device;
  }

  /** Validates `options` with the plugin's schema, as the machine would. */
  options<O>(plugin: DevicePlugin<O>, options: unknown = {}): O {
    return parseDeviceOptions(plugin, options);
  }

  /** Whether IRQ changes are recorded (false when the test lets a PIC connect instead). */
  get recordingIrqs(): boolean {
    return this.recorderConnected;
  }

  in8(port: number): number {
    return this.bus.ports.read(port, 1);
  }
  in16(port: number): number {
    return this.bus.ports.read(port, 2);
  }
  in32(port: number): number {
    return this.bus.ports.read(port, 4);
  }
  out8(port: number, value: number): void {
    this.bus.ports.write(port, 1, value);
  }
  out16(port: number, value: number): void {
    this.bus.ports.write(port, 2, value);
  }
  out32(port: number, value: number): void {
    this.bus.ports.write(port, 4, value);
  }

  read(addr: number, width: AccessWidth = 1): number {
    return this.bus.memory.read(addr, width);
  }
  write(addr: number, value: number, width: AccessWidth = 1): void {
    this.bus.memory.write(addr, width, value);
  }

  /**
   * Moves virtual time forward by `ticks` TSC ticks, stopping at each timer deadline on the
   * way to fire it, exactly as the machine loop does between instruction slices.
   */
  advanceTicks(ticks: number): void {
    const end = this.clock.ticks + ticks;
    for (;;) {
      const next = this.clock.nextDeadline();
      if (next > end) break;
      this.clock.skipTo(next);
      this.clock.runDueTimers();
    }
    this.clock.skipTo(end);
  }

  /** {@link advanceTicks} in virtual nanoseconds. */
  advanceNs(ns: number): void {
    this.advanceTicks(this.clock.nsToTicks(ns));
  }
}

/**
 * A small seeded pseudo-random generator (mulberry32) returning numbers in [0, 1): what a
 * device's fuzz test drives its port sequences with, so a failing sequence replays exactly.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
