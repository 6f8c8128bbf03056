import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { UD } from "../exceptions/vectors.js";
import { ZF } from "../state/eflags.js";
import { getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { ADD, alu, CMP } from "./alu.js";
import { getReg, readE, setReg, writeE } from "./operand.js";

/**
 * The i486/Pentium exchange instructions (SDM vol.2 CMPXCHG, CMPXCHG8B, XADD). On one CPU
 * LOCK changes nothing visible, so they are plain read-modify-write sequences; like the
 * processor, a memory destination is written back even when the comparison fails.
 */

/** CMPXCHG Eb,Gb / Ev,Gv: flags as CMP accumulator,dest. */
export function cmpxchg(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const dest = readE(cpu, i, true);
  const acc = getReg(cpu, 0, size);
  alu(cpu, CMP, acc, dest, size);
  if (cpu.ccRes === 0) {
    writeE(cpu, i, getReg(cpu, i.reg, size));
  } else {
    writeE(cpu, i, dest);
    setReg(cpu, 0, size, dest);
  }
}

/** CMPXCHG8B Mq (0F C7 /1): only ZF changes. */
export function cmpxchg8b(cpu: Cpu, i: Insn): void {
  if (i.rm >= 0) fault(UD);
  const lin = cpu.addr(i, 8, true);
  const lo = cpu.rd32(lin);
  const hi = cpu.rd32((lin + 4) | 0);
  const r = cpu.regs;
  const f = getStatusFlags(cpu);
  if (lo === r[0] && hi === r[2]) {
    cpu.wr32(lin, r[3]!);
    cpu.wr32((lin + 4) | 0, r[1]!);
    setStatusFlags(cpu, f | ZF);
  } else {
    cpu.wr32(lin, lo);
    cpu.wr32((lin + 4) | 0, hi);
    r[0] = lo;
    r[2] = hi;
    setStatusFlags(cpu, f & ~ZF);
  }
}

/** XADD Eb,Gb / Ev,Gv: dest = dest + src, src = old dest; flags as ADD. */
export function xadd(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const dest = readE(cpu, i, true);
  const src = getReg(cpu, i.reg, size);
  const sum = alu(cpu, ADD, dest, src, size);
  setReg(cpu, i.reg, size, dest);
  writeE(cpu, i, sum);
}
