import { Cpu, type CpuModel, DEFAULT_CPU_MODEL, findCpuModel } from "@ringlab/cpu";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { createPolicy, type MonitorPolicy } from "../src/index.js";

/** xorshift32: a deterministic pseudo-random stream. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const GDT = 0x1000;
const IDT = 0x3000;
const TSS = 0x4000;
const HALT_STUB = 0x2800; // every vector: hlt
const IRET_STUB = 0x2810; // vector 0x30 (DPL 3): iretd
const SYSENTER_STUB = 0x2820; // SYSENTER_EIP: pushfd / pop eax / sysexit (back to EDX, ESP = ECX)
const CODE = 0x10000;
const DATA = 0x6000;
const SELECTORS = [0, 0x08, 0x10, 0x1b, 0x23, 0x28, 0x0b, 0x13, 0x18, 0x20, 0x30, 0xfffc];

/**
 * Generates `count` instructions at ring 0 from templates weighted towards what a monitor
 * must get right: the sensitive and privileged instructions, flags, selectors, I/O, software
 * interrupts, far jumps and a drop to ring 3 by IRETD, mixed with ordinary ALU work. With
 * `sysenter`, also SYSENTER and SYSEXIT (each returning to the next instruction) and WRMSR
 * of SYSENTER_CS (sometimes 0, which makes both #GP(0)).
 */
function program(rnd: () => number, count: number, sysenter = false): number[] {
  const out: number[] = [];
  const imm32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  const dataAddr = () => imm32(DATA + (rnd() % 0x100) * 4);
  const templates: (() => number[])[] = [
    () => [0x9c], // pushfd
    () => [0x9d], // popfd
    () => [0xfa], // cli
    () => [0xfb], // sti
    () => [0x8c, 0xc8 + (rnd() % 8)], // mov r32, cs
    () => [0x8c, 0xd0 + (rnd() % 8)], // mov r32, ss
    () => [0x8c, 0xd8], // mov eax, ds
    () => [[0x06, 0x0e, 0x16, 0x1e][rnd() % 4]!], // push es/cs/ss/ds
    () => [[0x07, 0x1f][rnd() % 2]!], // pop es/ds
    () => [0x0f, 0x01, 0x05, ...dataAddr()], // sgdt
    () => [0x0f, 0x01, 0x0d, ...dataAddr()], // sidt
    () => [0x0f, 0x00, 0xc0], // sldt eax
    () => [0x0f, 0x01, 0xe0], // smsw eax
    () => [0x0f, 0x00, 0xc8], // str eax
    () => [0x0f, 0x02, 0xc1], // lar eax, ecx
    () => [0x0f, 0x03, 0xc1], // lsl eax, ecx
    () => [0x0f, 0x00, 0xe1], // verr cx
    () => [0x0f, 0x00, 0xe9], // verw cx
    () => [0xb9, ...imm32(SELECTORS[rnd() % SELECTORS.length]!)], // mov ecx, selector
    () => [0x8e, 0xd9], // mov ds, ecx
    () => [0x8e, 0xc1], // mov es, ecx
    () => [0xe4, [0x40, 0x61, 0x80, 0x21][rnd() % 4]!], // in al, port
    () => [0xe6, 0x80], // out 0x80, al
    () => [0xb0, rnd() & 7, 0xe6, 0x21], // mov al, n / out 0x21, al: request interrupt 0x40+n
    () => [0xe6, 0xa1], // out 0xa1, al: withdraw the request
    () => [0xcd, 0x30], // int 0x30 (iretd stub)
    () => [0x0f, 0x31], // rdtsc
    () => [0x0f, 0x20, 0xc0 + (rnd() % 4) * 8], // mov eax, cr0..cr3
    () => [0x0f, 0xa2], // cpuid
    () => [0x8b, 0x05, ...dataAddr()], // mov eax, [data]
    () => [0x89, 0x05, ...dataAddr()], // mov [data], eax
    () => [0x40 + (rnd() % 8)], // inc r32
    () => [0x01, 0xc0 + (rnd() % 64)], // add r32, r32
    () => [0x35, ...imm32(rnd())], // xor eax, imm
    () => [0x68, ...imm32(rnd() & 0x3fd7)], // push imm (for popfd: IF, IOPL, NT, TF...)
  ];
  const jmpFar = (at: number): number[] => [0xea, ...imm32(at + 7), 0x08, 0x00]; // jmp 0x08:next
  // push 0x23 / push esp-ish / push eflags / push 0x1b / push next / iretd: to ring 3
  const toRing3 = (at: number): number[] => [0x6a, 0x23, 0x68, ...imm32(0x7800), 0x68, ...imm32(0x202 | (rnd() & 0x3000)), 0x6a, 0x1b, 0x68, ...imm32(at + 20), 0xcf];
  // mov edx,next / mov ecx,esp / sysenter — or — mov edx,next / mov ecx,0x7800 / sysexit
  const sysCall = (at: number): number[] =>
    rnd() % 2 ? [0xba, ...imm32(at + 9), 0x89, 0xe1, 0x0f, 0x34] : [0xba, ...imm32(at + 12), 0xb9, ...imm32(0x7800), 0x0f, 0x35];
  // mov ecx,0x174 / mov eax,0x08 or 0 / xor edx,edx / wrmsr
  const setSysenterCs = (): number[] => [0xb9, ...imm32(0x174), 0xb8, ...imm32(rnd() % 4 ? 0x08 : 0), 0x31, 0xd2, 0x0f, 0x30];
  for (let k = 0; k < count; k++) {
    const r = rnd() % 100;
    const at = CODE + out.length;
    if (r < 3) out.push(...jmpFar(at));
    else if (r < 5) out.push(...toRing3(at));
    else if (sysenter && r < 10) out.push(...sysCall(at));
    else if (sysenter && r < 12) out.push(...setSysenterCs());
    else out.push(...templates[rnd() % templates.length]!());
  }
  out.push(0xf4);
  return out;
}

