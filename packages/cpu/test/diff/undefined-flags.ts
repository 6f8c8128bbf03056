import { AF, CF, OF, PF, SF, ZF } from "./layout.js";

/** What decides an instruction's undefined flags, when it depends on its operands. */
export interface FlagParams {
  /** Operand size in bits. */
  size?: 8 | 16 | 32;
  /** Shift/rotate count as encoded (before the CPU masks it to 5 bits). */
  count?: number;
}

/** One row of the table: the flags Intel leaves undefined, and where the SDM says so. */
export interface UndefinedFlagsRule {
  undef: (p: FlagParams) => number;
  /** Intel SDM vol.2 (order no. 325383), instruction page, "Flags Affected". */
  sdm: string;
}

const none: UndefinedFlagsRule["undef"] = () => 0;
const always = (mask: number): UndefinedFlagsRule["undef"] => () => mask;

/** Masked count as the CPU computes it: 5 bits for every operand size (SDM: "count is masked to 5 bits"). */
export function maskedCount(count: number): number {
  return count & 0x1f;
}

function shiftUndef(isShlShr: boolean): UndefinedFlagsRule["undef"] {
  return ({ count = 0, size = 32 }) => {
    const c = maskedCount(count);
    if (c === 0) return 0; // "If the count is 0, the flags are not affected."
    let m = AF; // "For a non-zero count, the AF flag is undefined."
    if (c !== 1) m |= OF; // "The OF flag is affected only for 1-bit shifts ... otherwise, it is undefined."
    // "CF ... is undefined for SHL and SHR instructions where the count is greater than or
    // equal to the size (in bits) of the destination operand."
    if (isShlShr && c >= size) m |= CF;
    return m;
  };
}

const rotateUndef: UndefinedFlagsRule["undef"] = ({ count = 0 }) => {
  const c = maskedCount(count);
  // "If the masked count is 0, the flags are not affected. If the masked count is 1, then the
  // OF flag is affected, otherwise (masked count is greater than 1) the OF flag is undefined."
  return c === 0 || c === 1 ? 0 : OF;
};

const doubleShiftUndef: UndefinedFlagsRule["undef"] = ({ count = 0, size = 32 }) => {
  const c = maskedCount(count);
  if (c === 0) return 0; // "If the count operand is 0, the flags are not affected."
  // "If the count is greater than the operand size, the flags are undefined."
  if (c > size) return CF | OF | SF | ZF | AF | PF;
  // "For shifts greater than 1 bit, the OF flag is undefined. If a shift occurs, the AF flag is undefined."
  return c === 1 ? AF : AF | OF;
};

/**
 * Flags each generated mnemonic leaves undefined, after Intel SDM vol.2 "Flags Affected".
 * Only these are masked when comparing with Unicorn; every other EFLAGS bit must match.
 * Mnemonics not listed here define (or leave unchanged) every flag.
 */
