import { describe, expect, it } from "vitest";
import { GDT, rd32, runToHalt, type TestMachine, wr32 } from "./harness.js";
import { firstEvent, gate, pm, SEL, seg, toRing3, TSS, writeDescriptor } from "./pm-harness.js";

/**
 * Hardware task switches (SDM vol.3 §7.3): JMP/CALL to a TSS or a task gate, interrupts
 * and exceptions through an IDT task gate, IRET with NT back through the link; busy bits,
 * back link, NT, CR0.TS, the state saved and loaded, and the faults of table 7-1.
 */

const TSS_B = 0x4000;
const SEL_B = 0x58;
const TASK_GATE = 0x60;
const B_CODE = 0x2800;
const B_STACK = 0x7800;
const CS = 1, SS = 2, DS = 3, TR = 7;

/** Task A runs `code` at 0x1000 (TR = 0x28); task B's TSS at 0x4000 starts at B_CODE. */
function tasks(code: number[], bCode: number[] = [0xf4]): TestMachine {
  const m = pm(code);
  m.ram.set(bCode, B_CODE);
  writeDescriptor(m, GDT, SEL_B, seg(TSS_B, 0x67, 0x89, 0));
  writeDescriptor(m, GDT, TASK_GATE, [(SEL_B << 16) >>> 0, 0x0000e500]);
  m.ram.fill(0, TSS_B, TSS_B + 0x68);
  const t = (off: number, v: number) => wr32(m, TSS_B + off, v);
  t(0x20, B_CODE);
  t(0x24, 0x2);
  t(0x28, 0x1234); // EAX
  t(0x2c, 0x5678); // ECX
  t(0x38, B_STACK); // ESP
  t(0x48, SEL.data0); // ES
  t(0x4c, SEL.code0);
  t(0x50, SEL.data0);
  t(0x54, SEL.data0);
  t(0x58, 0); // FS null
  t(0x5c, SEL.data0);
  t(0x60, 0);
  m.cpu.setReg32(0, 0xaaaa);
  return m;
}