function descriptor(base: number, limit: number, access: number, flags: number): number[] {
  return [limit & 0xff, (limit >> 8) & 0xff, base & 0xff, (base >> 8) & 0xff, (base >> 16) & 0xff, access, flags | ((limit >> 16) & 0xf), base >>> 24];
}

function gate(offset: number, dpl: number): number[] {
  return [offset & 0xff, (offset >> 8) & 0xff, 0x08, 0x00, 0x00, 0x8e | (dpl << 5), (offset >> 16) & 0xff, offset >>> 24];
}

interface Rig {
  bus: Bus;
  clock: VirtualClock;
  cpu: Cpu;
  policy: MonitorPolicy;
  /** The test controller's request: vector 0x40-0x47, or -1. */
  request: number;
  /** Every interrupt and exception the guest received: count, vector, kind, CS:EIP, error. */
  events: string[];
}

/** One machine per policy and CPU model, reused from program to program (power-on state each time). */
const rigs = new Map<string, Rig>();
function rig(name: string, model: CpuModel): Rig {
  let r = rigs.get(`${name} ${model.name}`);
  if (r === undefined) {
    const bus = new Bus({ ramSize: 1 << 20 });
    bus.memory.mapRam("ram", 0, 1 << 20);
    const clock = new VirtualClock();
    const cpu = new Cpu(bus, clock, model);
    const rr: Rig = { bus, clock, cpu, policy: createPolicy(name, cpu), request: -1, events: [] };
    // A minimal interrupt controller the programs drive themselves: OUT 0x21 raises
    // request 0x40 + (AL & 7), OUT 0xA1 withdraws it; it tells the CPU at once, like a PIC.
    bus.setInterruptController("test-intr", {
      hasPendingInterrupt: () => rr.request >= 0,
      acknowledge: () => {
        const v = rr.request;
        rr.request = -1;
        return v;
      },
    });
    bus.ports.claim({
      owner: "test-intr",
      base: 0x21,
      count: 1,
      handlers: { read8: () => 0xff, write8: (_o, v) => ((rr.request = 0x40 | (v & 7)), bus.interruptRequestChanged()) },
    });
    bus.ports.claim({ owner: "test-intr", base: 0xa1, count: 1, handlers: { write8: () => (rr.request = -1) } });
    cpu.deliveryHook = (vector, kind, cs, eip, err) => rr.events.push(`${clock.instructions} ${vector} ${kind} ${cs}:${eip} ${err}`);
    rigs.set(`${name} ${model.name}`, (r = rr));
  }
  r.request = -1;
  r.events = [];
  r.bus.memory.ram8.fill(0);
  r.clock.reset();
  r.cpu.reset();
  r.policy.reset();
  return r;
}

