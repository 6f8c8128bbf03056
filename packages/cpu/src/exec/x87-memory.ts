import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { VM } from "../state/eflags.js";
import { fromBits, toBits, type F80 } from "../fpu/float80.js";
import type { X87State } from "../fpu/x87-state.js";

/**
 * Memory operands of the x87: reads of 2-10 bytes as one BigInt, writes checked in full
 * before the first byte is stored (a fault leaves memory and the FPU as they were, SDM vol.3
 * §6.5), and the FNSTENV/FLDENV and FNSAVE/FRSTOR images in their four layouts (SDM vol.1
 * §8.1.10, figures 8-9 to 8-12): 32- or 16-bit operand size, protected mode or real/V86
 * mode, where the instruction and operand pointers are 20-bit (16-bit form) or 32-bit
 * linear addresses split around FOP.
 */

/** Reads `len` bytes of the instruction's memory operand, little-endian. */
export function readBytes(cpu: Cpu, i: Insn, len: number): bigint {
  const lin = cpu.addr(i, len, false);
  return readAt(cpu, lin, len);
}

function readAt(cpu: Cpu, lin: number, len: number): bigint {
  let v = 0n;
  let k = 0;
  for (; k + 4 <= len; k += 4) v |= BigInt(cpu.rd32((lin + k) | 0) >>> 0) << BigInt(8 * k);
  for (; k + 2 <= len; k += 2) v |= BigInt(cpu.rd16((lin + k) | 0)) << BigInt(8 * k);
  return v;
}

/**
 * The linear address of a `len`-byte store to the memory operand, with the segment and page
 * checks done for every byte: a store that would fault faults before anything changes.
 */
export function storeAddress(cpu: Cpu, i: Insn, len: number): number {
  const lin = cpu.addr(i, len, true);
  if (cpu.pager !== null) {
    for (let k = 0; k < len; k += 0x1000 - ((lin + k) & 0xfff)) cpu.probeWrite((lin + k) | 0);
    cpu.probeWrite((lin + len - 1) | 0);
  }
  return lin;
}

export function writeAt(cpu: Cpu, lin: number, len: number, v: bigint): void {
  let k = 0;
  for (; k + 4 <= len; k += 4) cpu.wr32((lin + k) | 0, Number((v >> BigInt(8 * k)) & 0xffffffffn) | 0);
  for (; k + 2 <= len; k += 2) cpu.wr16((lin + k) | 0, Number((v >> BigInt(8 * k)) & 0xffffn));
}

export function writeBytes(cpu: Cpu, i: Insn, len: number, v: bigint): void {
  writeAt(cpu, storeAddress(cpu, i, len), len, v);
}

/** Real-address or virtual-8086 mode: the environment's pointers are linear addresses. */
function realFormat(cpu: Cpu): boolean {
  return (cpu.cr0 & 1) === 0 || (cpu.eflagsRest & VM) !== 0;
}

/** Size of the environment image: 28 bytes (32-bit operand size) or 14. */
export function envSize(i: Insn): number {
  return i.opSize === 32 ? 28 : 14;
}

