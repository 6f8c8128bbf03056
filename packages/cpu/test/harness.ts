import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu, type CpuModel, type StopReason } from "../src/index.js";

/** Where test code is placed. */
export const CODE = 0x1000;
/** Test GDT, IDT and stack locations (all inside the 1 MiB test RAM). */
export const GDT = 0x500;
export const IDT = 0x800;
export const STACK_TOP = 0x9000;

export interface TestMachine {
  cpu: Cpu;
  bus: Bus;
  clock: VirtualClock;
  ram: Uint8Array;
}

/** A CPU (of `model`, default ringlab's) in flat 32-bit mode at CODE with `code` loaded, ESP = STACK_TOP. */
export function machine(code: ArrayLike<number>, at = CODE, model?: CpuModel): TestMachine {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const clock = new VirtualClock();
  const cpu = new Cpu(bus, clock, model);
  bus.memory.ram8.set(code, at);
  cpu.setFlat32(at);
  cpu.setReg32(4, STACK_TOP);
  return { cpu, bus, clock, ram: bus.memory.ram8 };
}

/** Runs until HLT (at most `max` instructions) and checks that HLT is why it stopped. */
export function runToHalt(cpu: Cpu, max = 100_000): StopReason {
  const stop = cpu.run(max);
  if (stop.kind !== "halt") throw new Error(`expected halt, got ${JSON.stringify(stop)} at eip ${cpu.eip.toString(16)}`);
  return stop;
}

export function rd32(m: TestMachine, addr: number): number {
  const r = m.ram;
  return (r[addr]! | (r[addr + 1]! << 8) | (r[addr + 2]! << 16) | (r[addr + 3]! << 24)) >>> 0;
}

export function wr32(m: TestMachine, addr: number, v: number): void {
  m.ram[addr] = v;
  m.ram[addr + 1] = v >>> 8;
  m.ram[addr + 2] = v >>> 16;
  m.ram[addr + 3] = v >>> 24;
}

/** EFLAGS status-flag bits. */
export const F = { CF: 1, PF: 4, AF: 0x10, ZF: 0x40, SF: 0x80, TF: 0x100, IF: 0x200, DF: 0x400, OF: 0x800 };
export const STATUS = 0x8d5;

/** The six status flags of EFLAGS. */
export function status(cpu: Cpu): number {
  return cpu.getEflags() & STATUS;
}

/**
 * A GDT with a flat 32-bit code segment at 0x08, flat data at 0x10, a 16-bit data segment
 * with base 0x10000 and limit 0xFFF at 0x18, and a flat 16-bit code segment at 0x20.
 */
export function installGdt(m: TestMachine): void {
  const d = [
    [0, 0],
    [0x0000ffff, 0x00cf9a00],
    [0x0000ffff, 0x00cf9200],
    [0x00000fff, 0x00009201],
    [0x0000ffff, 0x000f9a00],
  ];
  d.forEach(([lo, hi], k) => {
    wr32(m, GDT + 8 * k, lo!);
    wr32(m, GDT + 8 * k + 4, hi!);
  });
  m.cpu.gdtrBase = GDT;
  m.cpu.gdtrLimit = d.length * 8 - 1;
}

/** Writes an IDT gate (type 0xE = 32-bit interrupt gate, 0xF = trap gate). */
export function setGate(m: TestMachine, vector: number, handler: number, type = 0xe, dpl = 0, present = true): void {
  const lo = (0x08 << 16) | (handler & 0xffff);
  const hi = (handler & 0xffff0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8);
  wr32(m, IDT + vector * 8, lo);
  wr32(m, IDT + vector * 8 + 4, hi);
}

/** GDT plus an IDT of 256 entries (all not present) at IDT. */
export function installIdt(m: TestMachine): void {
  installGdt(m);
  m.ram.fill(0, IDT, IDT + 256 * 8);
  m.cpu.idtrBase = IDT;
  m.cpu.idtrLimit = 256 * 8 - 1;
}

/** Runs `code` to HLT and returns the machine. */
export function exec(code: ArrayLike<number>, setup?: (m: TestMachine) => void): TestMachine {
  const m = machine(code);
  setup?.(m);
  runToHalt(m.cpu);
  return m;
}

const REG_INDEX: Record<string, number> = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 };

/** A table-driven case: hand-encoded bytes, initial state, expected registers/memory/flags. */
export interface Case {
  name: string;
  /** The source the bytes were assembled from (nasm), for the reader. */
  asm: string;
  code: number[];
  /** Registers by name, "eflags", or "m0xADDR" for a 32-bit memory word. */
  init: Record<string, number>;
  expect: Record<string, number>;
  /** Expected status flags (CF PF AF ZF SF OF bits of EFLAGS). */
  flags: number;
}

/** Runs a case to the HLT placed after its code and returns what to compare. */
export function runCase(c: Case): { regs: Record<string, number>; flags: number; wanted: Record<string, number> } {
  const m = machine([...c.code, 0xf4]);
  for (const [k, v] of Object.entries(c.init)) {
    if (k === "eflags") m.cpu.setEflags(v);
    else if (k.startsWith("m")) wr32(m, Number(k.slice(1)), v);
    else m.cpu.setReg32(REG_INDEX[k]!, v);
  }
  runToHalt(m.cpu);
  const regs: Record<string, number> = {};
  for (const k of Object.keys(c.expect)) {
    regs[k] = k.startsWith("m") ? rd32(m, Number(k.slice(1))) : m.cpu.getReg32(REG_INDEX[k]!);
  }
  return { regs, flags: status(m.cpu), wanted: c.expect };
}
