import "reflect-metadata";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { BufferSerialBackend, Uart, type UartOptions, uartPlugin } from "../src/index.js";

/** A TSC rate at which one bit at divisor 1 (115200 baud) is exactly 10,000 ticks. */
export const HZ = 1_152_000_000;
/** Ticks of one bit and of one 8N1 character at divisor 1. */
export const BIT = 10_000;
export const CHAR = 10 * BIT;

export const COM1 = 0x3f8;
export const THR = COM1,
  RBR = COM1,
  IER = COM1 + 1,
  IIR = COM1 + 2,
  FCR = COM1 + 2,
  LCR = COM1 + 3,
  MCR = COM1 + 4,
  LSR = COM1 + 5,
  MSR = COM1 + 6,
  SCR = COM1 + 7;

export interface Bench {
  kit: DeviceTestKit;
  uart: Uart;
  host: BufferSerialBackend;
  /** Moves virtual time to absolute tick `t`, firing timers on the way. */
  at(t: number): void;
  in(port: number): number;
  out(port: number, value: number): void;
  /** Sets the divisor latch (and leaves DLAB clear with LCR = `lcr`). */
  divisor(d: number, lcr?: number): void;
  /** Ticks at which the IRQ line rose, after tick `after`. */
  rises(after?: number): number[];
}

export function bench(options: Partial<UartOptions> = {}, hz = HZ): Bench {
  const kit = new DeviceTestKit({ clock: { tscHz: hz } });
  const uart = kit.install(new Uart("uart", kit.options(uartPlugin, options), kit.clock, kit.console));
  const host = new BufferSerialBackend();
  uart.setBackend(host);
  const b: Bench = {
    kit,
    uart,
    host,
    at(t) {
      if (t < kit.clock.ticks) throw new Error(`test asked to go back in time to ${t}`);
      kit.advanceTicks(t - kit.clock.ticks);
    },
    in: (port) => kit.in8(port),
    out: (port, value) => kit.out8(port, value),
    divisor(d, lcr = 0x03) {
      kit.out8(LCR, 0x80 | lcr);
      kit.out8(COM1, d & 0xff);
      kit.out8(COM1 + 1, d >> 8);
      kit.out8(LCR, lcr);
    },
    rises(after = -1) {
      return kit.irqEvents.filter((e) => e.high && e.tick > after).map((e) => e.tick);
    },
  };
  return b;
}

/** The seeded generator the fuzz tests use (from the SDK's testing kit). */
export { prng } from "@ringlab/sdk/testing";
