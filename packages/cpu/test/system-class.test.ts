import { describe, expect, it } from "vitest";
import { type ExitEvent, findCpuModel, SYS, type SystemClass } from "../src/index.js";
import type { OpDef } from "../src/decode/opcode-def.js";
import { isGroup } from "../src/decode/opcode-def.js";
import { OPCODES } from "../src/decode/opcode-table.js";
import { CODE, IDT, machine, STACK_TOP, type TestMachine } from "./harness.js";
import { catchEvents, installProtectedMode } from "./pm-harness.js";

/**
 * The privilege facts the opcode table states (decode/system-class.ts) are what every
 * monitor policy derives its intercepts from, so they must be complete. Checked here against
 * the CPU itself, form by form: each instruction form of the table runs once from the same
 * state, changed in one way a deprivileging monitor changes it — CPL 0 → 3 (ring
 * compression keeps the guest's segments loaded and only lowers CPL), EFLAGS.IF 1 → 0, the
 * IDT moved — and any form that behaves differently must say so in the table. Every form
 * marked privileged must raise #GP(0) at CPL 3 (SDM vol.3 §5.9), and a form that raises
 * #GP(0) only at CPL 3 must be marked privileged, IOPL-sensitive, TSD-guarded or I/O.
 */

/** A form of the table: its bytes (zero operands, memory operands at DATA) and its definition. */
interface Form {
  label: string;
  bytes: number[];
  def: OpDef;
}

const DATA = 0x4000;
const IDT2 = 0x5000;
const CR4_TSD = 1 << 2;

