import type { CpuModel, ExitEvent } from "../src/index.js";
import { parseDescriptor } from "../src/state/segment-cache.js";
import { refreshSegCheck } from "../src/mmu/segmentation.js";
import { CODE, GDT, IDT, machine, rd32, type TestMachine, wr32 } from "./harness.js";

/**
 * A protected-mode test machine with all four privilege levels in use: a GDT with ring-0,
 * ring-1 and ring-3 segments, a 32-bit TSS (with an I/O bitmap), an LDT, call gates, and an
 * IDT whose gates tests fill in. Tests put code at CODE (ring 0) or RING3_CODE.
 */

export const TSS = 0x3000;
/** Offset of the I/O permission bitmap in the TSS; it covers ports 0-0x3FF. */
export const IOMAP = 0x68;
export const LDT = 0x3800;
export const RING0_STACK = 0x8000;
export const RING1_STACK = 0x7000;
export const RING3_STACK = 0x6000;
export const RING3_CODE = 0x2000;
/** Where the call gates point (ring-0 code). */
export const GATE_TARGET = 0x1800;
export const HANDLER = 0x1c00;

export const SEL = {
  code0: 0x08,
  data0: 0x10,
  code3: 0x1b,
  data3: 0x23,
  tss: 0x28,
  /** DPL-3 32-bit call gate to code0:GATE_TARGET copying 2 parameters. */
  gate3: 0x33,
  data1: 0x39,
  code1: 0x41,
  /** Conforming, readable DPL-0 code. */
  conf0: 0x48,
  ldt: 0x50,
  /** DPL-0 data, not present. */
  notPresent: 0x58,
  /** DPL-0 read-only data. */
  readOnly: 0x60,
  /** DPL-0 call gate to code0:GATE_TARGET, no parameters. */
  gate0: 0x68,
  /** DPL-3 data, not present. */
  notPresent3: 0x73,
  /** DPL-3 16-bit call gate, not present. */
  gateNp: 0x7b,
  /** DPL-0 execute-only code. */
  execOnly: 0x80,
  /** LDT entry 1: DPL-3 flat data. */
  ldtData3: 0x0f,
} as const;

/** Encodes a code/data/system descriptor: `access` is the access byte, `flags` G/D/L/AVL. */
export function seg(base: number, limit: number, access: number, flags = 0xc): [number, number] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((flags & 0xf) << 20) | (limit & 0xf0000) | (access << 8) | ((base >>> 16) & 0xff);
  return [lo >>> 0, hi >>> 0];
}

/** Encodes a call gate (type 0xC, or 0x4 for 16-bit) with a DPL and parameter count. */
export function callGate(selector: number, offset: number, dpl: number, params = 0, present = true, type = 0xc): [number, number] {
  const lo = (selector << 16) | (offset & 0xffff);
  const hi = (offset & 0xffff0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8) | (params & 0x1f);
  return [lo >>> 0, hi >>> 0];
}

/** Writes an IDT gate to any selector (type 0xE interrupt, 0xF trap, 0x5 task). */
export function gate(m: TestMachine, vector: number, selector: number, offset: number, type = 0xe, dpl = 0, present = true): void {
  wr32(m, IDT + vector * 8, ((selector << 16) | (offset & 0xffff)) >>> 0);
  wr32(m, IDT + vector * 8 + 4, ((offset & 0xffff0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8)) >>> 0);
}

export function writeDescriptor(m: TestMachine, table: number, sel: number, d: [number, number]): void {
  wr32(m, table + (sel & 0xfff8), d[0]);
  wr32(m, table + (sel & 0xfff8) + 4, d[1]);
}

const GDT_ENTRIES: [number, [number, number]][] = [
  [SEL.code0, seg(0, 0xfffff, 0x9b)],
  [SEL.data0, seg(0, 0xfffff, 0x93)],
  [SEL.code3, seg(0, 0xfffff, 0xfb)],
  [SEL.data3, seg(0, 0xfffff, 0xf3)],
  [SEL.tss, seg(TSS, IOMAP + 0x80, 0x89, 0)],
  [SEL.gate3, callGate(SEL.code0, GATE_TARGET, 3, 2)],
  [SEL.data1, seg(0, 0xfffff, 0xb3)],
  [SEL.code1, seg(0, 0xfffff, 0xbb)],
  [SEL.conf0, seg(0, 0xfffff, 0x9f)],
  [SEL.ldt, seg(LDT, 0x0f, 0x82, 0)],
  [SEL.notPresent, seg(0, 0xfffff, 0x13)],
  [SEL.readOnly, seg(0, 0xfffff, 0x91)],
  [SEL.gate0, callGate(SEL.code0, GATE_TARGET, 0, 0)],
  [SEL.notPresent3, seg(0, 0xfffff, 0x73)],
  [SEL.gateNp, callGate(SEL.code0, GATE_TARGET, 3, 0, false, 0x4)],
  [SEL.execOnly, seg(0, 0xfffff, 0x99)],
];
export const GDT_LIMIT = 0x88 - 1;