/** Writes the environment (FNSTENV, and FNSAVE's first part) at `lin`. */
export function storeEnv(cpu: Cpu, f: X87State, lin: number, o32: boolean): void {
  const w = (off: number, v: number) => cpu.wr16((lin + off) | 0, v & 0xffff);
  const words: number[] = [];
  const cw = f.cw;
  const sw = f.status();
  const tw = f.tagWord();
  if (realFormat(cpu)) {
    const ip = (f.fcs * 16 + f.fip) >>> 0;
    const dp = (f.fds * 16 + f.fdp) >>> 0;
    if (o32) {
      // Figure 8-11: each field in a dword, the reserved halves written as ones (measured
      // on the host and Bochs); FIP/FDP bits 31-16 at bits 27-12 of their second dword.
      words.push(cw, 0xffff, sw, 0xffff, tw, 0xffff, ip & 0xffff, 0xffff);
      words.push(((ip >>> 16) << 12) & 0xf000 | (f.fop & 0x7ff), (ip >>> 20) & 0x0fff);
      words.push(dp & 0xffff, 0xffff, ((dp >>> 16) << 12) & 0xf000, (dp >>> 20) & 0x0fff);
    } else {
      // Figure 8-12: 20-bit pointers, bits 19-16 in the top nibble beside FOP.
      words.push(cw, sw, tw, ip & 0xffff, (((ip >>> 16) & 0xf) << 12) | (f.fop & 0x7ff), dp & 0xffff, ((dp >>> 16) & 0xf) << 12);
    }
  } else if (o32) {
    // Figure 8-9.
    words.push(cw, 0xffff, sw, 0xffff, tw, 0xffff, f.fip & 0xffff, f.fip >>> 16, f.fcs, f.fop & 0x7ff);
    words.push(f.fdp & 0xffff, f.fdp >>> 16, f.fds, 0xffff);
  } else {
    // Figure 8-10.
    words.push(cw, sw, tw, f.fip & 0xffff, f.fcs, f.fdp & 0xffff, f.fds);
  }
  words.forEach((v, k) => w(2 * k, v));
}

/** Loads the environment (FLDENV, and FRSTOR's first part) from an image already read. */
export function loadEnv(cpu: Cpu, f: X87State, img: bigint, o32: boolean): void {
  const word = (k: number) => Number((img >> BigInt(16 * k)) & 0xffffn);
  const stride = o32 ? 2 : 1;
  f.cw = word(0);
  f.setStatus(word(stride));
  f.setTagWord(word(2 * stride));
  if (realFormat(cpu)) {
    if (o32) {
      f.fip = (word(6) | ((word(8) & 0xf000) << 4) | ((word(9) & 0x0fff) << 20)) >>> 0;
      f.fop = word(8) & 0x7ff;
      f.fdp = (word(10) | ((word(12) & 0xf000) << 4) | ((word(13) & 0x0fff) << 20)) >>> 0;
    } else {
      f.fip = word(3) | ((word(4) & 0xf000) << 4);
      f.fop = word(4) & 0x7ff;
      f.fdp = word(5) | ((word(6) & 0xf000) << 4);
    }
    // The pointers are linear: kept with selector 0.
    f.fcs = f.fds = 0;
  } else if (o32) {
    f.fip = (word(6) | (word(7) << 16)) >>> 0;
    f.fcs = word(8);
    f.fop = word(9) & 0x7ff;
    f.fdp = (word(10) | (word(11) << 16)) >>> 0;
    f.fds = word(12);
  } else {
    f.fip = word(3);
    f.fcs = word(4);
    f.fdp = word(5);
    f.fds = word(6);
  }
  f.updatePending();
}

/** FNSTENV / FNSAVE: the image, then (FNSAVE) the eight registers in stack order. */
export function storeState(cpu: Cpu, i: Insn, f: X87State, withRegisters: boolean): void {
  const env = envSize(i);
  const lin = storeAddress(cpu, i, env + (withRegisters ? 80 : 0));
  storeEnv(cpu, f, lin, i.opSize === 32);
  if (withRegisters) {
    for (let k = 0; k < 8; k++) writeAt(cpu, (lin + env + 10 * k) | 0, 10, toBits(f.st(k)));
  }
}

/** FLDENV / FRSTOR: reads the whole image first, so a fault changes nothing. */
export function loadState(cpu: Cpu, i: Insn, f: X87State, withRegisters: boolean): void {
  const env = envSize(i);
  const lin = cpu.addr(i, env + (withRegisters ? 80 : 0), false);
  const img = readAt(cpu, lin, env);
  const regs: F80[] = [];
  if (withRegisters) for (let k = 0; k < 8; k++) regs.push(fromBits(readAt(cpu, (lin + env + 10 * k) | 0, 10)));
  loadEnv(cpu, f, img, i.opSize === 32);
  // FRSTOR's registers are in stack order: ST(k) is physical (TOP + k) mod 8 of the new TOP.
  regs.forEach((v, k) => f.setReg(f.phys(k), v));
}
