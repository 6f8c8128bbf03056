import "reflect-metadata";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { Pit, type PitOptions, pitPlugin } from "../src/index.js";

/** The PIT input clock, as BigInt, for reference arithmetic independent of src/pit-clock.ts. */
export const F = 1_193_182n;
/** A TSC rate at which one PIT clock is exactly 1000 ticks. */
export const EXACT_HZ = 1_193_182_000;

/** Reference: the first TSC tick at which PIT edge k has happened, ceil(k × hz / F). */
export function refTick(k: number, hz: number): number {
  return Number((BigInt(k) * BigInt(hz) + F - 1n) / F);
}

/** Reference: PIT edges by TSC tick t, floor(t × F / hz). */
export function refEdge(t: number, hz: number): number {
  return Number((BigInt(t) * F) / BigInt(hz));
}

export interface Bench {
  kit: DeviceTestKit;
  pit: Pit;
  hz: number;
  /** Moves virtual time to absolute tick `t` (firing timers on the way). */
  at(t: number): void;
  /** Moves time to the first tick of PIT edge `k`. */
  atEdge(k: number): void;
  /** The PIT edge of the current tick. */
  edge(): number;
  /** Read-back status of channel `ch` (latches and reads it). */
  status(ch: number): number;
  /** Counter latch command then LSB, MSB reads (two-byte access mode). */
  latch16(ch: number): number;
  /** OUT2 as port 0x61 bit 5 shows it. */
  out2(): boolean;
  /** IRQ events after tick `after`. */
  irqAfter(after: number): { high: boolean; tick: number }[];
}

export function bench(hz = EXACT_HZ, options: Partial<PitOptions> = {}): Bench {
  const kit = new DeviceTestKit({ clock: { tscHz: hz } });
  const pit = kit.install(new Pit("pit", kit.options(pitPlugin, options), kit.clock));
  const b: Bench = {
    kit,
    pit,
    hz,
    at(t) {
      if (t < kit.clock.ticks) throw new Error(`test asked to go back in time to ${t}`);
      kit.advanceTicks(t - kit.clock.ticks);
    },
    atEdge(k) {
      b.at(refTick(k, hz));
    },
    edge() {
      return refEdge(kit.clock.ticks, hz);
    },
    status(ch) {
      kit.out8(0x43, 0xe0 | (2 << ch));
      return kit.in8(0x40 + ch);
    },
    latch16(ch) {
      kit.out8(0x43, ch << 6);
      const lo = kit.in8(0x40 + ch);
      return lo | (kit.in8(0x40 + ch) << 8);
    },
    out2() {
      return (kit.in8(0x61) & 0x20) !== 0;
    },
    irqAfter(after) {
      return kit.irqEvents.filter((e) => e.tick > after).map((e) => ({ high: e.high, tick: e.tick }));
    },
  };
  return b;
}

/** Writes a control word then a 16-bit count, LSB first. */
export function program(b: Bench, ch: number, control: number, count: number): void {
  b.kit.out8(0x43, control);
  b.kit.out8(0x40 + ch, count & 0xff);
  b.kit.out8(0x40 + ch, (count >> 8) & 0xff);
}

/** The seeded generator the fuzz tests use (from the SDK's testing kit). */
export { prng } from "@ringlab/sdk/testing";
