import { describe, expect, it } from "vitest";
import { GDT, rd32, type TestMachine } from "./harness.js";
import { firstEvent, IOMAP, LDT, pm, RING3_CODE, RING3_STACK, SEL, seg, toRing3, TSS, writeDescriptor } from "./pm-harness.js";

/**
 * Protection checks that do not change privilege (SDM vol.3 ch.5, vol.2 per instruction):
 * descriptor probes, descriptor-table and task registers, segment-register loads, the
 * privileged instructions at CPL > 0, IOPL and the TSS I/O permission bitmap, and the
 * silent EFLAGS masking of POPF.
 */

const DS = 3, SS = 2, LDTR = 6, TR = 7;
const ZF = 0x40;

/** Runs `code` (ending before the limit of `n` instructions) at CPL 0 or 3 with EBX/ECX set. */
function run(code: number[], opts: { ring3?: boolean; ebx?: number; ecx?: number; eflags?: number; n?: number; setup?: (m: TestMachine) => void } = {}): TestMachine {
  const m = opts.ring3 ? pm([], code) : pm(code);
  if (opts.ring3) toRing3(m, RING3_CODE, opts.eflags ?? 0x202);
  else if (opts.eflags !== undefined) m.cpu.setEflags(opts.eflags);
  m.cpu.setReg32(3, opts.ebx ?? 0);
  m.cpu.setReg32(1, opts.ecx ?? 0);
  opts.setup?.(m);
  const stop = m.cpu.run(opts.n ?? 1);
  if (stop.kind !== "budget") throw new Error(`stopped: ${JSON.stringify(stop)}`);
  return m;
}

/** The first exception `code` raises at CPL 0 or 3. */
function fault(code: number[], opts: { ring3?: boolean; ebx?: number; eflags?: number; setup?: (m: TestMachine) => void } = {}) {
  const m = opts.ring3 ? pm([], code) : pm(code);
  if (opts.ring3) toRing3(m, RING3_CODE, opts.eflags ?? 0x202);
  else if (opts.eflags !== undefined) m.cpu.setEflags(opts.eflags);
  m.cpu.setReg32(3, opts.ebx ?? 0);
  opts.setup?.(m);
  const e = firstEvent(m);
  return { vector: e.vector, errorCode: e.errorCode };
}

const LAR = [0x0f, 0x02, 0xc3]; // lar eax,ebx
const LSL = [0x0f, 0x03, 0xc3]; // lsl eax,ebx
const VERR = [0x0f, 0x00, 0xe3]; // verr bx
const VERW = [0x0f, 0x00, 0xeb]; // verw bx

/** Runs a probe on `sel`: [value of EAX or null when ZF=0]. */
function probe(code: number[], sel: number, ring3 = false, setup?: (m: TestMachine) => void): number | null {
  const m = run(code, { ring3, ebx: sel, setup: (mm) => {
    mm.cpu.setReg32(0, 0xdeadbeef);
    setup?.(mm);
  } });
  return m.cpu.getEflags() & ZF ? m.cpu.getReg32(0) : null;
}

