/**
 * x87 exception flags, condition codes and control-word fields, and the masked responses
 * shared by every operation (SDM vol.1 §8.1.3 status word, §8.1.5 control word, §4.9 and
 * §8.5 floating-point exceptions, table 4-7 NaN rules).
 *
 * Every operation of src/fpu takes the control word and returns a status word fragment
 * (`sw`) with the status-word bit positions: exception flags IE..PE (bits 0-5) that the
 * operation raised, and the condition codes it defines (C1 at bit 9 for arithmetic: "rounded
 * up"). The CPU ORs the flags into FSW, replaces the condition codes it defines, and sets
 * ES/B when an unmasked flag is raised (§8.1.3.1). A `null` result means "the destination is
 * left unchanged": the response to an unmasked IE, DE or ZE, and to an unmasked OE/UE on a
 * store to memory (§4.9.1, §8.5).
 */
import { F80, f80, INDEFINITE, isSNaN, QUIET_BIT } from "./float80.js";

export const IE = 0x0001;
export const DE = 0x0002;
export const ZE = 0x0004;
export const OE = 0x0008;
export const UE = 0x0010;
export const PE = 0x0020;
export const EXC_MASK = 0x003f;
export const C0 = 0x0100;
export const C1 = 0x0200;
export const C2 = 0x0400;
export const C3 = 0x4000;

/** Control word: exception masks in bits 0-5 (1 = masked), PC bits 8-9, RC bits 10-11. */
export const enum Rc {
  Nearest = 0,
  Down = 1,
  Up = 2,
  Zero = 3,
}
export function rc(cw: number): Rc {
  return (cw >> 10) & 3;
}
/** PC → significand bits: 00 single (24), 10 double (53), 11 extended (64). 01 is reserved
 *  (§8.1.5.2); the host rounds it like 11, and so does this. */
export function precisionBits(cw: number): number {
  const pc = (cw >> 8) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}
export function masked(cw: number, flag: number): boolean {
  return (cw & flag) !== 0;
}

export interface Result {
  /** The value written to the destination, or null when it is left unchanged. */
  value: F80 | null;
  sw: number;
}

export function ok(value: F80, sw = 0): Result {
  return { value, sw };
}

/** An invalid operation: masked → QNaN indefinite, unmasked → no result (§4.9.1.1). */
export function invalid(cw: number): Result {
  return { value: masked(cw, IE) ? INDEFINITE : null, sw: IE };
}

export function quiet(x: F80): F80 {
  return f80(x.sign, x.exp, x.sig | QUIET_BIT);
}

/**
 * NaN operands of a two-operand arithmetic instruction (table 4-7, x87 column): an SNaN is
 * quietened (IE); an SNaN and a QNaN give the QNaN; two of a kind give the one with the larger
 * significand, ties the positive one. A lone SNaN is only signalled: its quiet form is the result.
 */
export function propagateNaN2(a: F80, b: F80, aNaN: boolean, bNaN: boolean, cw: number): Result {
  const sw = isSNaN(a) || isSNaN(b) ? IE : 0;
  if (sw && !masked(cw, IE)) return { value: null, sw };
  let r: F80;
  if (aNaN && bNaN) {
    const sa = isSNaN(a);
    const sb = isSNaN(b);
    if (sa !== sb) r = sa ? b : a; // SNaN and QNaN: the QNaN
    else if (a.sig !== b.sig) r = a.sig > b.sig ? a : b;
    else r = a.sign <= b.sign ? a : b;
  } else r = aNaN ? a : b;
  return { value: quiet(r), sw };
}

/** The NaN operand of a one-operand instruction. */
export function propagateNaN1(a: F80, cw: number): Result {
  if (isSNaN(a)) return masked(cw, IE) ? { value: quiet(a), sw: IE } : { value: null, sw: IE };
  return { value: a, sw: 0 };
}

/** A denormal operand: sets DE; when DE is unmasked the operation stops (§8.5.2). */
export function denormalStops(cw: number): boolean {
  return !masked(cw, DE);
}
