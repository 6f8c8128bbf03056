import "reflect-metadata";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Rtc, type RtcOptions, rtcPlugin } from "../src/index.js";

/** A TSC rate at which one 32.768 kHz oscillator cycle is exactly 32,000 ticks. */
export const HZ = 1_048_576_000;
export const CYCLE = 32_000;
export const SECOND = 32_768 * CYCLE;

export interface Bench {
  kit: DeviceTestKit;
  rtc: Rtc;
  at(t: number): void;
  /** Reads CMOS register `index` through ports 0x70/0x71. */
  get(index: number): number;
  set(index: number, value: number): void;
  /** Ticks at which IRQ 8 rose after tick `after`. */
  rises(after?: number): number[];
}

export function bench(options: Partial<RtcOptions> = {}, kitOptions: { ramSize?: number } = {}): Bench {
  const kit = new DeviceTestKit({ clock: { tscHz: HZ }, ...kitOptions });
  const rtc = kit.install(new Rtc("rtc", kit.options(rtcPlugin, options), kit.clock));
  return {
    kit,
    rtc,
    at(t) {
      if (t < kit.clock.ticks) throw new Error(`test asked to go back in time to ${t}`);
      kit.advanceTicks(t - kit.clock.ticks);
    },
    get(index) {
      kit.out8(0x70, index);
      return kit.in8(0x71);
    },
    set(index, value) {
      kit.out8(0x70, index);
      kit.out8(0x71, value);
    },
    rises(after = -1) {
      return kit.irqEvents.filter((e) => e.high && e.tick > after).map((e) => e.tick);
    },
  };
}

/** Seconds, minutes, hours, day of week, date, month, year, century as the registers hold them. */
export function clockBytes(b: Bench): number[] {
  return [0, 2, 4, 6, 7, 8, 9, 0x32].map((i) => b.get(i));
}

/** The seeded generator the fuzz tests use (from the SDK's testing kit). */
export { prng } from "@ringlab/sdk/testing";
