import { describe, expect, it } from "vitest";
import * as fpu from "../../src/fpu/index.js";
import { fsin, fsincos, fptan } from "../../src/fpu/transcendental.js";
import { machine, runToHalt } from "../harness.js";

/**
 * The transcendental instructions through the CPU (exec/fpu.ts): the stack effect, and the
 * condition codes the pure functions report reaching FSW — C1 for the pushing FSINCOS and
 * FPTAN (the host sets it: FSINCOS(1.0) rounds the cosine up), C2 for an out-of-range operand.
 */
const FNINIT = [0xdb, 0xe3];
const FLD1 = [0xd9, 0xe8];
const FLD_M80 = (addr: number) => [0xdb, 0x2d, addr & 0xff, (addr >> 8) & 0xff, 0, 0];
const HLT = [0xf4];
const ONE = fpu.ONE;
const SW_C1 = fpu.C1;
const SW_C2 = fpu.C2;

function run(code: number[], data?: { at: number; value: fpu.F80 }) {
  const m = machine([...FNINIT, ...code, ...HLT]);
  if (data) {
    const bits = fpu.toBits(data.value);
    for (let i = 0; i < 10; i++) m.ram[data.at + i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  }
  runToHalt(m.cpu);
  return m.cpu.fpu;
}

describe("x87 transcendentals in the CPU", () => {
  it("FSINCOS pushes cos over sin and reports C1 (rounded up)", () => {
    const f = run([...FLD1, 0xd9, 0xfb]);
    const p = fsincos(ONE, 0x037f);
    expect(f.st(0)).toEqual(p.second);
    expect(f.st(1)).toEqual(p.first);
    expect(p.sw & SW_C1).toBe(SW_C1);
    expect(f.sw & SW_C1).toBe(SW_C1);
  });

  it("FPTAN pushes 1.0 over tan and takes C1 from the tangent", () => {
    const f = run([...FLD1, 0xd9, 0xf2]);
    const p = fptan(ONE, 0x037f);
    expect(f.st(0)).toEqual(ONE);
    expect(f.st(1)).toEqual(p.first);
    expect(f.sw & SW_C1).toBe(p.sw & SW_C1);
  });

  it("FSIN of 2^63 sets C2 and leaves ST(0) unchanged; an in-range one clears C2", () => {
    const big = fpu.f80(0, 0x3fff + 63, 1n << 63n);
    const f = run([...FLD_M80(0x2000), 0xd9, 0xfe], { at: 0x2000, value: big });
    expect(f.sw & SW_C2).toBe(SW_C2);
    expect(f.st(0)).toEqual(big);
    const g = run([...FLD_M80(0x2000), 0xd9, 0xfe, ...FLD1, 0xd9, 0xfe], { at: 0x2000, value: big });
    expect(g.sw & SW_C2).toBe(0);
    expect(g.st(0)).toEqual(fsin(ONE, 0x037f).value);
  });
});
