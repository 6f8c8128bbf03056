import { Cpu, findCpuModel } from "@ringlab/cpu";
import { Bus, type JsonValue, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { createPolicy, type MonitorPolicy } from "../src/index.js";

const CODE = 0x2000;
const GDT = 0x1000;
const IDT = 0x3000;
const UD_HANDLER = 0x2800;

/**
 * A CPU in the Multiboot entry state (CPL 0, flat CS 0x08 / DS 0x10, IF=0), a Pentium II,
 * `code` at 0x2000, an IDT whose #UD gate leads to a HLT at 0x2800, and the policy attached.
 */
function machine(policy: string, code: number[], options: Record<string, unknown> = {}) {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const clock = new VirtualClock();
  const cpu = new Cpu(bus, clock, findCpuModel("pentium2"));
  const ram = bus.memory.ram8;
  ram.set([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0], GDT);
  // Gate 6: a 32-bit interrupt gate to 0x08:UD_HANDLER.
  ram.set([UD_HANDLER & 0xff, UD_HANDLER >>> 8, 0x08, 0, 0, 0x8e, 0, 0], IDT + 6 * 8);
  ram[UD_HANDLER] = 0xf4;
  ram.set(code, CODE);
  cpu.setFlat32(CODE);
  cpu.gdtrBase = GDT;
  cpu.gdtrLimit = 0x17;
  cpu.idtrBase = IDT;
  cpu.idtrLimit = 0xff;
  cpu.setReg32(4, 0x8000);
  const p: MonitorPolicy = createPolicy(policy, cpu, { options });
  return { cpu, clock, p };
}

/** Every control's instruction once (the comments say which exit the defaults make). */
const PROGRAM = [
  [0x0f, 0xa2], // cpuid: CPUID, always
  [0xe4, 0x60], // in al,0x60: IO_INSTRUCTION
  [0xe6, 0x80], // out 0x80,al: IO_INSTRUCTION
  [0x66, 0xba, 0xf8, 0x03], // mov dx,0x3f8
  [0xec], // in al,dx: IO_INSTRUCTION
  [0x0f, 0x31], // rdtsc: no exit (RDTSC exiting off)
  [0x0f, 0x20, 0xc0], // mov eax,cr0: never exits (the read shadow)
  [0x0f, 0x22, 0xc0], // mov cr0,eax: no bit changes, no exit
  [0x83, 0xc8, 0x02], // or eax,2
  [0x0f, 0x22, 0xc0], // mov cr0,eax: CR0.MP changes, an owned bit: CR_ACCESS
  [0x0f, 0x20, 0xd8], // mov eax,cr3: CR_ACCESS under shadow paging
  [0x0f, 0x22, 0xd8], // mov cr3,eax: CR_ACCESS under shadow paging
  [0x0f, 0x01, 0x3d, 0, 0, 0, 0], // invlpg [0]: INVLPG under shadow paging
  [0xb9, 0x10, 0, 0, 0], // mov ecx,0x10 (IA32_TIME_STAMP_COUNTER)
  [0x0f, 0x32], // rdmsr: RDMSR (no MSR bitmaps)
  [0x0f, 0x09], // wbinvd: WBINVD
  [0x0f, 0x01, 0x05, 0x00, 0x05, 0, 0], // sgdt [0x500]: no exit (descriptor-table exiting off)
  [0xf4], // hlt: HLT
].flat();
const PROGRAM_INSTRUCTIONS = 18;

/** The exits a run counted, `REASON label` → count. */
function exits(p: MonitorPolicy): Record<string, number> {
  return Object.fromEntries(p.stats.rows().map((r) => [`${r.reason} ${r.instruction}`, r.count]));
}

function run(options: Record<string, unknown> = {}, code = PROGRAM) {
  const m = machine("vtx", code, options);
  expect(m.p.run(1000)).toEqual({ kind: "halt" });
  return { ...m, exits: exits(m.p) };
}

const DEFAULT_EXITS = {
  "CPUID cpuid": 1,
  "IO_INSTRUCTION in": 2,
  "IO_INSTRUCTION out": 1,
  "CR_ACCESS mov to cr0": 1,
  "CR_ACCESS mov from cr3": 1,
  "CR_ACCESS mov to cr3": 1,
  "INVLPG invlpg": 1,
  "RDMSR rdmsr 0x10": 1,
  "WBINVD wbinvd": 1,
  "HLT hlt": 1,
};

describe("vtx: the VM-execution controls decide exactly what exits", () => {
  it("the defaults (shadow paging, unconditional I/O exiting, no MSR bitmaps, HLT exiting)", () => {
    const { exits: e, clock } = run();
    expect(e).toEqual(DEFAULT_EXITS);
    expect(clock.instructions).toBe(PROGRAM_INSTRUCTIONS);
  });

  it("runs the program exactly as pure does: same registers, CR0, memory written, instruction count", () => {
    const pure = machine("pure", PROGRAM);
    expect(pure.p.run(1000)).toEqual({ kind: "halt" });
    const vtx = run();
    for (let r = 0; r < 8; r++) expect(vtx.cpu.getReg32(r), `reg ${r}`).toBe(pure.cpu.getReg32(r));
    expect(vtx.cpu.cr0).toBe(pure.cpu.cr0);
    expect(vtx.cpu.eip).toBe(pure.cpu.eip);
    expect(vtx.cpu.bus.memory.ram8.slice(0x500, 0x506)).toEqual(pure.cpu.bus.memory.ram8.slice(0x500, 0x506));
    expect(vtx.clock.instructions).toBe(pure.clock.instructions);
    const c = vtx.p.counters();
    expect(c.direct + c.emulated).toBe(PROGRAM_INSTRUCTIONS);
    expect(c.emulated).toBe(Object.values(DEFAULT_EXITS).reduce((a, b) => a + b, 0));
  });

  it("io: none, one port, a port list", () => {
    const withoutIo = Object.fromEntries(Object.entries(DEFAULT_EXITS).filter(([k]) => !k.startsWith("IO_")));
    expect(run({ io: "none" }).exits).toEqual(withoutIo);
    expect(run({ io: 0x60 }).exits).toEqual({ ...withoutIo, "IO_INSTRUCTION in 0x0060": 1 });
    expect(run({ io: "0x80/0x3f8-0x3ff" }).exits).toEqual({ ...withoutIo, "IO_INSTRUCTION out 0x0080": 1, "IO_INSTRUCTION in 0x03f8": 1 });
    expect(run({ io: [0x3f8] }).exits).toEqual({ ...withoutIo, "IO_INSTRUCTION in 0x03f8": 1 });
  });

  it("hlt, rdtsc, wbinvd, descriptorTables", () => {
    const { "HLT hlt": _h, ...noHlt } = DEFAULT_EXITS;
    const r = run({ hlt: false });
    expect(r.exits).toEqual(noHlt);
    expect(r.cpu.halted).toBe(true); // it still halts
    expect(run({ rdtsc: true }).exits).toEqual({ ...DEFAULT_EXITS, "RDTSC rdtsc": 1 });
    const { "WBINVD wbinvd": _w, ...noWbinvd } = DEFAULT_EXITS;
    expect(run({ wbinvd: false }).exits).toEqual(noWbinvd);
    expect(run({ descriptorTables: true }).exits).toEqual({ ...DEFAULT_EXITS, "GDTR_IDTR sgdt": 1 });
  });

  it("msr: bitmaps with and without the MSR's bit", () => {
    const { "RDMSR rdmsr 0x10": _m, ...noMsr } = DEFAULT_EXITS;
    expect(run({ msr: "none" }).exits).toEqual(noMsr);
    expect(run({ msr: 0x174 }).exits).toEqual(noMsr);
    expect(run({ msr: "0x10" }).exits).toEqual(DEFAULT_EXITS);
  });

  it("cr0Mask: a MOV to CR0 exits only when it changes an owned bit", () => {
    const { "CR_ACCESS mov to cr0": _c, ...noCr0 } = DEFAULT_EXITS;
    expect(run({ cr0Mask: 0 }).exits).toEqual(noCr0);
    expect(run({ cr0Mask: 0x8000_0001 }).exits).toEqual(noCr0); // MP is the guest's
    expect(run({ cr0Mask: 0x2 }).exits).toEqual(DEFAULT_EXITS);
  });

  it("nested paging: no CR3 or INVLPG exits, unless their controls are set", () => {
    const { "CR_ACCESS mov from cr3": _a, "CR_ACCESS mov to cr3": _b, "INVLPG invlpg": _c, ...nested } = DEFAULT_EXITS;
    expect(run({ paging: "nested" }).exits).toEqual(nested);
    expect(run({ paging: "nested", cr3Load: true, invlpg: true }).exits).toEqual({ ...nested, "CR_ACCESS mov to cr3": 1, "INVLPG invlpg": 1 });
    expect(run({ paging: "nested", cr3Store: true }).exits).toEqual({ ...nested, "CR_ACCESS mov from cr3": 1 });
  });

  it("a guest's own UD2 reaches its IDT; the exception bitmap counts it", () => {
    const UD2_THEN_HLT = [0x0f, 0x0b, 0xf4];
    const plain = run({}, UD2_THEN_HLT);
    expect(plain.cpu.eip).toBe(UD_HANDLER + 1); // halted in the #UD handler
    expect(plain.exits).toEqual({ "HLT hlt": 1 });
    const counted = run({ exceptions: 1 << 6 }, UD2_THEN_HLT);
    expect(counted.cpu.eip).toBe(UD_HANDLER + 1);
    expect(counted.exits).toEqual({ "EXCEPTION_NMI #UD": 1, "HLT hlt": 1 });
  });

  it("privileged instructions at CPL 3 fault before any exit; CPUID still exits", () => {
    // At CPL 3 (a flat ring-3 CS is not needed: the CPL decides), HLT is #GP(0), the guest's.
    const m = machine("vtx", [0x0f, 0xa2, 0xf4], { exceptions: 1 << 13 });
    m.cpu.setCpl(3);
    m.p.run(2);
    // (The #GP then finds no gate 13: the triple fault that follows is not the point here.)
    expect(exits(m.p)).toMatchObject({ "CPUID cpuid": 1, "EXCEPTION_NMI #GP": 1 });
    expect(exits(m.p)["HLT hlt"]).toBeUndefined();
  });

  it("bad options are refused, naming the option", () => {
    expect(() => machine("vtx", PROGRAM, { paging: "ept" })).toThrow(/paging/);
    expect(() => machine("vtx", PROGRAM, { io: "0x3ff-0x3f8" })).toThrow(/io/);
    expect(() => machine("vtx", PROGRAM, { cpuid: false })).toThrow(/cpuid/);
  });

  it("saveState/loadState: the counts survive, and the restored policy intercepts again", () => {
    const a = run();
    const saved = JSON.parse(JSON.stringify(a.p.saveState!())) as JsonValue;
    const b = machine("vtx", PROGRAM);
    b.p.loadState!(saved);
    expect(exits(b.p)).toEqual(DEFAULT_EXITS);
    expect(b.p.counters().direct).toBe(a.p.counters().direct);
    b.p.run(1000);
    expect(exits(b.p)["CPUID cpuid"]).toBe(2);
    expect(() => machine("vtx", PROGRAM, { paging: "nested" }).p.loadState!(saved)).toThrow(/paging/);
  });
});
