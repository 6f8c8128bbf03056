import { Bus, VirtualClock } from "@ringlab/sdk";
import { Cpu, type Engine } from "../../src/index.js";
import type { DiffCase, MachineResult, StopInfo } from "./diff-case.js";
import { REGIONS } from "./layout.js";

const HLT = 0xf4;

/**
 * Runs differential cases on ringlab's CPU, in the same flat layout Unicorn uses: only the
 * code, data and stack regions are mapped. One Bus/Cpu is reused; every case rewrites all
 * three regions, the registers and EFLAGS, and flushes the decoded-code cache.
 */
export class CpuHarness {
  private readonly bus: Bus;
  private readonly cpu: Cpu;

  /** `engine`: the execution engine (the JIT translates every block at first sight). */
  constructor(engine: Engine = "interp") {
    const top = Math.max(...REGIONS.map((r) => r.addr + r.size));
    this.bus = new Bus({ ramSize: top });
    for (const r of REGIONS) this.bus.memory.mapRam(`diff-${r.addr.toString(16)}`, r.addr, r.size);
    this.cpu = new Cpu(this.bus, new VirtualClock());
    this.cpu.setEngine(engine, 1);
    // Claim every exception/interrupt (there is no IDT): run() stops with it, EIP left at the
    // faulting instruction for faults, like Unicorn's interrupt hook reports it.
    this.cpu.exitHook = () => true;
  }

  /** Initial memory image of every region (code + the HLT sentinel after it + fills). */
  private image(c: DiffCase): Map<number, Uint8Array> {
    const img = new Map<number, Uint8Array>();
    for (const r of REGIONS) img.set(r.addr, new Uint8Array(r.size));
    const poke = (addr: number, bytes: readonly number[]) => {
      for (const [base, buf] of img) {
        if (addr >= base && addr + bytes.length <= base + buf.length) {
          buf.set(bytes, addr - base);
          return;
        }
      }
      throw new Error(`${c.id}: fill at 0x${addr.toString(16)}+${bytes.length} is outside the mapped regions`);
    };
    // The sentinel HLT stops ringlab's CPU at the end of the block (Unicorn stops there by address).
    poke(c.org, [...c.code, HLT]);
    for (const [addr, bytes] of c.fill) poke(addr, bytes);
    return img;
  }

  /**
   * Runs one case. With `slice` > 0 the budget is handed out `slice` instructions at a time
   * (run(slice) repeatedly), which interrupts REP string instructions and flag producers/
   * consumers at every possible boundary: the final state must not change.
   */
  run(c: DiffCase, slice = 0): MachineResult {
    const img = this.image(c);
    const ram = this.bus.memory.ram8;
    for (const [base, buf] of img) ram.set(buf, base);
    const cpu = this.cpu;
    cpu.setFlat32(c.org);
    for (let i = 0; i < 8; i++) cpu.setReg32(i, c.regs[i]!);
    cpu.setEflags(c.eflags);
    // Unicorn's fresh engine has CR2-CR4 = 0; setFlat32 turned paging off but leaves them.
    cpu.cr2 = cpu.cr3 = cpu.cr4 = 0;
    if (c.gdt) {
      // setFlat32 already holds CS=0x08 and data selectors 0x10 with flat caches, which the
      // case's GDT describes identically (accessed bits set, so no descriptor write is owed).
      cpu.gdtrBase = c.gdt[0];
      cpu.gdtrLimit = c.gdt[1];
    }
    cpu.flushCodeCache();
    const end = c.org + c.code.length;
    let stop: StopInfo;
    let eip: number;
    let errorCode: number | undefined;
    try {
      let s = cpu.run(slice > 0 ? slice : c.count);
      for (let used = slice; slice > 0 && s.kind === "budget" && used < c.count; used += slice) s = cpu.run(slice);
      eip = cpu.eip >>> 0;
      if (s.kind === "halt" && eip === end + 1) {
        stop = { kind: "end" };
        eip = end; // Unicorn stops *at* the end address; ringlab retires the sentinel HLT.
      } else if (s.kind === "halt") stop = { kind: "error", message: `halted at 0x${eip.toString(16)} (not at the end sentinel)` };
      else if (s.kind === "budget") stop = { kind: "count" };
      else if (s.kind === "exception") {
        stop = { kind: "exception", vector: s.vector };
        errorCode = s.errorCode;
      }
      else stop = { kind: "error", message: `shutdown: ${s.why}` };
    } catch (e) {
      eip = cpu.eip >>> 0;
      stop = { kind: "error", message: `threw: ${(e as Error).message}` };
    }
    const mem = new Map<number, number>();
    for (const [base, buf] of img) {
      for (let i = 0; i < buf.length; i++) {
        const v = ram[base + i]!;
        if (v !== buf[i]) mem.set(base + i, v);
      }
    }
    return {
      regs: Array.from({ length: 8 }, (_, i) => cpu.getReg32(i) >>> 0),
      eip,
      eflags: cpu.getEflags() >>> 0,
      mem,
      stop,
      cr2: cpu.cr2 >>> 0,
      sregs: Array.from({ length: 6 }, (_, i) => cpu.segSel[i]! & 0xffff),
      ...(errorCode !== undefined ? { errorCode } : {}),
    };
  }
}
