import { describe, expect, it } from "vitest";
import { conditionExpr, KNOWN_SBB } from "../../src/jit/flag-conditions.js";
import { CC_ADD, CC_DEC, CC_INC, CC_LOGIC, CC_MUL, CC_SHL, CC_SHR, CC_SUB, testCondition } from "../../src/state/lazy-flags.js";
import { CODE, runCode } from "./jit-machine.js";
import { Rng } from "./random-blocks.js";

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe("JIT flag conditions", () => {
  // Each inline condition must equal the reference formulas of state/lazy-flags.ts.
  const ops: [string, number, (a: number, b: number) => [number, number, number, number]][] = [
    ["SUB", CC_SUB, (a, b) => [a, b, (a - b) | 0, 0]],
    // SBB records CC_SUB with the borrow folded into the result: fr = fa - fb - 1.
    ["SBB", KNOWN_SBB, (a, b) => [a, b, (a - b - 1) | 0, 0]],
    ["ADD", CC_ADD, (a, b) => [a, b, (a + b) | 0, 0]],
    ["LOGIC", CC_LOGIC, (a, b) => [a, b, a & b, 0]],
    ["SHL", CC_SHL, (a) => [a, 0, a << 1, 0]],
    ["SHR", CC_SHR, (a) => [a, 0, a >> 1, 0]],
    ["INC", CC_INC, (a, b) => [a, 1, (a + 1) | 0, b & 1]],
    ["DEC", CC_DEC, (a, b) => [a, 1, (a - 1) | 0, b & 1]],
    ["MUL", CC_MUL, (a, b) => [a & 1, 0, b, 0]],
  ];
  for (const [name, ccOp, make] of ops) {
    it(`${name}: all 16 conditions agree with testCondition`, () => {
      const rng = new Rng(0xc0de + ccOp);
      const edge = [0, 1, -1, 0x7fffffff, -0x80000000, 2, 0x80, 0xff];
      for (let cc = 0; cc < 16; cc++) {
        const expr = conditionExpr(ccOp, cc);
        expect(expr, `${name} cc ${cc}`).not.toBeNull();
        const f = new Function("fa", "fb", "fr", "ff", "PARITY", `return ${expr};`) as (...a: unknown[]) => boolean;
        const parity = new Uint8Array(256).map((_, i) => ((i.toString(2).match(/1/g)?.length ?? 0) % 2 === 0 ? 1 : 0));
        for (let k = 0; k < 400; k++) {
          const a = k < 64 ? edge[k & 7]! : rng.next() | 0;
          const b = k < 64 ? edge[k >> 3]! : rng.next() | 0;
          const [fa, fb, fr, ff] = make(a, b);
          const ref = testCondition({ ccOp: ccOp === KNOWN_SBB ? CC_SUB : ccOp, ccA: fa, ccB: fb, ccRes: fr, ccFlags: ff }, cc);
          expect(f(fa, fb, fr, ff, parity), `${name} cc ${cc} a=${a} b=${b}`).toBe(ref);
        }
      }
    });
  }
});

describe("JIT conditions after every flag-setting ALU operation", () => {
  // Exhaustive where random blocks are thin: each ADD/ADC/SUB/SBB/CMP/AND on edge operands
  // with CF in 0 and 1, then each of the 16 Jcc (a block of its own: mov, mov, op, jcc, mov),
  // against the interpreter. Equal and boundary operands are where a borrow or carry in
  // decides the condition.
  const EDGES = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff];
  const OPS: [string, number][] = [["add", 0x01], ["adc", 0x11], ["sub", 0x29], ["sbb", 0x19], ["cmp", 0x39], ["and", 0x21]];
  for (const [name, opcode] of OPS) {
    it(`${name} eax,ebx then every Jcc`, () => {
      for (const cf of [0, 1])
        for (const a of EDGES)
          for (const b of EDGES)
            for (let cc = 0; cc < 16; cc++) {
              // mov eax,a; mov ebx,b; op eax,ebx; jcc +5; mov ecx,1 (CF comes in through EFLAGS)
              const code = [0xb8, ...le32(a), 0xbb, ...le32(b), opcode, 0xd8, 0x70 + cc, 0x05, 0xb9, ...le32(1)];
              const regs = [0, 0, 0, 0, 0, 0, 0, 0, cf];
              const x = runCode("interp", code, regs);
              const y = runCode("jit", code, regs);
              expect(y.regs[1], `${name} ${a.toString(16)},${b.toString(16)} cf ${cf} cc ${cc}`).toBe(x.regs[1]);
              expect(y.eflags, `${name} ${a.toString(16)},${b.toString(16)} cf ${cf} cc ${cc}`).toBe(x.eflags);
            }
    });
  }
});