export const UNDEFINED_FLAGS: Record<string, UndefinedFlagsRule> = {
  and: { undef: always(AF), sdm: "AND: OF, CF cleared; SF, ZF, PF set; the state of AF is undefined" },
  or: { undef: always(AF), sdm: "OR: OF, CF cleared; SF, ZF, PF set; the state of AF is undefined" },
  xor: { undef: always(AF), sdm: "XOR: OF, CF cleared; SF, ZF, PF set; the state of AF is undefined" },
  test: { undef: always(AF), sdm: "TEST: OF, CF cleared; SF, ZF, PF set; the state of AF is undefined" },
  mul: { undef: always(SF | ZF | AF | PF), sdm: "MUL: OF and CF set/cleared; SF, ZF, AF, PF undefined" },
  imul: { undef: always(SF | ZF | AF | PF), sdm: "IMUL: CF and OF set/cleared; SF, ZF, AF, PF undefined" },
  div: { undef: always(CF | OF | SF | ZF | AF | PF), sdm: "DIV: CF, OF, SF, ZF, AF, PF undefined" },
  idiv: { undef: always(CF | OF | SF | ZF | AF | PF), sdm: "IDIV: CF, OF, SF, ZF, AF, PF undefined" },
  shl: { undef: shiftUndef(true), sdm: "SAL/SAR/SHL/SHR: AF undefined for non-zero count; OF only for 1-bit shifts; CF undefined for SHL/SHR with count >= operand size; count 0 affects no flag" },
  sal: { undef: shiftUndef(true), sdm: "SAL/SAR/SHL/SHR (as shl)" },
  shr: { undef: shiftUndef(true), sdm: "SAL/SAR/SHL/SHR (as shl)" },
  sar: { undef: shiftUndef(false), sdm: "SAL/SAR/SHL/SHR: AF undefined for non-zero count; OF only for 1-bit shifts (CF rule for count >= size is for SHL/SHR only)" },
  rol: { undef: rotateUndef, sdm: "RCL/RCR/ROL/ROR: masked count 0 affects no flag; OF defined only for masked count 1; SF, ZF, AF, PF unaffected" },
  ror: { undef: rotateUndef, sdm: "RCL/RCR/ROL/ROR (as rol)" },
  rcl: { undef: rotateUndef, sdm: "RCL/RCR/ROL/ROR (as rol)" },
  rcr: { undef: rotateUndef, sdm: "RCL/RCR/ROL/ROR (as rol)" },
  shld: { undef: doubleShiftUndef, sdm: "SHLD: count 0 affects no flag; AF undefined if a shift occurs; OF undefined for count > 1; all flags undefined for count > operand size" },
  shrd: { undef: doubleShiftUndef, sdm: "SHRD (as shld)" },
  bt: { undef: always(OF | SF | AF | PF), sdm: "BT: CF = selected bit; ZF unaffected; OF, SF, AF, PF undefined" },
  bts: { undef: always(OF | SF | AF | PF), sdm: "BTS: CF = selected bit; ZF unaffected; OF, SF, AF, PF undefined" },
  btr: { undef: always(OF | SF | AF | PF), sdm: "BTR: CF = selected bit; ZF unaffected; OF, SF, AF, PF undefined" },
  btc: { undef: always(OF | SF | AF | PF), sdm: "BTC: CF = selected bit; ZF unaffected; OF, SF, AF, PF undefined" },
  bsf: { undef: always(CF | OF | SF | AF | PF), sdm: "BSF: ZF set if source is 0; CF, OF, SF, AF, PF undefined (and the destination is undefined for a 0 source)" },
  bsr: { undef: always(CF | OF | SF | AF | PF), sdm: "BSR: ZF set if source is 0; CF, OF, SF, AF, PF undefined (and the destination is undefined for a 0 source)" },
  daa: { undef: always(OF), sdm: "DAA: CF, AF set on decimal carry; SF, ZF, PF per result; OF undefined" },
  das: { undef: always(OF), sdm: "DAS: CF, AF set on decimal borrow; SF, ZF, PF per result; OF undefined" },
  aaa: { undef: always(OF | SF | ZF | PF), sdm: "AAA: AF, CF set on decimal carry; OF, SF, ZF, PF undefined" },
  aas: { undef: always(OF | SF | ZF | PF), sdm: "AAS: AF, CF set on decimal borrow; OF, SF, ZF, PF undefined" },
  aam: { undef: always(OF | AF | CF), sdm: "AAM: SF, ZF, PF per AL; OF, AF, CF undefined" },
  aad: { undef: always(OF | AF | CF), sdm: "AAD: SF, ZF, PF per AL; OF, AF, CF undefined" },
  "mov cr": { undef: always(CF | OF | SF | ZF | AF | PF), sdm: "MOV—Move to/from Control Registers: the OF, SF, ZF, AF, PF, and CF flags are undefined" },
};

/** Undefined-flag mask for one executed instruction. */
export function undefinedFlags(mnemonic: string, p: FlagParams = {}): number {
  return (UNDEFINED_FLAGS[mnemonic]?.undef ?? none)(p);
}