/** Runs one generated program under `policy` and returns everything the guest could observe. */
function run(policy: string, code: number[], regs: number[], flags: number, arrival: number, model = DEFAULT_CPU_MODEL) {
  const r = rig(policy, model);
  const { bus, clock, cpu, policy: p } = r;
  const ram = bus.memory.ram8;
  ram.set(
    [
      ...descriptor(0, 0, 0, 0),
      ...descriptor(0, 0xfffff, 0x9a, 0xc0),
      ...descriptor(0, 0xfffff, 0x92, 0xc0),
      ...descriptor(0, 0xfffff, 0xfa, 0xc0),
      ...descriptor(0, 0xfffff, 0xf2, 0xc0),
      ...descriptor(TSS, 0x67, 0x89, 0),
    ],
    GDT,
  );
  // Vector 0x30 (INT 0x30) and the test controller's 0x40-0x47 return with IRETD; the rest halt.
  const returns = (v: number) => v === 0x30 || (v >= 0x40 && v < 0x48);
  for (let v = 0; v < 256; v++) ram.set(gate(returns(v) ? IRET_STUB : HALT_STUB, v === 0x30 ? 3 : 0), IDT + v * 8);
  ram[HALT_STUB] = 0xf4;
  ram[IRET_STUB] = 0xcf;
  ram.set([0x9c, 0x58, 0x0f, 0x35], SYSENTER_STUB);
  // The GDT's 0x08, 0x10, 0x1B, 0x23 are what SYSENTER/SYSEXIT derive from SYSENTER_CS = 0x08.
  cpu.sysenterCs = 0x08;
  cpu.sysenterEsp = 0x9800;
  cpu.sysenterEip = SYSENTER_STUB;
  ram.set([0x00, 0x90, 0, 0, 0x10, 0, 0, 0], TSS + 4); // ESP0 = 0x9000, SS0 = 0x10
  ram.set(code, CODE);
  cpu.setFlat32(CODE);
  cpu.gdtrBase = GDT;
  cpu.gdtrLimit = 0x2f;
  cpu.idtrBase = IDT;
  cpu.idtrLimit = 0x7ff;
  // The TR as LTR 0x28 would leave it (busy bit set in the descriptor).
  ram[GDT + 0x28 + 5] = 0x8b;
  cpu.segSel[7] = 0x28;
  cpu.segBase[7] = TSS;
  cpu.segLimit[7] = 0x67;
  cpu.segAttr[7] = 0x8b;
  for (let r = 0; r < 8; r++) cpu.setReg32(r, regs[r]!);
  cpu.setReg32(4, 0x8000);
  cpu.setEflags(flags);
  // A device request (vector 0x47) arrives at instruction `arrival`, as a timer firing
  // between two instructions would: right after an STI, a MOV SS, a POPF, anywhere.
  let stop = p.run(arrival);
  if (stop.kind === "budget") {
    r.request = 0x47;
    bus.interruptRequestChanged();
    stop = p.run(3000 - arrival);
  }
  // An HLT with IF=1 waits for an interrupt that never comes: that is where it ends, too.
  if (stop.kind === "halt") stop = { kind: "halt" };
  let hash = 0;
  for (let a = 0; a < 0x20000; a += 4) hash = (Math.imul(hash, 31) + (ram[a]! | (ram[a + 1]! << 8) | (ram[a + 2]! << 16) | (ram[a + 3]! << 24))) | 0;
  return {
    stop,
    exits: p.stats.total,
    regs: Array.from({ length: 8 }, (_, r) => cpu.getReg32(r)),
    eip: cpu.eip,
    eflags: cpu.getEflags(),
    sel: Array.from(cpu.segSel),
    cpl: cpu.cpl,
    cr: [cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4],
    idtr: [cpu.idtrBase, cpu.idtrLimit],
    sysenter: [cpu.sysenterCs, cpu.sysenterEsp, cpu.sysenterEip],
    instructions: clock.instructions,
    hash,
    events: r.events,
  };
}

