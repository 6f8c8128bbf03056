/**
 * `@ringlab/sdk/testing`: a bus and a clock with no CPU ({@link DeviceTestKit}), for testing
 * a device plugin alone as a guest would drive it, and a seeded generator ({@link prng}) for
 * its fuzz tests.
 *
 * @module @ringlab/sdk/testing
 */
import type { AccessHandlers, AccessWidth } from "../access.js";
import type { DeviceError } from "../device/device-error.js";
import type { MemoryMap } from "../memory/memory-map.js";
import { Bus } from "../bus.js";
import { type ClockOptions, VirtualClock } from "../clock/virtual-clock.js";
import type { Device } from "../device/device.js";
import { type DevicePlugin, parseDeviceOptions } from "../device/device-plugin.js";
import type { IrqSink } from "../irq/irq-lines.js";
import { type ConsoleSink, type RunControl } from "../tokens.js";
import { A20GateInputs } from "../memory/a20-gate.js";
import { PciBus } from "../pci/pci-bus.js";

/** How to build a {@link DeviceTestKit}; every field is optional. */
export interface DeviceTestKitOptions {
  /** Bytes of RAM, mapped at physical address 0: a positive multiple of 4 KiB. Default 1 MiB. */
  ramSize?: number;
  /** The clock's options; default a 1 GHz TSC (one tick per virtual nanosecond). */
  clock?: ClockOptions;
  /**
   * Whether the kit connects its IRQ recorder ({@link DeviceTestKit.irqEvents}) as the sink of
   * the IRQ lines. Default true; false leaves them for an interrupt controller device (a PIC)
   * to connect to, as only one sink may.
   */
  recordIrqs?: boolean;
}

/** One recorded IRQ level change. */
export interface IrqEvent {
  /** The IRQ line that changed, 0..15 on the kit's 16-line board. */
  line: number;
  /** Its new level: true when the device raised it, false when it lowered it. A pulse of a low line records both. */
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
  /**
   * The bus the device attaches to: `ramSize` bytes of RAM mapped at address 0 (owner
   * `"ram"`), no ports claimed, 16 IRQ lines, no interrupt controller until the test installs one.
   */
  readonly bus: Bus;
  /**
   * The virtual clock, at tick 0 when the kit is made; with no CPU, the kit moves it only
   * in {@link advanceTicks}/{@link advanceNs}. Give it to a device that takes `@inject(CLOCK)`.
   */
  readonly clock: VirtualClock;
  /**
   * Every IRQ level change, in order, with the tick it happened at — recorded unless the kit
   * was made with `recordIrqs: false` (which leaves the lines free for a PIC to connect).
   * Only changes are seen: raising a line already high records nothing.
   */
  readonly irqEvents: IrqEvent[] = [];
  /** Bytes written to the console sink. */
  readonly consoleBytes: number[] = [];
  /** Exit requests made through the run-control sink, in order. */
  readonly exitRequests: {
    /** The exit status the device asked for. */
    status: number;
    /** Its reason, as the device gave it. */
    reason: string;
  }[] = [];
  /** Reset requests made through the run-control sink (their reasons), in order. */
  readonly resetRequests: string[] = [];
  /** The A20 gate of the kit's memory map, for a device that drives it (`bus.memory.a20Enabled` shows it). */
  readonly a20: A20GateInputs;
  /** The kit's PCI bus 0, for PCI device plugins (what `@inject(PCI_BUS)` gives in a machine). */
  readonly pci: PciBus;

  /** A console sink that records into {@link consoleBytes}. */
  readonly console: ConsoleSink = { write: (b) => this.consoleBytes.push(...b) };
  /** A run-control sink that records into {@link exitRequests} and {@link resetRequests}. */
  readonly runControl: RunControl = {
    requestExit: (status, reason) => this.exitRequests.push({ status, reason }),
    requestReset: (reason) => this.resetRequests.push(reason),
  };

  private recorderConnected = false;

  /** A kit as {@link DeviceTestKitOptions} says; with none, 1 MiB of RAM, a 1 GHz clock and IRQ recording on. */
  constructor(options: DeviceTestKitOptions = {}) {
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

  /**
   * What a guest `IN AL, DX` from `port` reads: the owner's 8-bit handler's value, or 0xFF
   * (counted as unclaimed) when nothing serves it. An `Error` the handler throws comes out
   * as a {@link DeviceError}.
   */
  in8(port: number): number {
    return this.bus.ports.read(port, 1);
  }
  /**
   * A guest `IN AX, DX`: 0..0xFFFF, little-endian (the byte at `port` in bits 7:0), served
   * as {@link AccessHandlers} describes — whole, split into byte reads at `port` and
   * `port + 1`, or all-ones.
   */
  in16(port: number): number {
    return this.bus.ports.read(port, 2);
  }
  /** A guest `IN EAX, DX`: 0..0xFFFFFFFF, little-endian, whole or split into 16-bit (and byte) reads like {@link in16}. */
  in32(port: number): number {
    return this.bus.ports.read(port, 4);
  }
  /** A guest `OUT DX, AL`: writes the low 8 bits of `value` to `port` (dropped and counted when nothing serves it). */
  out8(port: number, value: number): void {
    this.bus.ports.write(port, 1, value);
  }
  /** A guest `OUT DX, AX`: writes the low 16 bits of `value`, little-endian, whole or split like {@link in16}. */
  out16(port: number, value: number): void {
    this.bus.ports.write(port, 2, value);
  }
  /** A guest `OUT DX, EAX`: writes `value` as 32 bits, little-endian, whole or split like {@link in32}. */
  out32(port: number, value: number): void {
    this.bus.ports.write(port, 4, value);
  }

  /**
   * A guest read of `width` bytes (default 1) at physical `addr`, little-endian, through the
   * memory map: RAM, a device's MMIO handlers, or all-ones where nothing is mapped.
   */
  read(addr: number, width: AccessWidth = 1): number {
    return this.bus.memory.read(addr, width);
  }
  /**
   * A guest write of `value` as `width` bytes (default 1) at physical `addr`, little-endian.
   * Note the order: value before width, unlike {@link MemoryMap.write}.
   */
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