describe("hardware task switch", () => {
  it("JMP to a TSS saves the old task, loads the new one, moves the busy bit, sets CR0.TS", () => {
    const m = tasks([0xea, 0, 0, 0, 0, SEL_B, 0]); // jmp 0x58:0
    runToHalt(m.cpu);
    const c = m.cpu;
    expect(c.segSel[TR]).toBe(SEL_B);
    expect(c.segBase[TR]).toBe(TSS_B);
    expect(c.eip).toBe(B_CODE + 1);
    expect([c.getReg32(0), c.getReg32(1), c.getReg32(4)]).toEqual([0x1234, 0x5678, B_STACK]);
    expect([c.segSel[CS], c.segSel[SS], c.segSel[DS]]).toEqual([0x08, 0x10, 0x10]);
    expect(c.cr0 & 8).toBe(8);
    expect(c.getEflags() & 0x4000).toBe(0); // JMP: no nesting
    expect(m.ram[GDT + 0x28 + 5]).toBe(0x89); // old: available again
    expect(m.ram[GDT + SEL_B + 5]).toBe(0x8b); // new: busy
    expect(rd32(m, TSS + 0x20)).toBe(0x1007); // saved EIP: after the JMP
    expect(rd32(m, TSS + 0x28)).toBe(0xaaaa); // saved EAX
    expect(m.ram[TSS + 0x4c]).toBe(0x08); // saved CS
    expect(m.ram[TSS_B]).toBe(0); // no back link
  });

  it("CALL nests (back link, NT); IRET returns to the caller and frees the callee", () => {
    // task A: call 0x58:0; hlt    task B: iretd
    const m = tasks([0x9a, 0, 0, 0, 0, SEL_B, 0, 0xf4], [0xcf]);
    m.cpu.run(1);
    expect(m.cpu.segSel[TR]).toBe(SEL_B);
    expect(m.ram[TSS_B]).toBe(0x28);
    expect(m.cpu.getEflags() & 0x4000).toBe(0x4000);
    expect(m.ram[GDT + 0x28 + 5]).toBe(0x8b); // the caller stays busy
    runToHalt(m.cpu);
    expect(m.cpu.segSel[TR]).toBe(0x28);
    expect(m.cpu.eip).toBe(0x1008);
    expect(m.cpu.getReg32(0)).toBe(0xaaaa);
    expect(m.ram[GDT + SEL_B + 5]).toBe(0x89);
    expect(rd32(m, TSS_B + 0x20)).toBe(B_CODE + 1); // B saved after its IRET
    expect(rd32(m, TSS_B + 0x24) & 0x4000).toBe(0); // with NT cleared
  });

  it("a JMP through a DPL-3 task gate works from ring 3", () => {
    const m = tasks([]);
    m.ram.set([0xea, 0, 0, 0, 0, TASK_GATE | 3, 0], 0x2000);
    toRing3(m);
    runToHalt(m.cpu);
    expect(m.cpu.segSel[TR]).toBe(SEL_B);
    expect(m.cpu.cpl).toBe(0);
  });

  it("INT through an IDT task gate nests the handler task", () => {
    const m = tasks([0xcd, 0x40]);
    gate(m, 0x40, SEL_B, 0, 0x5);
    runToHalt(m.cpu);
    expect(m.cpu.segSel[TR]).toBe(SEL_B);
    expect(m.ram[TSS_B]).toBe(0x28);
    expect(m.cpu.getReg32(4)).toBe(B_STACK);
    expect(rd32(m, TSS + 0x20)).toBe(0x1002);
  });

  it("an exception through a task gate pushes its error code on the new task's stack", () => {
    const m = tasks([0x8e, 0xdb]); // mov ds,bx
    gate(m, 13, SEL_B, 0, 0x5);
    m.cpu.setReg32(3, 0x3f8);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(B_STACK - 4);
    expect(rd32(m, B_STACK - 4)).toBe(0x3f8);
    expect(rd32(m, TSS + 0x20)).toBe(0x1000); // a fault saves the faulting EIP
  });

  it("faults before the switch: TSS too short #TS, not present #NP, DPL < CPL #GP, busy #GP", () => {
    const short = tasks([0xea, 0, 0, 0, 0, SEL_B, 0]);
    writeDescriptor(short, GDT, SEL_B, seg(TSS_B, 0x60, 0x89, 0));
    expect(firstEvent(short)).toMatchObject({ vector: 10, errorCode: SEL_B });
    expect(short.cpu.segSel[TR]).toBe(0x28);
    const np = tasks([0xea, 0, 0, 0, 0, SEL_B, 0]);
    writeDescriptor(np, GDT, SEL_B, seg(TSS_B, 0x67, 0x09, 0));
    expect(firstEvent(np)).toMatchObject({ vector: 11, errorCode: SEL_B });
    const ring3 = tasks([]);
    ring3.ram.set([0xea, 0, 0, 0, 0, SEL_B | 3, 0], 0x2000);
    toRing3(ring3);
    expect(firstEvent(ring3)).toMatchObject({ vector: 13, errorCode: SEL_B });
    expect(firstEvent(tasks([0x9a, 0, 0, 0, 0, 0x28, 0]))).toMatchObject({ vector: 13, errorCode: 0x28 });
  });

  it("a task whose EFLAGS.VM = 1 resumes in virtual-8086 mode", () => {
    const m = tasks([0xea, 0, 0, 0, 0, SEL_B, 0]);
    wr32(m, TSS_B + 0x20, 0x10); // IP
    wr32(m, TSS_B + 0x24, 0x20002); // VM
    wr32(m, TSS_B + 0x4c, 0x0270); // CS
    wr32(m, TSS_B + 0x50, 0x0600); // SS
    wr32(m, TSS_B + 0x54, 0x0110); // DS
    m.cpu.run(1);
    const c = m.cpu;
    expect([c.cpl, c.getEflags() & 0x20000, c.segBase[CS], c.eip, c.segBase[SS], c.segBase[DS]]).toEqual([3, 0x20000, 0x2700, 0x10, 0x6000, 0x1100]);
    expect(c.code32).toBe(false);
  });

  it("CALL to a 16-bit (286) TSS: word fields, upper register words FFFFh, FS/GS null; IRET back", () => {
    const m = tasks([0x9a, 0, 0, 0, 0, SEL_B, 0, 0xf4], [0xcf]);
    writeDescriptor(m, GDT, SEL_B, seg(TSS_B, 0x2b, 0x81, 0));
    m.ram.fill(0, TSS_B, TSS_B + 0x2c);
    const w = (off: number, v: number) => {
      m.ram[TSS_B + off] = v & 0xff;
      m.ram[TSS_B + off + 1] = v >> 8;
    };
    w(0x0e, B_CODE); // IP
    w(0x10, 0x0002); // FLAGS
    w(0x12, 0x1234); // AX
    w(0x1a, B_STACK); // SP
    w(0x22, SEL.data0); // ES
    w(0x24, SEL.code0); // CS
    w(0x26, SEL.data0); // SS
    w(0x28, SEL.data0); // DS
    m.cpu.run(1);
    const c = m.cpu;
    expect([c.segSel[TR], c.eip, c.getReg32(0), c.getReg32(4)]).toEqual([SEL_B, B_CODE, 0xffff1234, (0xffff0000 | B_STACK) >>> 0]);
    expect([c.segSel[4], c.segSel[5]]).toEqual([0, 0]);
    expect(m.ram[TSS_B] | (m.ram[TSS_B + 1]! << 8)).toBe(0x28); // back link
    expect(m.ram[GDT + SEL_B + 5]).toBe(0x83); // busy 286 TSS
    expect(c.getEflags() & 0x4000).toBe(0x4000);
    runToHalt(c);
    expect([c.segSel[TR], c.eip, c.getReg32(0)]).toEqual([0x28, 0x1008, 0xaaaa]);
    expect(m.ram[TSS_B + 0x0e] | (m.ram[TSS_B + 0x0f]! << 8)).toBe(B_CODE + 1); // B's IP saved in words
  });

  it("a bad segment in the new task faults #TS after the switch, in the new task", () => {
    const m = tasks([0xea, 0, 0, 0, 0, SEL_B, 0]);
    wr32(m, TSS_B + 0x50, SEL.data3); // SS with RPL 3 for CPL 0
    expect(firstEvent(m)).toMatchObject({ vector: 10, errorCode: 0x20, eip: B_CODE });
    expect(m.cpu.segSel[TR]).toBe(SEL_B);
  });
});
