import { describe, expect, it } from "vitest";
import type { Cpu } from "../../src/index.js";
import { CODE, DATA, runCode } from "./jit-machine.js";

/**
 * x87 instructions inside JIT blocks (jit/emit-x87.ts): the block calls the interpreter's
 * handlers, so under both engines the x87 state (registers, tags, TOP, status and control
 * words, FIP/FCS/FOP/FDP/FDS), the general registers, EFLAGS, memory, the retired count and
 * every fault (#NM, #MF, #PF) must be the same, in any slicing of the budget.
 */
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

function both(code: number[], regs: number[], opts: { slice?: number; budget?: number; setup?: (cpu: Cpu) => void } = {}) {
  const out = (["interp", "jit"] as const).map((engine) => {
    let cpu: Cpu | undefined;
    let ferr = 0;
    const r = runCode(engine, [0xdb, 0xe3, ...code], regs, {
      ...opts,
      setup: (c) => {
        cpu = c;
        // The machine is reused between cases: CR0.TS/EM/NE start clear.
        c.cr0 &= ~0x2c;
        c.ferrHook = () => void ferr++;
        opts.setup?.(c);
      },
    });
    const sources: string[] = [];
    for (let a = CODE; a < CODE + code.length + 2; a++) {
      const insn = cpu!.cachedInstruction(a) as unknown as { jit?: { source?: string } } | undefined;
      if (insn?.jit?.source) sources.push(insn.jit.source);
    }
    return { ...r, fpu: cpu!.fpu.save(), ferr, sources };
  });
  return { interp: out[0]!, jit: out[1]! };
}

function expectSame(r: ReturnType<typeof both>) {
  const { interp: a, jit: b } = r;
  expect(b.events).toEqual(a.events);
  expect(b.instructions).toBe(a.instructions);
  expect(b.eip).toBe(a.eip);
  expect(b.regs).toEqual(a.regs);
  expect(b.eflags).toBe(a.eflags);
  expect(b.fpu).toEqual(a.fpu);
  expect(b.ferr).toBe(a.ferr);
  expect(Buffer.from(b.ram).equals(Buffer.from(a.ram))).toBe(true);
}

// A loop mixing x87 register and memory forms with integer code: the index register changes
// inside the block before the memory operand that uses it, FCOMI and FCMOV use EFLAGS,
// FNSTSW AX feeds a TEST, FST m64 stores every iteration.
//
// loop: fld qword [ebx+edi*8]      DD 04 FB
//       fmul st, st(1)             D8 C9
//       fadd qword [ebx+0x800]     DC 83 00 08 00 00
//       fcomi st, st(1)            DB F1
//       fcmovb st, st(1)           DA C1
//       fst qword [ebx+edi*8+0x400] DD 94 FB 00 04 00 00
//       fstp st(0)                 DD D8
//       inc edi                    47
//       fnstsw ax                  DF E0
//       and edi, 63                83 E7 3F
//       fadd qword [ebx+edi*8]     DC 04 FB   (EDI changed in this block: synced for the call)
//       dec ecx                    49
//       jnz loop                   75 xx
const LOOP = [
  0xd9, 0xe8, // fld1 (the accumulator)
  0xdd, 0x04, 0xfb, 0xd8, 0xc9, 0xdc, 0x83, 0x00, 0x08, 0x00, 0x00, 0xdb, 0xf1, 0xda, 0xc1,
  0xdd, 0x94, 0xfb, 0x00, 0x04, 0x00, 0x00, 0xdd, 0xd8, 0x47, 0xdf, 0xe0, 0x83, 0xe7, 0x3f,
  0xdc, 0x04, 0xfb, 0x49,
];
const LOOP_CODE = [...LOOP, 0x75, 0x100 - (LOOP.length - 2 + 2)];

