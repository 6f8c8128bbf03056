import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { isRinglabError } from "@ringlab/sdk";
import { setup } from "./helpers.js";

/** A small deterministic PRNG (xorshift32), so the sequence is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe("robustness", () => {
  it("no sequence of port and memory accesses throws, and the renderers only throw one-line errors", { timeout: 60_000 }, () => {
    for (const seed of [1, 2, 3, 0xdeadbeef]) {
      const { kit, vga } = setup();
      const r = rng(seed);
      for (let i = 0; i < 10000; i++) {
        const port = 0x3b0 + r(0x30);
        const addr = 0xa0000 + r(0x20000);
        const width = ([1, 2, 4] as const)[r(3)]!;
        const value = r(0x100000000);
        switch (r(4)) {
          case 0:
            kit.bus.ports.write(port, width, value);
            break;
          case 1:
            kit.bus.ports.read(port, width);
            break;
          case 2:
            kit.bus.memory.write(addr, width, value);
            break;
          default:
            kit.bus.memory.read(addr, width);
        }
        if (i % 2500 === 0) {
          for (const render of [() => vga.screenText(), () => vga.screenAnsi(), () => vga.screenImage()]) {
            try {
              render();
            } catch (e) {
              expect(isRinglabError(e)).toBe(true);
              expect((e as Error).message).not.toContain("\n");
            }
          }
          const saved = JSON.parse(JSON.stringify(vga.saveState()));
          vga.loadState(saved);
        }
      }
    }
  });
});