function forms(): Form[] {
  const out: Form[] = [];
  const opBytes = (op: number) => (op >= 0x100 ? [0x0f, op & 0xff] : [op]);
  for (let op = 0; op < 0x200; op++) {
    const e = OPCODES[op] ?? null;
    if (e === null) continue;
    const hex = op.toString(16).padStart(op >= 0x100 ? 3 : 2, "0");
    if (!isGroup(e)) {
      // A ModRM form: the memory operand at DATA, and the register form (ECX) when it differs.
      if (e.modrm) {
        out.push({ label: `${hex} mem`, bytes: [...opBytes(op), 0x05, ...le32(DATA)], def: e });
        out.push({ label: `${hex} reg`, bytes: [...opBytes(op), 0xc1], def: e });
      } else out.push({ label: hex, bytes: opBytes(op), def: e });
      continue;
    }
    for (let reg = 0; reg < 8; reg++) {
      const mem = e.group[reg] ?? null;
      const rf = e.regForms !== undefined ? (e.regForms[reg] ?? null) : mem;
      if (mem !== null) out.push({ label: `${hex}/${reg} mem`, bytes: [...opBytes(op), (reg << 3) | 0x05, ...le32(DATA)], def: mem });
      if (rf !== null) out.push({ label: `${hex}/${reg} reg`, bytes: [...opBytes(op), 0xc1 | (reg << 3)], def: rf });
    }
  }
  return out;
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

/** What one instruction did: how it stopped, and the state after it. */
interface Outcome {
  stop: string;
  event: Pick<ExitEvent, "vector" | "errorCode"> | null;
  regs: number[];
  eflags: number;
  eip: number;
  sels: number[];
  ram: Uint8Array;
}

/**
 * One machine for every run (building a CPU is slow), powered on afresh for each: a
 * Pentium II, the model with the most instructions (SYSENTER/SYSEXIT, CMOV, FCOMI...).
 */
const m = machine([], CODE, findCpuModel("pentium2"));

/** Runs `bytes` once at CODE from the test state, after `change`; immediates are zero. */
function runOnce(bytes: number[], change: (m: TestMachine) => void): Outcome {
  const c = m.cpu;
  m.ram.fill(0);
  c.reset();
  m.clock.reset(); // RDTSC reads the same in every run
  m.ram.set(bytes, CODE);
  c.setFlat32(CODE);
  c.setReg32(4, STACK_TOP);
  installProtectedMode(m);
  // Selectors of ring-0 data in every register: segment loads and LAR/VERR see a DPL-0
  // descriptor; DX = 0x10 is a port the TSS bitmap denies.
  for (const r of [0, 1, 2, 3, 5, 6, 7]) c.setReg32(r, 0x10);
  c.setReg32(4, 0x7800);
  c.setEflags(0x202);
  c.cr4 |= CR4_TSD;
  m.ram.set(m.ram.subarray(IDT, IDT + 256 * 8), IDT2);
  change(m);
  const events = catchEvents(m, true);
  const stop = c.run(1);
  const ram = m.ram.slice(0, 0x10000);
  // The selectors without their RPL in CS/SS, which setCpl changes: a change the guest sees
  // only through the instructions that read them.
  const sels = Array.from(c.segSel);
  return {
    stop: stop.kind,
    event: events[0] ? { vector: events[0].vector, errorCode: events[0].errorCode } : null,
    regs: Array.from({ length: 8 }, (_, r) => c.getReg32(r)),
    eflags: c.getEflags(),
    eip: c.eip,
    sels,
    ram,
  };
}

/** Whether two outcomes differ in anything the guest could observe afterwards. */
function differ(a: Outcome, b: Outcome, ignoreRpl: boolean): boolean {
  const sel = (o: Outcome) => (ignoreRpl ? o.sels.map((s, i) => (i === 1 || i === 2 ? s & ~3 : s)) : o.sels);
  return (
    a.stop !== b.stop ||
    JSON.stringify(a.event) !== JSON.stringify(b.event) ||
    JSON.stringify(a.regs) !== JSON.stringify(b.regs) ||
    a.eflags !== b.eflags ||
    a.eip !== b.eip ||
    JSON.stringify(sel(a)) !== JSON.stringify(sel(b)) ||
    Buffer.compare(a.ram, b.ram) !== 0
  );
}

const marked = (sys: SystemClass | null, bits: number) => sys !== null && (sys.bits & bits) !== 0;
const ANY = SYS.privileged | SYS.ioplSensitive | SYS.io | SYS.sensitive | SYS.timeStampDisable | SYS.sysenter;

describe("the opcode table's privilege facts, checked against the CPU", () => {
  const all = forms();

  it("covers the whole table, and a run depends only on its form and the change", () => {
    // The shared machine is powered on afresh for every run: the same run twice is the same.
    for (const f of all) expect(differ(runOnce(f.bytes, () => {}), runOnce(f.bytes, () => {}), false), f.label).toBe(false);
    expect(all.length).toBeGreaterThan(400);
    expect(all.filter((f) => f.def.sys !== null).length).toBeGreaterThan(50);
  });

  it("every form marked privileged raises #GP(0) at CPL 3", () => {
    const wrong = all
      .filter((f) => marked(f.def.sys, SYS.privileged))
      .filter((f) => runOnce(f.bytes, () => {}).event?.vector !== 6) // the form exists (not #UD at CPL 0)
      .filter((f) => {
        const o = runOnce(f.bytes, (m) => m.cpu.setCpl(3));
        return !(o.event?.vector === 13 && o.event.errorCode === 0);
      })
      .map((f) => `${f.label} ${f.def.sys!.name}`);
    expect(wrong).toEqual([]);
  });

  it("a form that raises #GP(0) only at CPL 3 is marked privileged, IOPL-sensitive, TSD-guarded or I/O", () => {
    const unmarked: string[] = [];
    for (const f of all) {
      const ring0 = runOnce(f.bytes, () => {});
      const ring3 = runOnce(f.bytes, (m) => m.cpu.setCpl(3));
      const gp0 = (o: Outcome) => o.event?.vector === 13 && o.event.errorCode === 0;
      if (gp0(ring3) && !gp0(ring0) && !marked(f.def.sys, SYS.privileged | SYS.ioplSensitive | SYS.timeStampDisable | SYS.io)) {
        unmarked.push(`${f.label} ${f.def.mnem}`);
      }
    }
    expect(unmarked).toEqual([]);
  });

  it("a form that behaves differently at CPL 3, with IF = 0 or with the IDT moved states a privilege fact", () => {
    const unmarked: string[] = [];
    const changes: [string, (m: TestMachine) => void, boolean][] = [
      ["CPL 3", (m) => m.cpu.setCpl(3), true],
      ["IF = 0", (m) => m.cpu.setEflags(0x002), false],
      ["IDT moved", (m) => (m.cpu.idtrBase = IDT2), false],
    ];
    for (const f of all) {
      const base = runOnce(f.bytes, () => {});
      for (const [what, change, ignoreRpl] of changes) {
        const changed = runOnce(f.bytes, change);
        // The change itself is not a difference: compare with the same change made after a
        // run at the reference state... by masking what the change sets directly.
        const a = { ...base, eflags: what === "IF = 0" ? base.eflags & ~0x200 : base.eflags };
        const b = { ...changed, eflags: what === "IF = 0" ? changed.eflags & ~0x200 : changed.eflags };
        if (differ(a, b, ignoreRpl) && !marked(f.def.sys, ANY)) unmarked.push(`${f.label} ${f.def.mnem} (${what})`);
      }
    }
    expect(unmarked).toEqual([]);
  });
});
