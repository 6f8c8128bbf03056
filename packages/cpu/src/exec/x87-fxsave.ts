import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP, NM } from "../exceptions/vectors.js";
import { fromBits, toBits } from "../fpu/float80.js";
import { storeAddress } from "./x87-memory.js";

/**
 * FXSAVE and FXRSTOR (0F AE /0 and /1; SDM vol.2 "FXSAVE", "FXRSTOR", table 3-53, the
 * legacy 512-byte image of non-64-bit modes), on a part with FXSR and no SSE or MMX:
 *
 *   0 FCW, 2 FSW, 4 abridged FTW (bit p = 1: physical register Rp is not empty), 5 reserved,
 *   6 FOP (bits 10-0; 15-11 stored 0), 8 FIP, 12 FCS, 14 reserved, 16 FDP, 20 FDS, 22 reserved,
 *   24 MXCSR, 28 MXCSR_MASK, 32 + 16k ST(k) (80 bits, then 6 reserved bytes), 160 XMM0-7,
 *   288 reserved, 464 available to software.
 *
 * What is stored: bytes 0-23 and 32-159, the reserved bytes among them as zeros (what the
 * host and Bochs store). Bytes 24-31 (MXCSR, MXCSR_MASK) and 160-511 are left as they were:
 * the models here have no SSE, so there is no MXCSR or XMM register to save (the SDM lets
 * FXSAVE skip that state even on an SSE part when CR4.OSFXSR = 0), and the processor never
 * writes bytes 464-511. FXRSTOR likewise loads only the x87 state; on an SSE part a reserved
 * MXCSR bit in the image would be #GP(0), but without SSE there is no MXCSR to load, so the
 * image's MXCSR field is not examined. CR4.OSFXSR changes nothing for the same reason.
 *
 * The operand is the whole 512 bytes for the checks: a 16-byte misaligned linear address is
 * #GP(0) whatever the segment (checked first, as Bochs does), then the segment limit over
 * 512 bytes, then every page of the range (FXSAVE checks them for writing before it stores
 * anything; FXRSTOR reads the whole image before it loads anything), so a fault changes
 * nothing. Neither instruction waits: a pending unmasked exception is neither reported nor
 * cleared (FXRSTOR "does not flush pending x87 FPU exceptions"), and neither changes FIP, FDP
 * or FOP (they are not x87 arithmetic, SDM vol.1 §8.1.8). CR0.TS or CR0.EM = 1 is #NM (the
 * exception lists of both; vol.3 §2.5 table 2-2). A model without FXSR decodes them as #UD
 * (decode/opcode-table.ts, group "fxsr").
 */
const CR0_EM = 1 << 2;
const CR0_TS = 1 << 3;
const IMAGE = 512;

function imageAddress(cpu: Cpu, i: Insn, write: boolean): number {
  if (cpu.cr0 & (CR0_EM | CR0_TS)) fault(NM);
  const off = ((cpu.regs[i.base]! + (cpu.regs[i.index]! << i.scale) + i.disp) | 0) & (i.a16 ? 0xffff : -1);
  if ((cpu.segBase[i.seg]! + off) & 15) fault(GP, 0);
  return write ? storeAddress(cpu, i, IMAGE) : cpu.addr(i, IMAGE, false);
}

/** FXSAVE m512byte. */
export function fxsave(cpu: Cpu, i: Insn): void {
  const lin = imageAddress(cpu, i, true);
  const f = cpu.fpu;
  let ftw = 0;
  for (let p = 0; p < 8; p++) if (!((f.empty >> p) & 1)) ftw |= 1 << p;
  const w32 = (off: number, v: number) => cpu.wr32((lin + off) | 0, v | 0);
  w32(0, f.cw | (f.status() << 16));
  w32(4, ftw | ((f.fop & 0x7ff) << 16));
  w32(8, f.fip);
  w32(12, f.fcs & 0xffff);
  w32(16, f.fdp);
  w32(20, f.fds & 0xffff);
  for (let k = 0; k < 8; k++) {
    const at = 32 + 16 * k;
    const bits = toBits(f.st(k));
    w32(at, Number(bits & 0xffffffffn));
    w32(at + 4, Number((bits >> 32n) & 0xffffffffn));
    w32(at + 8, Number(bits >> 64n));
    w32(at + 12, 0);
  }
}

/** FXRSTOR m512byte. */
export function fxrstor(cpu: Cpu, i: Insn): void {
  const lin = imageAddress(cpu, i, false);
  const img = new Int32Array(IMAGE / 4);
  for (let k = 0; k < img.length; k++) img[k] = cpu.rd32((lin + 4 * k) | 0);
  const f = cpu.fpu;
  f.cw = img[0]! & 0xffff;
  f.setStatus(img[0]! >>> 16);
  const ftw = img[1]! & 0xff;
  f.fop = (img[1]! >>> 16) & 0x7ff;
  f.fip = img[2]! >>> 0;
  f.fcs = img[3]! & 0xffff;
  f.fdp = img[4]! >>> 0;
  f.fds = img[5]! & 0xffff;
  // The registers are in stack order of the new TOP, the abridged tags in physical order;
  // a non-empty register's full tag is computed from its contents when stored (x87-state.ts).
  for (let k = 0; k < 8; k++) {
    const at = (32 + 16 * k) / 4;
    const bits = (BigInt(img[at + 2]! & 0xffff) << 64n) | (BigInt(img[at + 1]! >>> 0) << 32n) | BigInt(img[at]! >>> 0);
    f.setReg(f.phys(k), fromBits(bits));
  }
  f.empty = ~ftw & 0xff;
  f.updatePending();
}