/** Loads a segment register's cache straight from the descriptor table (test set-up only). */
export function loadCache(m: TestMachine, seg: number, sel: number): void {
  const table = sel & 4 ? LDT : GDT;
  const d = parseDescriptor(rd32(m, table + (sel & 0xfff8)), rd32(m, table + (sel & 0xfff8) + 4), { base: 0, limit: 0, attr: 0 });
  const c = m.cpu;
  c.segSel[seg] = sel;
  c.segBase[seg] = d.base | 0;
  c.segLimit[seg] = d.limit | 0;
  c.segAttr[seg] = d.attr;
  refreshSegCheck(c, seg);
}

/**
 * A CPU at CPL 0 with the GDT, LDT (loaded), TSS (loaded in TR, busy; SS0:ESP0 =
 * 0x10:RING0_STACK, SS1:ESP1 = 0x39:RING1_STACK, all ports denied in the bitmap except
 * 0x80-0x87) and an empty 256-gate IDT. `code` goes to CODE, `ring3` to RING3_CODE. Ring-0
 * code, ring-0 data, ring-3 code and ring-3 data follow each other from 0x08, as SYSENTER and
 * SYSEXIT want them. `model` is the CPU model (default ringlab's).
 */
export function pm(code: number[], ring3: number[] = [], handler: number[] = [0xf4], model?: CpuModel): TestMachine {
  const m = machine(code, CODE, model);
  installProtectedMode(m, ring3, handler);
  return m;
}

/** {@link pm}'s set-up on an existing flat 32-bit machine: the tables, TSS and LDT, `ring3` and `handler` code. */
export function installProtectedMode(m: TestMachine, ring3: number[] = [], handler: number[] = [0xf4]): void {
  m.ram.set(ring3, RING3_CODE);
  m.ram.set(handler, HANDLER);
  for (const [sel, d] of GDT_ENTRIES) writeDescriptor(m, GDT, sel, d);
  writeDescriptor(m, LDT, SEL.ldtData3, seg(0, 0xfffff, 0xf3));
  m.cpu.gdtrBase = GDT;
  m.cpu.gdtrLimit = GDT_LIMIT;
  m.ram.fill(0, IDT, IDT + 256 * 8);
  m.cpu.idtrBase = IDT;
  m.cpu.idtrLimit = 256 * 8 - 1;
  m.ram.fill(0, TSS, TSS + IOMAP + 0x81);
  wr32(m, TSS + 4, RING0_STACK);
  wr32(m, TSS + 8, SEL.data0);
  wr32(m, TSS + 12, RING1_STACK);
  wr32(m, TSS + 16, SEL.data1);
  m.ram[TSS + 0x66] = IOMAP;
  m.ram.fill(0xff, TSS + IOMAP, TSS + IOMAP + 0x81);
  m.ram[TSS + IOMAP + 0x10] = 0; // ports 0x80-0x87
  m.ram[GDT + SEL.tss + 5] = 0x8b; // busy, as after LTR
  loadCache(m, 7, SEL.tss);
  loadCache(m, 6, SEL.ldt);
}

/** Puts the CPU at CPL 3 at `eip` (CS=0x1B, SS=DS=ES=FS=GS=0x23, ESP=RING3_STACK). */
export function toRing3(m: TestMachine, eip = RING3_CODE, eflags = 0x202): void {
  loadCache(m, 1, SEL.code3);
  for (const s of [0, 2, 3, 4, 5]) loadCache(m, s, SEL.data3);
  m.cpu.setCpl(3); // through the CPU, which picks the user fast tables and code view under paging
  m.cpu.eip = eip;
  m.cpu.setReg32(4, RING3_STACK);
  m.cpu.setEflags(eflags);
}

/**
 * Claims exceptions: run() stops at the first one, recorded here. INT n / INT3 / INTO and
 * external interrupts are left to the guest IDT unless `all` is set, so a fault raised while
 * delivering them is what a test sees.
 */
export function catchEvents(m: TestMachine, all = false): ExitEvent[] {
  const events: ExitEvent[] = [];
  m.cpu.exitHook = (e) => {
    if ((e.kind === "software" || e.kind === "external") && !all) return false;
    events.push(e);
    return true;
  };
  return events;
}

/** Runs until the first claimed exception and returns it (fails the test if none). */
export function firstEvent(m: TestMachine, max = 1000): ExitEvent {
  const events = catchEvents(m);
  const stop = m.cpu.run(max);
  if (stop.kind !== "exception" || events.length === 0) {
    throw new Error(`expected an exception, got ${JSON.stringify(stop)} at eip ${m.cpu.eip.toString(16)}`);
  }
  return events[0]!;
}

/** The dwords at `addr`, `count` of them. */
export function dwords(m: TestMachine, addr: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => rd32(m, addr + 4 * k));
}

export { CODE, GDT, IDT };