describe("x87 inside JIT blocks", () => {
  it("a loop of register and memory forms, FCOMI/FCMOV/FNSTSW AX and stores: the interpreter's state exactly", () => {
    const regs = [0, 200, 0, DATA, 0, 0, 0, 0, 0];
    for (const slice of [0, 7, 13]) {
      const r = both(LOOP_CODE, regs, { slice, budget: 20_000 });
      expect(r.jit.blocks, `slice ${slice}`).toBeGreaterThan(0);
      expect(r.interp.stops.at(-1)).toMatch(/halt$/);
      expectSame(r);
    }
  });

  it("the loop runs in blocks, not one instruction at a time", () => {
    const r = both(LOOP_CODE, [0, 200, 0, DATA, 0, 0, 0, 0, 0], { budget: 20_000 });
    // One block for the loop body (it stops at the FST m64 store: a handler's store may hit
    // decoded code) and one after it; nowhere near one per instruction.
    expect(r.jit.blocks).toBeLessThan(10);
    // The x87 instructions are in the blocks, as calls of their handlers.
    expect(r.jit.sources.join("\n")).toMatch(/h3\(cpu, i3\)/);
    expectSame(r);
  });

  it("#NM with CR0.TS = 1 in mid-block is precise: EIP, registers and count at the x87 instruction", () => {
    // mov eax,1; mov ebx,2; fld1; mov ecx,3
    const code = [0xb8, ...le32(1), 0xbb, ...le32(2), 0xd9, 0xe8, 0xb9, ...le32(3)];
    for (const slice of [0, 1]) {
      const r = both(code, [0, 0, 0, 0, 0, 0, 0, 0, 0], { slice, setup: (c) => (c.cr0 |= 8) });
      // FNINIT comes first, and is #NM already with TS = 1.
      expect(r.interp.events[0]).toMatch(/^0 fault 7 /);
      expectSame(r);
    }
    // With TS clear only for FNINIT: the fault is at the FLD1 after two MOVs.
    const r = both([0x0f, 0x06, ...code], [0, 0, 0, 0, 0, 0, 0, 0, 0], { setup: (c) => (c.cr0 |= 8) });
    expect(r.interp.events[0]).toMatch(/^0 fault 7 /); // FNINIT before CLTS
    expectSame(r);
  });

  it("#MF at the next waiting instruction with CR0.NE = 1; FERR# (NE = 0) calls the hook at the same instruction", () => {
    // fldcw [ebx] (ZE unmasked); fld1; fldz; fdivp; mov edx,5; fld1 (#MF here); mov edx,6
    const code = [0xd9, 0x2b, 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0xba, ...le32(5), 0xd9, 0xe8, 0xba, ...le32(6)];
    const setup = (ne: boolean) => (c: Cpu) => {
      c.bus.memory.ram8.set([0x7b, 0x03], DATA);
      if (ne) c.cr0 |= 0x20;
      else c.cr0 &= ~0x20;
    };
    const mf = both(code, [0, 0, 0, DATA, 0, 0, 0, 0, 0], { setup: setup(true) });
    expect(mf.interp.events).toEqual([`6 fault 16 ${(CODE + 15).toString(16)} `]);
    expect(mf.interp.regs[2]).toBe(5);
    expectSame(mf);
    const ferr = both(code, [0, 0, 0, DATA, 0, 0, 0, 0, 0], { setup: setup(false) });
    expect(ferr.interp.ferr).toBeGreaterThan(0);
    expect(ferr.interp.regs[2]).toBe(6);
    expectSame(ferr);
  });

  it("an x87 store into the block's own next instruction is seen by it", () => {
    // fild dword [ebx]; fistp word [next+1]; next: mov ecx, 0x11111111
    const next = CODE + 2 + 2 + 6;
    const code = [0xdb, 0x03, 0xdf, 0x1d, ...le32(next + 1), 0xb9, ...le32(0x11111111)];
    const r = both(code, [0, 0, 0, DATA, 0, 0, 0, 0, 0], { setup: (c) => c.bus.memory.ram8.set(le32(0x2345), DATA) });
    expect(r.interp.regs[1]).toBe(0x11112345);
    expectSame(r);
  });

  it("a page fault in an x87 memory operand inside a block is precise", () => {
    // mov esi,1; fld dword [0x30000] (not present); mov esi,2
    const code = [0xbe, ...le32(1), 0xd9, 0x05, ...le32(0x30000), 0xbe, ...le32(2)];
    const setup = (c: Cpu) => {
      const pd = 0x90000;
      const pt = 0x91000;
      for (let k = 0; k < 1024; k++) c.bus.memory.write(pt + 4 * k, 4, k === 0x30 ? 0 : ((k << 12) | 3) >>> 0);
      c.bus.memory.write(pd, 4, pt | 3);
      c.cr3 = pd;
      c.writeCr0(c.cr0 | 0x80000000);
    };
    const r = both(code, [0, 0, 0, 0, 0, 0, 0, 0, 0], { setup });
    expect(r.interp.events).toEqual([`2 fault 14 ${(CODE + 7).toString(16)} 0`]);
    expect(r.interp.regs[6]).toBe(1);
    expectSame(r);
  });
});
