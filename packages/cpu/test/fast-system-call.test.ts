import { describe, expect, it } from "vitest";
import { type CpuModel, findCpuModel } from "../src/index.js";
import { enterV86Segments } from "../src/exec/v86.js";
import { CS, DS, SS } from "../src/state/registers.js";
import { ATTR_DB, ATTR_DPL_SHIFT, FLAT_CODE32_ATTR, FLAT_DATA32_ATTR } from "../src/state/segment-cache.js";
import { machine } from "./harness.js";
import { CODE, firstEvent, GATE_TARGET, pm, RING0_STACK, RING3_CODE, RING3_STACK, SEL, toRing3 } from "./pm-harness.js";

/** SYSENTER/SYSEXIT (SDM vol.2 "SYSENTER", "SYSEXIT"), on the Pentium II model. */

const P2 = findCpuModel("pentium2") as CpuModel;
const IF = 0x200;
const VM = 0x20000;
const RING3 = 3 << ATTR_DPL_SHIFT;

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
/** mov ecx,index; mov eax,value; xor edx,edx; wrmsr (4 instructions) */
const wrmsr = (index: number, value: number) => [0xb9, ...le32(index), 0xb8, ...le32(value), 0x31, 0xd2, 0x0f, 0x30];
const SYSENTER = [0x0f, 0x34];
const SYSEXIT = [0x0f, 0x35];

/** Ring-0 code: set the three MSRs (CS 0x08, ESP RING0_STACK, EIP GATE_TARGET), then SYSEXIT to RING3_CODE. */
function kernel(sysenterCs: number = SEL.code0): number[] {
  return [
    ...wrmsr(0x174, sysenterCs),
    ...wrmsr(0x175, RING0_STACK),
    ...wrmsr(0x176, GATE_TARGET),
    0xba, ...le32(RING3_CODE), // mov edx,RING3_CODE
    0xb9, ...le32(RING3_STACK - 0x10), // mov ecx,RING3_STACK-0x10
    ...SYSEXIT,
  ];
}
/** Instructions before the SYSEXIT of {@link kernel}. */
const KERNEL_SETUP = 14;