/**
 * Programs per run of the test. 20,000 with each of the seeds 0x71e5, 0x1234, 0xbeef and
 * 0x9999 passed on 2026-11-25 (about 280,000 instructions and 380,000 exits per 20,000); the
 * first such run found a CPU bug (an HLT single-stepped with TF left a stale stop request).
 */
const ROUNDS = 3000;
/** Programs of the SYSENTER run: 10,000 with each of the seeds 0x5e9, 0x1234 and 0xbeef passed on 2026-12-03. */
const SYSENTER_ROUNDS = 1000;

describe("generated programs: the guest cannot tell the policies apart", () => {
  it(`${ROUNDS} programs of sensitive, privileged, I/O and ordinary instructions end in the same state, with the same event log, under every policy`, { timeout: 120_000 }, () => {
    const rnd = prng(0x71e5);
    let instructions = 0;
    let exits = 0;
    let interrupts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const code = program(rnd, 40);
      const regs = Array.from({ length: 8 }, () => rnd());
      const flags = 0x2 | (rnd() & 0x8d5); // status flags, DF, OF; IF/TF/IOPL come from the program
      const arrival = 1 + (rnd() % 30);
      const pure = run("pure", code, regs, flags, arrival);
      instructions += pure.instructions;
      interrupts += pure.events.filter((e) => e.includes("external")).length;
      for (const policy of ["scan-patch", "pvi", "vtx"] as const) {
        const r = run(policy, code, regs, flags, arrival);
        exits += r.exits;
        expect({ ...r, exits: 0 }, `round ${round} under ${policy}`).toEqual({ ...pure, exits: 0 });
      }
    }
    // The programs do run: not all stop at their first instruction.
    expect(instructions).toBeGreaterThan(ROUNDS * 10);
    expect(exits).toBeGreaterThan(ROUNDS * 10);
    // And device interrupts do reach the guest.
    expect(interrupts).toBeGreaterThan(ROUNDS / 10);
  });

  it(`${SYSENTER_ROUNDS} programs with SYSENTER, SYSEXIT and WRMSR SYSENTER_CS on the Pentium II model: the same under every policy`, { timeout: 120_000 }, () => {
    const p2 = findCpuModel("pentium2")!;
    const rnd = prng(0x5e9);
    let sysenters = 0;
    for (let round = 0; round < SYSENTER_ROUNDS; round++) {
      const code = program(rnd, 40, true);
      const regs = Array.from({ length: 8 }, () => rnd());
      const flags = 0x2 | (rnd() & 0x8d5);
      const arrival = 1 + (rnd() % 30);
      const pure = run("pure", code, regs, flags, arrival, p2);
      for (const policy of ["scan-patch", "pvi", "vtx"] as const) {
        const r = run(policy, code, regs, flags, arrival, p2);
        if (policy === "scan-patch") sysenters += rigs.get(`scan-patch ${p2.name}`)!.policy.stats.rows().find((x) => x.instruction === "sysenter")?.count ?? 0;
        expect({ ...r, exits: 0 }, `round ${round} under ${policy}`).toEqual({ ...pure, exits: 0 });
      }
    }
    // SYSENTER did run, and exited to the monitor each time it ran deprivileged.
    expect(sysenters).toBeGreaterThan(SYSENTER_ROUNDS / 10);
  });
});