describe("JIT blocks keep the interpreter's properties", () => {
  it("a condition after SBB sees its borrow in (Linux's 64-bit compare: cmp; sbb; jae)", () => {
    // cmp eax,esi; mov ebx,edx; sbb ebx,edi; jae +5; mov ecx,1 — 0x11000:0 < 0x4000000:0,
    // so SBB computes 0 - 0 - 1 and borrows: JAE must fall through.
    const code = [0x39, 0xf0, 0x89, 0xd3, 0x19, 0xfb, 0x73, 0x05, 0xb9, ...le32(1)];
    const regs = [0x11000, 0, 0, 0, 0, 0, 0x4000000, 0, 0];
    const a = runCode("interp", code, regs);
    const b = runCode("jit", code, regs);
    expect(b.blocks).toBeGreaterThan(0);
    expect(a.regs[1]).toBe(1);
    expect(b.regs).toEqual(a.regs);
  });

  it("a page fault inside a block is precise: EIP, registers and count at the faulting instruction", () => {
    // mov eax,1; mov ebx,2; mov [0x30000],eax (not present); mov ecx,3; hlt
    const code = [0xb8, ...le32(1), 0xbb, ...le32(2), 0xa3, ...le32(0x30000), 0xb9, ...le32(3)];
    const setup = (cpu: import("../../src/index.js").Cpu, bus: import("@ringlab/sdk").Bus) => {
      const pd = 0x90000;
      const pt = 0x91000;
      for (let k = 0; k < 1024; k++) bus.memory.write(pt + 4 * k, 4, k === 0x30 ? 0 : ((k << 12) | 3) >>> 0);
      bus.memory.write(pd, 4, pt | 3);
      cpu.cr3 = pd;
      cpu.writeCr0(cpu.cr0 | 0x80000000);
    };
    const regs = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const a = runCode("interp", code, regs, { setup });
    const b = runCode("jit", code, regs, { setup });
    expect(b.blocks).toBeGreaterThan(0);
    expect(a.events).toEqual([`2 fault 14 ${(CODE + 10).toString(16)} 2`]);
    expect(b.events).toEqual(a.events);
    expect(b.eip).toBe(CODE + 10);
    expect(b.regs.slice(0, 4)).toEqual([1, 0, 0, 2]);
    expect(b.instructions).toBe(2);
    expect(b.regs).toEqual(a.regs);
    expect(b.eflags).toBe(a.eflags);
  });

  it("self-modifying code: a store into the block's own code takes effect at the next instruction", () => {
    // start: mov ecx,5; add ebx,ecx; mov dword [start+1],7; dec edx; jnz start; hlt
    const code = [0xb9, ...le32(5), 0x01, 0xcb, 0xc7, 0x05, ...le32(CODE + 1), ...le32(7), 0x4a, 0x75, 0x100 - 20];
    const regs = [0, 0, 3, 0, 0, 0, 0, 0, 0];
    const a = runCode("interp", code, regs);
    const b = runCode("jit", code, regs);
    expect(a.regs[3]).toBe(5 + 7 + 7);
    expect(b.regs).toEqual(a.regs);
    expect(b.instructions).toBe(a.instructions);
    expect(b.blocks).toBeGreaterThan(1);
  });

  it("a store into the next instruction of the same block is seen by it", () => {
    // mov dword [next+1], 9; next: mov ecx, 5; hlt
    const code = [0xc7, 0x05, ...le32(CODE + 10 + 1), ...le32(9), 0xb9, ...le32(5)];
    const a = runCode("interp", code, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const b = runCode("jit", code, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(a.regs[1]).toBe(9);
    expect(b.regs[1]).toBe(9);
    expect(b.instructions).toBe(a.instructions);
  });

  it("CMP + Jcc compiles to an inline comparison, not a call", async () => {
    const { Bus, VirtualClock } = await import("@ringlab/sdk");
    const { Cpu } = await import("../../src/index.js");
    const bus = new Bus({ ramSize: 1 << 20 });
    bus.memory.mapRam("ram", 0, 1 << 20);
    const cpu = new Cpu(bus, new VirtualClock());
    cpu.setEngine("jit", 1);
    // loop: inc eax; cmp eax, 100; jl loop; hlt
    bus.memory.ram8.set([0x40, 0x83, 0xf8, 100, 0x7c, 0x100 - 6, 0xf4], CODE);
    cpu.setFlat32(CODE);
    cpu.run(1000);
    expect(cpu.getReg32(0)).toBe(100);
    const insn = cpu.cachedInstruction(CODE) as unknown as { jit: { source: string; count: number } };
    expect(insn.jit.count).toBe(3);
    expect(insn.jit.source).toContain("(fa < fb)");
    expect(insn.jit.source).not.toContain("testCondition(cpu");
  });
});