describe("SYSEXIT and SYSENTER on the Pentium II model", () => {
  it("SYSEXIT goes to CPL 3 with flat CS = SYSENTER_CS+16|3, SS = +24|3, EIP = EDX, ESP = ECX, EFLAGS kept", () => {
    // ring 3: mov ebx,0x1234; sysenter — the entry point: hlt
    const m = pm(kernel(), [0xbb, ...le32(0x1234), ...SYSENTER], [0xf4], P2);
    m.ram[GATE_TARGET] = 0xf4;
    m.cpu.setEflags(0x202);
    m.cpu.run(KERNEL_SETUP + 1);
    const c = m.cpu;
    expect(c.cpl).toBe(3);
    expect(c.segSel[CS]).toBe(0x1b);
    expect(c.segSel[SS]).toBe(0x23);
    expect(c.eip).toBe(RING3_CODE);
    expect(c.getReg32(4)).toBe(RING3_STACK - 0x10);
    expect([c.segBase[CS], c.segLimit[CS]! >>> 0, c.segAttr[CS]]).toEqual([0, 0xffffffff, FLAT_CODE32_ATTR | RING3]);
    expect([c.segBase[SS], c.segLimit[SS]! >>> 0, c.segAttr[SS]]).toEqual([0, 0xffffffff, FLAT_DATA32_ATTR | RING3]);
    expect(c.getEflags() & IF).toBe(IF);
    // Nothing was read from the GDT: the descriptors there are not marked accessed.
    expect(m.ram[0x500 + 0x18 + 5]).toBe(0xfb);
  });

  it("SYSENTER from CPL 3 goes to CPL 0 at SYSENTER_CS:SYSENTER_EIP with SS = +8, ESP = SYSENTER_ESP, IF cleared", () => {
    const m = pm(kernel(), [0xbb, ...le32(0x1234), ...SYSENTER], [0xf4], P2);
    m.ram[GATE_TARGET] = 0xf4;
    m.cpu.setEflags(0x202);
    const stop = m.cpu.run(100);
    expect(stop.kind).toBe("halt");
    const c = m.cpu;
    expect(c.getReg32(3)).toBe(0x1234);
    expect(c.cpl).toBe(0);
    expect(c.segSel[CS]).toBe(0x08);
    expect(c.segSel[SS]).toBe(0x10);
    expect(c.eip).toBe(GATE_TARGET + 1);
    expect(c.getReg32(4)).toBe(RING0_STACK);
    expect(c.getEflags() & IF).toBe(0);
    expect([c.segAttr[CS], c.segAttr[SS]]).toEqual([FLAT_CODE32_ATTR, FLAT_DATA32_ATTR]);
  });

  it("the RPL bits of SYSENTER_CS are ignored: CS gets RPL 0, SYSEXIT's selectors RPL 3", () => {
    const m = pm(kernel(SEL.code0 | 3), [...SYSENTER], [0xf4], P2);
    m.ram[GATE_TARGET] = 0xf4;
    m.cpu.run(KERNEL_SETUP + 1);
    expect([m.cpu.segSel[CS], m.cpu.segSel[SS]]).toEqual([0x1b, 0x23]);
    expect(m.cpu.run(100).kind).toBe("halt");
    expect([m.cpu.segSel[CS], m.cpu.segSel[SS]]).toEqual([0x08, 0x10]);
  });

  it("SYSENTER with SYSENTER_CS[15:2] = 0 is #GP(0), at CPL 3 as at CPL 0", () => {
    for (const cs of [0, 3]) {
      const m = pm([...wrmsr(0x174, cs), 0xf4], [...SYSENTER], [0xf4], P2);
      expect(m.cpu.run(100).kind).toBe("halt");
      m.cpu.halted = false;
      toRing3(m);
      expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: RING3_CODE });
    }
  });

  it("SYSEXIT outside CPL 0 is #GP(0); so is SYSEXIT with SYSENTER_CS = 0", () => {
    const m = pm(kernel(), [...SYSEXIT], [0xf4], P2);
    m.cpu.run(KERNEL_SETUP + 1);
    expect(m.cpu.cpl).toBe(3);
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: RING3_CODE });
    const z = pm([...SYSEXIT], [], [0xf4], P2);
    expect(firstEvent(z)).toMatchObject({ vector: 13, errorCode: 0, eip: CODE });
  });

  it("SYSENTER and SYSEXIT are #GP(0) in real mode", () => {
    for (const insn of [SYSENTER, SYSEXIT]) {
      const m = machine([...insn, 0xf4], 0x7c00, P2);
      m.cpu.reset();
      m.cpu.segBase[CS] = 0;
      m.cpu.segSel[CS] = 0;
      m.cpu.eip = 0x7c00;
      m.cpu.sysenterCs = SEL.code0;
      expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0 });
    }
  });

  it("SYSENTER from virtual-8086 mode leaves it: VM cleared, 32-bit flat ring-0 code, data segments untouched", () => {
    const m = pm([], [], [0xf4], P2);
    m.ram.set(SYSENTER, 0x20000);
    m.ram[GATE_TARGET] = 0xf4;
    const c = m.cpu;
    c.sysenterCs = SEL.code0;
    c.sysenterEsp = RING0_STACK;
    c.sysenterEip = GATE_TARGET;
    c.cpl = 3;
    c.setEflags(0x2 | IF | VM);
    enterV86Segments(c, [0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000]);
    c.eip = 0;
    expect(c.run(10).kind).toBe("halt");
    expect(c.getEflags() & (VM | IF)).toBe(0);
    expect([c.cpl, c.segSel[CS], c.segSel[SS], c.code32]).toEqual([0, 0x08, 0x10, true]);
    expect(c.segAttr[CS]! & ATTR_DB).toBe(ATTR_DB);
    expect([c.segSel[DS], c.segBase[DS]]).toEqual([0x4000, 0x40000]);
    expect(c.eip).toBe(GATE_TARGET + 1);
  });

  it("SYSEXIT in virtual-8086 mode is #GP(0)", () => {
    const m = pm([], [], [0xf4], P2);
    m.ram.set(SYSEXIT, 0x20000);
    const c = m.cpu;
    c.sysenterCs = SEL.code0;
    c.cpl = 3;
    c.setEflags(0x2 | VM);
    enterV86Segments(c, [0, 0x2000, 0x3000, 0, 0, 0]);
    c.eip = 0;
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0 });
  });
});