describe("LAR, LSL, VERR, VERW", () => {
  it("LAR at CPL 0 returns the access rights masked with 00F0FF00H", () => {
    const got = [0, 0x08, 0x10, 0x1b, 0x23, 0x28, 0x50, 0x33, 0x48, 0x0f, 0x3f8, 0x13].map((s) => probe(LAR, s));
    expect(got).toEqual([null, 0x00c09b00, 0x00c09300, 0x00c0fb00, 0x00c0f300, 0x00008b00, 0x00008200, 0x0000ec00, 0x00c09f00, 0x00c0f300, null, null]);
  });

  it("LAR at CPL 3 fails for DPL-0 descriptors except conforming code", () => {
    const got = [0x08, 0x10, 0x1b, 0x23, 0x28, 0x50, 0x33, 0x48, 0x0f].map((s) => probe(LAR, s, true));
    expect(got).toEqual([null, null, 0x00c0fb00, 0x00c0f300, null, null, 0x0000ec00, 0x00c09f00, 0x00c0f300]);
  });

  it("LAR rejects interrupt gates; a 16-bit LAR writes only AX", () => {
    expect(probe(LAR, 0x58, false, (m) => writeDescriptor(m, GDT, 0x58, [0x00081000, 0x00008e00]))).toBeNull();
    const m = run([0x66, ...LAR], { ebx: 0x08, setup: (mm) => mm.cpu.setReg32(0, 0x12345678) });
    expect(m.cpu.getReg32(0)).toBe(0x12349b00);
  });

  it("LSL returns the byte-granular limit; gates have none", () => {
    const got = [0, 0x08, 0x28, 0x50, 0x33, 0x0f].map((s) => probe(LSL, s));
    expect(got).toEqual([null, 0xffffffff, IOMAP + 0x80, 0x0f, null, 0xffffffff]);
    expect(probe(LSL, 0x58, false, (m) => writeDescriptor(m, GDT, 0x58, seg(0x1000, 0x2345, 0x93, 0x4)))).toBe(0x2345);
  });

  it("LSL reads its selector from memory", () => {
    const m = run([0x0f, 0x03, 0x05, 0x00, 0x01, 0x00, 0x00], { setup: (mm) => (mm.ram[0x100] = 0x50) });
    expect(m.cpu.getReg32(0)).toBe(0x0f);
  });

  it("VERR: readable code and data the CPL may use (presence is not checked)", () => {
    const sels = [0, 0x08, 0x10, 0x1b, 0x23, 0x28, 0x33, 0x48, 0x58, 0x80, 0x0f];
    const ring0 = sels.map((s) => probe(VERR, s) !== null);
    expect(ring0).toEqual([false, true, true, true, true, false, false, true, true, false, true]);
    const ring3 = sels.map((s) => probe(VERR, s, true) !== null);
    expect(ring3).toEqual([false, false, false, true, true, false, false, true, false, false, true]);
  });

  it("VERW: writable data only", () => {
    const sels = [0, 0x08, 0x10, 0x1b, 0x23, 0x60, 0x0f];
    expect(sels.map((s) => probe(VERW, s) !== null)).toEqual([false, false, true, false, true, false, true]);
    expect(sels.map((s) => probe(VERW, s, true) !== null)).toEqual([false, false, false, false, true, false, true]);
  });

  it("the probes leave the other status flags and the register alone on failure", () => {
    const m = run(LAR, { ebx: 0x08, eflags: 0x2 | 0x1 | 0x40 | 0x800, ring3: true, setup: (mm) => mm.cpu.setReg32(0, 0x1234) });
    expect(m.cpu.getEflags() & 0x8d5).toBe(0x801);
    expect(m.cpu.getReg32(0)).toBe(0x1234);
  });
});

