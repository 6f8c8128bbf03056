import { fault } from "../exceptions/cpu-fault.js";
import { GP, TS } from "../exceptions/vectors.js";
import { TR } from "../state/registers.js";
import { ATTR_P } from "../state/segment-cache.js";
import type { CpuMemory } from "./linear-memory.js";
import { sysRd16, sysRd32 } from "./system-access.js";

/**
 * What the current task-state segment provides outside task switches (SDM vol.3 §7.2.1,
 * fig. 7-2 and 7-11): the inner-level stack pointers SS0:ESP0..SS2:ESP2 used on a privilege
 * change, and the I/O permission bitmap (SDM vol.1 §18.5.2).
 */

/** True when TR holds a 32-bit TSS (type 9 or 11); false for a 16-bit (type 1 or 3) one. */
export function tss32(cpu: CpuMemory): boolean {
  return (cpu.segAttr[TR]! & 8) !== 0;
}

/** Result of {@link innerStackPointer}: kept in a reused object (no allocation per event). */
export interface StackPointer {
  ss: number;
  esp: number;
}

/**
 * Reads SSn:ESPn for privilege level `pl` from the current TSS. A TSS too short to hold
 * them raises #TS(TR selector + EXT) (SDM vol.2 "INT n" and "CALL", inter-privilege case).
 */
export function innerStackPointer(cpu: CpuMemory, pl: number, ext: number, out: StackPointer): StackPointer {
  const base = cpu.segBase[TR]!;
  const limit = cpu.segLimit[TR]! >>> 0;
  const err = (cpu.segSel[TR]! & 0xfffc) | ext;
  if (!(cpu.segAttr[TR]! & ATTR_P)) fault(TS, err);
  if (tss32(cpu)) {
    const at = 8 * pl + 4;
    if (at + 5 > limit) fault(TS, err);
    out.esp = sysRd32(cpu, (base + at) | 0) >>> 0;
    out.ss = sysRd16(cpu, (base + at + 4) | 0);
  } else {
    const at = 4 * pl + 2;
    if (at + 3 > limit) fault(TS, err);
    out.esp = sysRd16(cpu, (base + at) | 0);
    out.ss = sysRd16(cpu, (base + at + 2) | 0);
  }
  return out;
}

/**
 * The I/O permission bitmap check for an access of `bytes` bytes at `port` when CPL > IOPL
 * (or in virtual-8086 mode): every bit for the ports touched must be 0 and lie inside the
 * TSS limit; a 16-bit TSS has no bitmap (SDM vol.1 §18.5.2). False means #GP(0); the
 * caller raises it. (Reading the TSS may itself fault, e.g. #PF: that is thrown.)
 */
export function ioBitmapAllows(cpu: CpuMemory, port: number, bytes: number): boolean {
  if (!(cpu.segAttr[TR]! & ATTR_P) || !tss32(cpu)) return false;
  const limit = cpu.segLimit[TR]! >>> 0;
  if (limit < 0x67) return false;
  const base = cpu.segBase[TR]!;
  const mapBase = sysRd16(cpu, (base + 0x66) | 0);
  const at = mapBase + (port >>> 3);
  // The processor always reads two bytes, so a bitmap check may need the byte after.
  if (at + 1 > limit) return false;
  const bits = sysRd16(cpu, (base + at) | 0);
  const mask = ((1 << bytes) - 1) << (port & 7);
  return (bits & mask) === 0;
}
