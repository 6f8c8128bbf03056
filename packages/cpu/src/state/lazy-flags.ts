import { AF, CF, OF, PF, SF, ZF } from "./eflags.js";

/**
 * Lazy status flags, the QEMU/Bochs idea: an ALU instruction records which operation ran and
 * its operands and result; a flag is computed only when something reads it. All values are
 * stored sign-extended from the operand size to 32 bits, so bit 31 is the operand's sign bit
 * and one formula per operation serves 8, 16 and 32-bit forms alike.
 */
export const CC_NONE = 0;
/** ADD, ADC: a + b (+ carry) = res. */
export const CC_ADD = 1;
/** SUB, SBB, CMP, NEG: a - b (- borrow) = res. */
export const CC_SUB = 2;
/** AND, OR, XOR, TEST: CF=OF=0; AF undefined (0, as QEMU/Unicorn). */
export const CC_LOGIC = 3;
/** INC: ADD with b = 1, CF kept in `ccCarry`. */
export const CC_INC = 4;
/** DEC: SUB with b = 1, CF kept in `ccCarry`. */
export const CC_DEC = 5;
/** SHL/SAL: `a` is the operand shifted by count-1 (the QEMU convention). */
export const CC_SHL = 6;
/** SHR/SAR: `a` is the operand shifted by count-1. */
export const CC_SHR = 7;
/** MUL/IMUL: CF=OF=(a != 0); SF/ZF/PF from the (low) result, AF=0, as QEMU. */
export const CC_MUL = 8;

/** The fields the lazy-flag code reads; `CpuState` provides them. */
export interface LazyFlags {
  /** One of the CC_* operations, or CC_NONE when `ccFlags` holds the status bits. */
  ccOp: number;
  ccA: number;
  ccB: number;
  ccRes: number;
  /** CC_NONE: the six status bits; CC_INC/CC_DEC: the preserved CF (0/1). */
  ccFlags: number;
}

/** PARITY[b] is PF for a result whose low byte is b (set when the count of 1 bits is even). */
const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let bits = 0;
  for (let v = i; v; v >>= 1) bits += v & 1;
  PARITY[i] = bits & 1 ? 0 : 1;
}

export function getCF(s: LazyFlags): number {
  const a = s.ccA;
  const b = s.ccB;
  const r = s.ccRes;
  switch (s.ccOp) {
    case CC_ADD:
      return ((a & b) | ((a | b) & ~r)) >>> 31;
    case CC_SUB:
      return ((~a & b) | ((~a | b) & r)) >>> 31;
    case CC_LOGIC:
      return 0;
    case CC_INC:
    case CC_DEC:
      return s.ccFlags;
    case CC_SHL:
      return a >>> 31;
    case CC_SHR:
      return a & 1;
    case CC_MUL:
      return a !== 0 ? 1 : 0;
    default:
      return s.ccFlags & CF;
  }
}

export function getOF(s: LazyFlags): number {
  const a = s.ccA;
  const b = s.ccB;
  const r = s.ccRes;
  switch (s.ccOp) {
    case CC_ADD:
    case CC_INC:
      return ((a ^ r) & (b ^ r)) >>> 31;
    case CC_SUB:
    case CC_DEC:
      return ((a ^ b) & (a ^ r)) >>> 31;
    case CC_LOGIC:
      return 0;
    case CC_SHL:
    case CC_SHR:
      return (a ^ r) >>> 31;
    case CC_MUL:
      return a !== 0 ? 1 : 0;
    default:
      return (s.ccFlags >>> 11) & 1;
  }
}

export function getZF(s: LazyFlags): number {
  return s.ccOp === CC_NONE ? (s.ccFlags >>> 6) & 1 : s.ccRes === 0 ? 1 : 0;
}

export function getSF(s: LazyFlags): number {
  return s.ccOp === CC_NONE ? (s.ccFlags >>> 7) & 1 : s.ccRes >>> 31;
}

export function getPF(s: LazyFlags): number {
  return s.ccOp === CC_NONE ? (s.ccFlags >>> 2) & 1 : PARITY[s.ccRes & 0xff]!;
}

export function getAF(s: LazyFlags): number {
  switch (s.ccOp) {
    case CC_ADD:
    case CC_SUB:
    case CC_INC:
    case CC_DEC:
      return ((s.ccA ^ s.ccB ^ s.ccRes) >>> 4) & 1;
    case CC_NONE:
      return (s.ccFlags >>> 4) & 1;
    default:
      return 0;
  }
}

/** The six status flags as EFLAGS bits. */
export function getStatusFlags(s: LazyFlags): number {
  if (s.ccOp === CC_NONE) return s.ccFlags;
  return (
    getCF(s) |
    (getPF(s) << 2) |
    (getAF(s) << 4) |
    (getZF(s) << 6) |
    (getSF(s) << 7) |
    (getOF(s) << 11)
  );
}

/** Replaces the status flags with `bits` (other bits ignored). */
export function setStatusFlags(s: LazyFlags, bits: number): void {
  s.ccFlags = bits & (CF | PF | AF | ZF | SF | OF);
  s.ccOp = CC_NONE;
}

/**
 * Condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc, SDM vol.1 appendix B) as 0/1.
 * CMP-style operations take a direct path; everything else composes the single flags.
 */
export function testCondition(s: LazyFlags, cc: number): boolean {
  let v: number;
  switch (cc >> 1) {
    case 0:
      v = getOF(s);
      break;
    case 1:
      v = getCF(s);
      break;
    case 2:
      v = getZF(s);
      break;
    case 3:
      v = getCF(s) | getZF(s);
      break;
    case 4:
      v = getSF(s);
      break;
    case 5:
      v = getPF(s);
      break;
    case 6:
      v = getSF(s) ^ getOF(s);
      break;
    default:
      v = getZF(s) | (getSF(s) ^ getOF(s));
      break;
  }
  return (v ^ (cc & 1)) !== 0;
}
