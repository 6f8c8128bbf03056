import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { KEY, i8042Registers as R } from "../src/index.js";
import { type Bench, bench, prng } from "./helpers.js";

const KEYS = Object.values(KEY);

/** One random guest or host action; returns what a read returned (or -1). */
function step(b: Bench, rnd: () => number): number {
  const r = rnd();
  const byte = Math.floor(rnd() * 256);
  if (r < 0.25) return b.kit.in8(0x60);
  if (r < 0.4) return b.kit.in8(0x64);
  if (r < 0.6) b.kit.out8(0x60, byte);
  else if (r < 0.8) b.kit.out8(0x64, rnd() < 0.5 ? byte : [0x20, 0x60, 0xa7, 0xa8, 0xa9, 0xaa, 0xad, 0xae, 0xd1, 0xd2, 0xd3, 0xd4][byte % 12]!);
  else if (r < 0.85) b.kit.out8(0x92, byte);
  else if (r < 0.88) return b.kit.in8(0x92);
  else if (r < 0.95) b.kbc.keyboard.key(KEYS[byte % KEYS.length]!, rnd() < 0.5);
  else b.kbc.mouse?.move(byte - 128, Math.floor(rnd() * 600) - 300, byte & 7);
  return -1;
}

describe("fuzz: random port sequences", () => {
  it("never throw, never show IBF, and keep the IRQ lines equal to what the status and command byte say", { timeout: 30_000 }, () => {
    for (const mouse of [false, true]) {
      for (let seed = 1; seed <= 12; seed++) {
        const b = bench({ mouse });
        const rnd = prng(seed * 7919 + (mouse ? 1 : 0));
        const level = [false, false];
        let seen = 0;
        for (let i = 0; i < 2000; i++) {
          step(b, rnd);
          for (const events = b.kit.irqEvents; seen < events.length; seen++) level[events[seen]!.line === 1 ? 0 : 1] = events[seen]!.high;
          const st = b.kit.in8(0x64);
          if (st & R.ST_IBF) expect.fail(`seed ${seed} step ${i}: IBF set`);
          const cb = b.kbc.commandByte;
          const full = (st & R.ST_OBF) !== 0;
          const aux = (st & R.ST_AUX) !== 0;
          if (level[0] !== (full && !aux && (cb & R.CB_KBD_INT) !== 0) || level[1] !== (full && aux && (cb & R.CB_AUX_INT) !== 0)) {
            expect.fail(`seed ${seed} step ${i}: IRQ 1/12 at ${level} with status ${st} and command byte ${cb}`);
          }
        }
      }
    }
  });

  it("a state saved at any point restores to a controller that answers the rest of the sequence identically", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const a = bench({ mouse: true });
      const rnd = prng(seed);
      for (let i = 0; i < 500; i++) step(a, rnd);
      const b = bench({ mouse: true });
      b.kbc.loadState(JSON.parse(JSON.stringify(a.kbc.saveState())));
      b.port92.loadState(JSON.parse(JSON.stringify(a.port92.saveState())));
      const ra = prng(seed + 1000);
      const rb = prng(seed + 1000);
      const outA: number[] = [];
      const outB: number[] = [];
      for (let i = 0; i < 500; i++) {
        outA.push(step(a, ra));
        outB.push(step(b, rb));
      }
      expect(outB).toEqual(outA);
      expect(b.kit.bus.memory.a20Enabled).toBe(a.kit.bus.memory.a20Enabled);
    }
  });
});
