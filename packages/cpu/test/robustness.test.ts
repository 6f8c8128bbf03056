import { describe, expect, it } from "vitest";
import { installIdt, machine, setGate } from "./harness.js";

/** xorshift32: deterministic pseudo-random bytes. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  };
}

describe("robustness", () => {
  it("random byte streams never make run() throw (every event claimed by the hook)", () => {
    const rnd = prng(0x5eed);
    let stops = 0;
    const m = machine([]);
    m.cpu.exitHook = () => true;
    for (let round = 0; round < 400; round++) {
      m.ram.fill(0, 0, 0x10000);
      m.ram.set(Array.from({ length: 64 }, rnd), 0x1000);
      m.cpu.setFlat32(0x1000);
      for (let r = 0; r < 8; r++) m.cpu.setReg32(r, (rnd() << 24) | (rnd() << 16) | (rnd() << 8) | rnd());
      m.cpu.setReg32(4, 0x8000);
      m.cpu.setEflags(rnd() & 0xd5);
      expect(() => {
        for (let k = 0; k < 20; k++) {
          const s = m.cpu.run(50);
          stops++;
          if (s.kind !== "budget") {
            if (s.kind === "shutdown") break;
            // Skip the faulting instruction's first byte and go on, like a crude monitor.
            m.cpu.eip = (m.cpu.eip + 1) >>> 0;
            m.cpu.halted = false;
          }
        }
      }).not.toThrow();
    }
    expect(stops).toBeGreaterThan(400);
  });

  it("random byte streams with a real IDT end in a handler, a halt, a budget stop or a shutdown", () => {
    const rnd = prng(0xc0ffee);
    const m = machine([]);
    for (let round = 0; round < 200; round++) {
      m.ram.fill(0, 0, 0x10000);
      m.ram.set(Array.from({ length: 48 }, rnd), 0x1000);
      m.cpu.setFlat32(0x1000);
      installIdt(m);
      m.ram[0x1800] = 0xf4; // every vector: hlt
      for (let v = 0; v < 256; v++) setGate(m, v, 0x1800);
      m.cpu.setReg32(4, 0x8000);
      const s = m.cpu.run(200);
      expect(["budget", "halt", "shutdown"]).toContain(s.kind);
    }
  });
});
