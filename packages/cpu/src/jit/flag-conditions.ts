import { CC_ADD, CC_DEC, CC_INC, CC_LOGIC, CC_MUL, CC_SHL, CC_SHR, CC_SUB } from "../state/lazy-flags.js";

/**
 * Inline flag formulas for generated code: the same formulas as state/lazy-flags.ts, written
 * as JS expressions over the block's flag locals (`fa fb fr ff`) for an operation the block
 * itself recorded, so that a CMP/Jcc pair costs a comparison instead of a call.
 */

/**
 * What a block knows after its own SBB: the lazy state is CC_SUB, as the interpreter records
 * it, but `fr = fa - fb - CF`, so the operand comparisons conditionExpr uses for SUB/CMP
 * (JB as `fa < fb`...) are wrong there (0 - 0 - 1 borrows: JAE must not jump, a Linux 64-bit
 * compare `cmp; sbb; jae`); only the full CF/OF formulas hold, as they do for a borrow in.
 */
export const KNOWN_SBB = -2;

/** CF of lazy operation `ccOp` as a 0/1 expression, or null when not known statically. */
export function cfExpr(ccOp: number): string | null {
  switch (ccOp) {
    case CC_ADD:
      return "(((fa & fb) | ((fa | fb) & ~fr)) >>> 31)";
    case KNOWN_SBB:
    case CC_SUB:
      return "(((~fa & fb) | ((~fa | fb) & fr)) >>> 31)";
    case CC_LOGIC:
      return "0";
    case CC_INC:
    case CC_DEC:
      return "ff";
    case CC_SHL:
      return "(fa >>> 31)";
    case CC_SHR:
      return "(fa & 1)";
    case CC_MUL:
      return "fa";
    default:
      return null;
  }
}

function ofExpr(ccOp: number): string | null {
  switch (ccOp) {
    case CC_ADD:
    case CC_INC:
      return "(((fa ^ fr) & (fb ^ fr)) >>> 31)";
    case KNOWN_SBB:
    case CC_SUB:
    case CC_DEC:
      return "(((fa ^ fb) & (fa ^ fr)) >>> 31)";
    case CC_LOGIC:
      return "0";
    case CC_SHL:
    case CC_SHR:
      return "((fa ^ fr) >>> 31)";
    case CC_MUL:
      return "fa";
    default:
      return null;
  }
}

/**
 * Condition code `cc` (SDM vol.1 appendix B) as a boolean expression for lazy operation
 * `ccOp` recorded in this block, or null when `ccOp` is not one of those handled here.
 * A SUB/CMP result of `fa - fb` (no borrow in) compares its operands directly; an SBB's
 * ({@link KNOWN_SBB}) goes through the full formulas.
 */
export function conditionExpr(ccOp: number, cc: number): string | null {
  const neg = (cc & 1) !== 0;
  let e: string | null = null;
  const zf = "(fr === 0)";
  const sf = "(fr < 0)";
  if (ccOp === CC_SUB) {
    switch (cc >> 1) {
      case 1:
        e = "((fa >>> 0) < (fb >>> 0))";
        break;
      case 2:
        e = zf;
        break;
      case 3:
        e = "((fa >>> 0) <= (fb >>> 0))";
        break;
      case 4:
        e = sf;
        break;
      case 6:
        e = "(fa < fb)";
        break;
      case 7:
        e = "(fa <= fb)";
        break;
    }
  } else if (ccOp === CC_LOGIC) {
    switch (cc >> 1) {
      case 0:
      case 1:
        e = "false";
        break;
      case 2:
      case 3:
        e = zf;
        break;
      case 4:
      case 6:
        e = sf;
        break;
      case 7:
        e = "(fr <= 0)";
        break;
    }
  }
  if (e === null) {
    const cf = cfExpr(ccOp);
    const of = ofExpr(ccOp);
    if (cf === null || of === null) return null;
    switch (cc >> 1) {
      case 0:
        e = `(${of} !== 0)`;
        break;
      case 1:
        e = `(${cf} !== 0)`;
        break;
      case 2:
        e = zf;
        break;
      case 3:
        e = `((${cf} | (fr === 0 ? 1 : 0)) !== 0)`;
        break;
      case 4:
        e = sf;
        break;
      case 5:
        e = "(PARITY[fr & 0xff] !== 0)";
        break;
      case 6:
        e = `(((fr >>> 31) ^ ${of}) !== 0)`;
        break;
      default:
        e = `(((fr === 0 ? 1 : 0) | ((fr >>> 31) ^ ${of})) !== 0)`;
        break;
    }
  }
  return neg ? `!${e}` : e;
}
