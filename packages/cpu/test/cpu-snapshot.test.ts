import { describe, expect, it } from "vitest";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu } from "../src/index.js";
import { CODE, machine, rd32 } from "./harness.js";

/** A second CPU on its own bus and clock, given `from`'s RAM and clock state. */
function twin(from: { bus: Bus; clock: VirtualClock }): { cpu: Cpu; bus: Bus; clock: VirtualClock } {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  bus.memory.ram8.set(from.bus.memory.ram8);
  const clock = new VirtualClock();
  clock.loadState(from.clock.saveState());
  return { cpu: new Cpu(bus, clock), bus, clock };
}

describe("Cpu.saveState / loadState", () => {
  it("a CPU restored mid-loop runs on exactly as the original (registers, lazy flags, x87, REP)", () => {
    // A loop of ALU (lazy flags) and x87 work, then a REP STOSB, then HLT.
    const code = [
      0xb9, 50, 0, 0, 0, // mov ecx, 50
      0xd9, 0xee, // fldz
      0x01, 0xc8, // l: add eax, ecx
      0xd9, 0xe8, // fld1
      0xde, 0xc1, // faddp st1, st0
      0xe2, 0xf8, // loop l
      0xbf, 0x00, 0x30, 0, 0, // mov edi, 0x3000
      0xb9, 40, 0, 0, 0, // mov ecx, 40
      0xb0, 0x5a, // mov al, 0x5a
      0xf3, 0xaa, // rep stosb
      0xf4, // hlt
    ];
    const total = machine(code);
    const whole = total.cpu.run(10_000);
    expect(whole.kind).toBe("halt");
    const wholeState = total.cpu.saveState();
    const retired = total.clock.instructions;
    // Split at every instruction boundary, including inside the REP STOSB.
    for (let n = 1; n < retired; n += 9) {
      const a = machine(code);
      a.cpu.run(n);
      const saved = JSON.parse(JSON.stringify(a.cpu.saveState()));
      const b = twin(a);
      b.cpu.loadState(saved);
      expect(b.cpu.saveState(), `restored at ${n}`).toEqual(saved);
      expect(b.cpu.run(10_000 - n).kind).toBe("halt");
      const { recent: _r, recentNext: _n, ...endB } = b.cpu.saveState();
      const { recent: _r2, recentNext: _n2, ...endWhole } = wholeState;
      expect(endB, `split at ${n}`).toEqual(endWhole);
      expect(b.clock.instructions).toBe(retired);
      expect(Buffer.from(b.bus.memory.ram8).equals(Buffer.from(total.bus.memory.ram8)), `RAM, split at ${n}`).toBe(true);
    }
  });

  it("FIP is the x87 instruction's own offset also when it runs from the decoded cache", () => {
    // l: fld1 (at CODE+5); fstp st0; dec ecx; jnz l; fnstenv [0x2000]; hlt — the second pass
    // runs fld1/fstp from the cache; FIP must be fstp's offset, not the last decoded one's.
    const code = [0xb9, 2, 0, 0, 0, 0xd9, 0xe8, 0xdd, 0xd8, 0x49, 0x75, 0xf9, 0xd9, 0x35, 0x00, 0x20, 0, 0, 0xf4];
    const m = machine(code);
    expect(m.cpu.run(100).kind).toBe("halt");
    expect(rd32(m, 0x2000 + 12)).toBe(CODE + 7);
  });

  it("refuses a state during a run and one it did not write", () => {
    const m = machine([0xf4]);
    expect(() => m.cpu.loadState(null)).toThrow("cpu state: field '(root)': expected an object");
    expect(() => m.cpu.loadState({ version: 1 })).toThrow("cpu state: field 'arch': expected an object");
    const s = m.cpu.saveState();
    expect(() => m.cpu.loadState({ ...s, pending: 64 })).toThrow("cpu state: field 'pending'");
    expect(() => m.cpu.loadState({ ...s, shutdown: 3 })).toThrow("cpu state: field 'shutdown': expected null or a reason");
  });

  it("keeps a shut-down CPU shut down and a halted one halted", () => {
    const m = machine([0xfa, 0xf4]); // cli; hlt
    m.cpu.run(10);
    const b = twin(m);
    b.cpu.loadState(m.cpu.saveState());
    expect(b.cpu.halted).toBe(true);
    expect(b.cpu.run(10).kind).toBe("halt");
  });
});