describe("task and LDT registers", () => {
  const LTR = [0x0f, 0x00, 0xdb]; // ltr bx
  const LLDT = [0x0f, 0x00, 0xd3]; // lldt bx
  const freeTss = (m: TestMachine) => writeDescriptor(m, GDT, 0x58, seg(0x4000, 0x67, 0x89, 0));

  it("LTR loads an available TSS and marks it busy in the GDT", () => {
    const m = run(LTR, { ebx: 0x58, setup: freeTss });
    expect(m.cpu.segSel[TR]).toBe(0x58);
    expect(m.cpu.segBase[TR]).toBe(0x4000);
    expect(m.cpu.segLimit[TR]).toBe(0x67);
    expect(m.ram[GDT + 0x58 + 5]).toBe(0x8b);
  });

  it("LTR faults: busy TSS, not a TSS, LDT selector, null, not present, CPL 3", () => {
    expect(fault(LTR, { ebx: 0x28 })).toEqual({ vector: 13, errorCode: 0x28 });
    expect(fault(LTR, { ebx: 0x10 })).toEqual({ vector: 13, errorCode: 0x10 });
    expect(fault(LTR, { ebx: 0x50 })).toEqual({ vector: 13, errorCode: 0x50 });
    expect(fault(LTR, { ebx: 0x5c, setup: freeTss })).toEqual({ vector: 13, errorCode: 0x5c }); // TI stays in the code
    expect(fault(LTR, { ebx: 0 })).toEqual({ vector: 13, errorCode: 0 });
    expect(fault(LTR, { ebx: 0x58, setup: (m) => writeDescriptor(m, GDT, 0x58, seg(0x4000, 0x67, 0x09, 0)) })).toEqual({ vector: 11, errorCode: 0x58 });
    expect(fault(LTR, { ebx: 0x58, ring3: true, setup: freeTss })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("LLDT loads an LDT descriptor; a null selector leaves LDTR unusable", () => {
    const m = run(LLDT, { ebx: 0x50 });
    expect([m.cpu.segSel[LDTR], m.cpu.segBase[LDTR], m.cpu.segLimit[LDTR]]).toEqual([0x50, LDT, 0x0f]);
    // lldt bx (null); lar eax,ecx (an LDT selector now fails)
    const n = run([...LLDT, 0x0f, 0x02, 0xc1], { ebx: 0, ecx: SEL.ldtData3, n: 2 });
    expect(n.cpu.segSel[LDTR]).toBe(0);
    expect(n.cpu.getEflags() & ZF).toBe(0);
  });

  it("LLDT faults: not an LDT, CPL 3", () => {
    expect(fault(LLDT, { ebx: 0x28 })).toEqual({ vector: 13, errorCode: 0x28 });
    expect(fault(LLDT, { ebx: 0x50, ring3: true })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("STR, SLDT, SGDT, SIDT and SMSW work at CPL 3 and show the real values", () => {
    // str eax; sldt ecx... : str eax; sldt ebx; sgdt [0x100]; sidt [0x108]; smsw edx
    const code = [0x0f, 0x00, 0xc8, 0x0f, 0x00, 0xc3, 0x0f, 0x01, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x01, 0x0d, 0x08, 0x01, 0x00, 0x00, 0x0f, 0x01, 0xe2];
    const m = run(code, { ring3: true, n: 5 });
    expect(m.cpu.getReg32(0)).toBe(0x28);
    expect(m.cpu.getReg32(3)).toBe(0x50);
    expect(m.ram[0x100]! | (m.ram[0x101]! << 8)).toBe(0x87);
    expect(rd32(m, 0x102)).toBe(GDT);
    expect(m.ram[0x108]! | (m.ram[0x109]! << 8)).toBe(0x7ff);
    expect(m.cpu.getReg32(2) & 0xffff).toBe(m.cpu.cr0 & 0xffff);
  });
});

describe("segment-register loads", () => {
  const MOV_DS = [0x8e, 0xdb]; // mov ds,bx
  const MOV_SS = [0x8e, 0xd3]; // mov ss,bx
  const cases: [string, number[], number, boolean, { vector: number; errorCode: number }][] = [
    ["SS <- null", MOV_SS, 0, false, { vector: 13, errorCode: 0 }],
    ["SS <- RPL 3 data at CPL 0", MOV_SS, 0x23, false, { vector: 13, errorCode: 0x20 }],
    ["SS <- read-only data", MOV_SS, 0x60, false, { vector: 13, errorCode: 0x60 }],
    ["SS <- code", MOV_SS, 0x08, false, { vector: 13, errorCode: 0x08 }],
    ["SS <- not present", MOV_SS, 0x58, false, { vector: 12, errorCode: 0x58 }],
    ["DS <- not present", MOV_DS, 0x58, false, { vector: 11, errorCode: 0x58 }],
    ["DS <- execute-only code", MOV_DS, 0x80, false, { vector: 13, errorCode: 0x80 }],
    ["DS <- TSS", MOV_DS, 0x28, false, { vector: 13, errorCode: 0x28 }],
    ["DS <- beyond the GDT limit", MOV_DS, 0x3f8, false, { vector: 13, errorCode: 0x3f8 }],
    ["DS <- DPL 0 data at CPL 3", MOV_DS, 0x10, true, { vector: 13, errorCode: 0x10 }],
    ["DS <- DPL 0 data with RPL 3 at CPL 0", MOV_DS, 0x13, false, { vector: 13, errorCode: 0x10 }],
    ["SS <- DPL 0 data at CPL 3", MOV_SS, 0x10, true, { vector: 13, errorCode: 0x10 }],
    ["SS <- not-present DPL 3 data at CPL 3", MOV_SS, 0x73, true, { vector: 12, errorCode: 0x70 }],
  ];
  for (const [what, code, sel, ring3, want] of cases) {
    it(`${what}: ${want.vector === 13 ? "#GP" : want.vector === 12 ? "#SS" : "#NP"}(${want.errorCode.toString(16)})`, () => {
      expect(fault(code, { ebx: sel, ring3 })).toEqual(want);
    });
  }

  it("allowed loads: null DS, readable and conforming code in DS, LDT data, SS at CPL 3", () => {
    expect(run(MOV_DS, { ebx: 3 }).cpu.segSel[DS]).toBe(3);
    expect(run(MOV_DS, { ebx: 0x08 }).cpu.segSel[DS]).toBe(0x08);
    expect(run(MOV_DS, { ebx: 0x4b, ring3: true }).cpu.segSel[DS]).toBe(0x4b);
    expect(run(MOV_DS, { ebx: SEL.ldtData3, ring3: true }).cpu.segSel[DS]).toBe(0x0f);
    expect(run(MOV_SS, { ebx: 0x23, ring3: true }).cpu.segSel[SS]).toBe(0x23);
  });

  it("a load sets the descriptor's accessed bit", () => {
    const m = run(MOV_DS, { ebx: 0x58, setup: (mm) => writeDescriptor(mm, GDT, 0x58, seg(0, 0xfffff, 0x92)) });
    expect(m.ram[GDT + 0x58 + 5]).toBe(0x93);
  });

  it("POP DS that faults leaves ESP unchanged", () => {
    const m = pm([], [0x1f]);
    toRing3(m);
    m.ram[RING3_STACK] = 0x10;
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0x10 });
    expect(m.cpu.getReg32(4)).toBe(RING3_STACK);
  });

  it("ARPL writes memory only when the RPL changes (a read-only segment faults only then)", () => {
    const ro = (m: TestMachine) => {
      m.ram[0x100] = 0x13;
      m.cpu.segSel[DS] = 0x60;
      m.cpu.segAttr[DS] = 0xc091;
      m.cpu.segCheck[DS] = 1;
    };
    // arpl [0x100],bx
    const arplMem = [0x63, 0x1d, 0x00, 0x01, 0x00, 0x00];
    const m = run(arplMem, { ebx: 0x10, setup: ro });
    expect(m.cpu.getEflags() & ZF).toBe(0);
    expect(fault(arplMem, { ebx: 0x1b, setup: (mm) => (ro(mm), (mm.ram[0x100] = 0x10)) })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("ARPL raises the destination RPL to the source's and sets ZF", () => {
    const m = run([0x63, 0xcb], { ebx: 0x10, ecx: 0x1b });
    expect(m.cpu.getReg32(3)).toBe(0x13);
    expect(m.cpu.getEflags() & ZF).toBe(ZF);
    const n = run([0x63, 0xcb], { ebx: 0x13, ecx: 0x10 });
    expect(n.cpu.getReg32(3)).toBe(0x13);
    expect(n.cpu.getEflags() & ZF).toBe(0);
  });
});

describe("privileged instructions at CPL 3 are #GP(0)", () => {
  const privileged: [string, number[]][] = [
    ["hlt", [0xf4]],
    ["lgdt [0]", [0x0f, 0x01, 0x15, 0x00, 0x00, 0x00, 0x00]],
    ["lidt [0]", [0x0f, 0x01, 0x1d, 0x00, 0x00, 0x00, 0x00]],
    ["lldt ax", [0x0f, 0x00, 0xd0]],
    ["ltr ax", [0x0f, 0x00, 0xd8]],
    ["mov cr0,eax", [0x0f, 0x22, 0xc0]],
    ["mov eax,cr0", [0x0f, 0x20, 0xc0]],
    ["mov dr7,eax", [0x0f, 0x23, 0xf8]],
    ["mov eax,dr7", [0x0f, 0x21, 0xf8]],
    ["invlpg [0]", [0x0f, 0x01, 0x3d, 0x00, 0x00, 0x00, 0x00]],
    ["wbinvd", [0x0f, 0x09]],
    ["invd", [0x0f, 0x08]],
    ["rdmsr", [0x0f, 0x32]],
    ["wrmsr", [0x0f, 0x30]],
    ["clts", [0x0f, 0x06]],
    ["lmsw ax", [0x0f, 0x01, 0xf0]],
    ["cli (IOPL 0)", [0xfa]],
    ["sti (IOPL 0)", [0xfb]],
  ];
  for (const [name, code] of privileged) {
    it(name, () => {
      expect(fault(code, { ring3: true })).toEqual({ vector: 13, errorCode: 0 });
    });
  }

  it("CLI and STI are allowed at CPL 3 when IOPL = 3", () => {
    const m = run([0xfa], { ring3: true, eflags: 0x3202 });
    expect(m.cpu.getEflags() & 0x200).toBe(0);
  });

  it("RDTSC is #GP(0) at CPL 3 only with CR4.TSD", () => {
    expect(run([0x0f, 0x31], { ring3: true }).cpu.eip).toBe(RING3_CODE + 2);
    expect(fault([0x0f, 0x31], { ring3: true, setup: (m) => (m.cpu.cr4 = 4) })).toEqual({ vector: 13, errorCode: 0 });
    expect(run([0x0f, 0x31], { setup: (m) => (m.cpu.cr4 = 4) }).cpu.eip).toBe(0x1002);
  });
});

describe("POPF: IF and IOPL silently unchanged without the privilege", () => {
  // push 0x3002; popfd; pushfd; pop eax
  const code = [0x68, 0x02, 0x30, 0x00, 0x00, 0x9d, 0x9c, 0x58];
  it("at CPL 0 both change", () => {
    expect(run(code, { eflags: 0x202, n: 4 }).cpu.getReg32(0)).toBe(0x3002);
  });
  it("at CPL 3 with IOPL 0 neither changes, and nothing faults", () => {
    expect(run(code, { ring3: true, eflags: 0x202, n: 4 }).cpu.getReg32(0)).toBe(0x202);
  });
  it("at CPL 3 with IOPL 3 IF changes but IOPL does not", () => {
    // push 0x0002; popfd; pushfd; pop eax
    expect(run([0x6a, 0x02, 0x9d, 0x9c, 0x58], { ring3: true, eflags: 0x3202, n: 4 }).cpu.getReg32(0)).toBe(0x3002);
  });
});

describe("I/O protection: IOPL and the TSS permission bitmap", () => {
  it("CPL 3 with IOPL 0 may use the ports whose bits are clear (0x80-0x87)", () => {
    // in al,0x80; in ax,0x86
    const m = run([0xe4, 0x80, 0x66, 0xe5, 0x86], { ring3: true, n: 2 });
    expect(m.cpu.eip).toBe(RING3_CODE + 5);
  });

  it("a set bit, or a word access reaching one, is #GP(0)", () => {
    expect(fault([0xe4, 0x88], { ring3: true })).toEqual({ vector: 13, errorCode: 0 });
    expect(fault([0x66, 0xe5, 0x87], { ring3: true })).toEqual({ vector: 13, errorCode: 0 });
    expect(fault([0xee], { ring3: true, setup: (m) => m.cpu.setReg32(2, 0x88) })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("INS and OUTS are checked too", () => {
    expect(fault([0x6e], { ring3: true, setup: (m) => m.cpu.setReg32(2, 0x88) })).toEqual({ vector: 13, errorCode: 0 });
    expect(fault([0x6c], { ring3: true, setup: (m) => m.cpu.setReg32(2, 0x20) })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("a port whose bitmap byte lies beyond the TSS limit is #GP(0)", () => {
    const open3ff = (m: TestMachine) => {
      m.ram[TSS + IOMAP + 0x7f] = 0x7f;
      m.cpu.setReg32(2, 0x3ff);
    };
    expect(run([0xec], { ring3: true, setup: open3ff }).cpu.eip).toBe(RING3_CODE + 1);
    expect(fault([0xec], { ring3: true, setup: (m) => m.cpu.setReg32(2, 0x400) })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("IOPL 3 allows every port at CPL 3 without looking at the bitmap", () => {
    expect(run([0xe4, 0x88], { ring3: true, eflags: 0x3202 }).cpu.eip).toBe(RING3_CODE + 2);
  });

  it("a TSS without a bitmap (map base beyond the limit) denies every port", () => {
    const m = pm([], [0xe4, 0x80]);
    toRing3(m);
    m.ram[TSS + 0x66] = 0xff;
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0 });
    expect(m.cpu.getReg32(4)).toBe(RING3_STACK);
  });
});

describe("protected-mode virtual interrupts (CR4.PVI)", () => {
  const VIF = 0x80000, VIP = 0x100000;
  const pvi = (m: TestMachine) => (m.cpu.cr4 = 2);

  it("CLI and STI at CPL 3 with IOPL 0 change VIF, not IF", () => {
    const cli = run([0xfa], { ring3: true, eflags: 0x202 | VIF, setup: pvi });
    expect(cli.cpu.getEflags() & (VIF | 0x200)).toBe(0x200);
    const sti = run([0xfb], { ring3: true, eflags: 0x002, setup: pvi });
    expect(sti.cpu.getEflags() & (VIF | 0x200)).toBe(VIF);
  });

  it("STI with VIP set is #GP(0), so the monitor can deliver the pending interrupt", () => {
    expect(fault([0xfb], { ring3: true, eflags: 0x002 | VIP, setup: pvi })).toEqual({ vector: 13, errorCode: 0 });
  });

  it("MOV CR4 accepts VME, PVI, TSD, PSE, PGE and rejects bits the CPU does not implement", () => {
    // mov cr4,eax
    const ok = run([0x0f, 0x22, 0xe0], { setup: (m) => m.cpu.setReg32(0, 0x97) });
    expect(ok.cpu.cr4).toBe(0x97);
    expect(fault([0x0f, 0x22, 0xe0], { setup: (m) => m.cpu.setReg32(0, 0x20) })).toEqual({ vector: 13, errorCode: 0 }); // PAE
  });
});

describe("ENTER on a 16-bit stack (test386 stage 1A)", () => {
  it("a 32-bit ENTER pushes all of ESP as the frame pointer but loads only BP", () => {
    // mov ss,bx; mov esp,0x10000; mov ebp,0x1fff0; enter 8,1; hlt   (SS: 16-bit, B=0)
    const code = [0x8e, 0xd3, 0xbc, 0x00, 0x00, 0x01, 0x00, 0xbd, 0xf0, 0xff, 0x01, 0x00, 0xc8, 0x08, 0x00, 0x01, 0xf4];
    const m = pm(code);
    writeDescriptor(m, GDT, 0x58, seg(0, 0xfffff, 0x93, 0x8));
    m.cpu.setReg32(3, 0x58);
    m.cpu.run(4);
    expect(m.cpu.getReg32(4)).toBe(0x1fff0);
    expect(m.cpu.getReg32(5)).toBe(0x1fffc);
    expect(rd32(m, 0xfff8)).toBe(0x1fffc); // the frame pointer pushed: all 32 bits of ESP
    expect(rd32(m, 0xfffc)).toBe(0x1fff0); // the old EBP
  });
});
