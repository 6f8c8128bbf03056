/** Small x86 encoding helpers for the generator (ModRM/SIB layout: SDM vol.2 2.1). */

export type OpSize = 8 | 16 | 32;

export function modrm(mod: number, reg: number, rm: number): number {
  return ((mod & 3) << 6) | ((reg & 7) << 3) | (rm & 7);
}

export function le(value: number, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

export function imm(value: number, size: OpSize): number[] {
  return le(value >>> 0, size / 8);
}

/** The operand-size prefix for 16-bit operations in a 32-bit code segment. */
export function osPrefix(size: OpSize): number[] {
  return size === 16 ? [0x66] : [];
}

export const REG8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"] as const;
export const REG16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] as const;
export const REG32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

export function regName(r: number, size: OpSize): string {
  return (size === 8 ? REG8 : size === 16 ? REG16 : REG32)[r & 7] as string;
}

/** The 32-bit register an 8/16/32-bit register number lives in (AH..BH are in EAX..EBX). */
export function fullReg(r: number, size: OpSize): number {
  return size === 8 ? r & 3 : r & 7;
}

export function sizeWord(size: OpSize | 64): string {
  return size === 8 ? "byte" : size === 16 ? "word" : size === 32 ? "dword" : "qword";
}

export function mask(size: OpSize): number {
  return size === 32 ? 0xffffffff : (1 << size) - 1;
}

export function hex(v: number): string {
  return "0x" + (v >>> 0).toString(16);
}

const PREFIXES = new Set([0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);
const GROUPS1 = new Set([0x80, 0x81, 0x82, 0x83, 0x8f, 0xc0, 0xc1, 0xc6, 0xc7, 0xd0, 0xd1, 0xd2, 0xd3, 0xf6, 0xf7, 0xfe, 0xff]);
const GROUPS2 = new Set([0x00, 0x01, 0xba, 0xc7]);

/**
 * A statistics key for the opcode of an encoding: the opcode byte(s), the ModRM reg field
 * for group opcodes ("F7/6"), and "66"/"67" when an operand/address-size prefix is present.
 */
export function opcodeKey(bytes: readonly number[]): string {
  let i = 0;
  let osz = false;
  let asz = false;
  while (i < bytes.length && PREFIXES.has(bytes[i]!)) {
    if (bytes[i] === 0x66) osz = true;
    if (bytes[i] === 0x67) asz = true;
    i++;
  }
  const h = (b: number) => b.toString(16).toUpperCase().padStart(2, "0");
  let key: string;
  const b0 = bytes[i] ?? 0;
  if (b0 === 0x0f) {
    const b1 = bytes[i + 1] ?? 0;
    key = `0F ${h(b1)}`;
    if (GROUPS2.has(b1)) key += `/${((bytes[i + 2] ?? 0) >> 3) & 7}`;
  } else {
    key = h(b0);
    if (GROUPS1.has(b0)) key += `/${((bytes[i + 1] ?? 0) >> 3) & 7}`;
  }
  return (osz ? "66 " : "") + (asz ? "67 " : "") + key;
}
