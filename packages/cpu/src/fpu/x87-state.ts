/**
 * The x87 FPU's registers (SDM vol.1 §8.1): the eight 80-bit data registers R0-R7 used as a
 * stack whose top is FSW.TOP, a tag per register, the control and status words, and the
 * last-instruction pointers (FIP/FCS, FDP/FDS, FOP, §8.1.8-8.1.9). ST(i) is the physical
 * register (TOP + i) mod 8.
 *
 * Tags are kept as "empty or not": the 00/01/10 distinction of a non-empty register is a
 * function of its contents, computed when the tag word is stored (FNSTENV, FNSAVE) and
 * ignored when one is loaded (FLDENV, FRSTOR), as the P6 family does (SDM vol.1 §8.1.7:
 * "the x87 FPU ... uses the tag values to detect empty registers").
 *
 * The registers are four parallel typed arrays (sign, biased exponent, significand halves)
 * rather than F80 objects, so the register-form fast paths (exec/x87-register-forms.ts) load
 * and store them without allocating: an F80 holds its unsigned 32-bit halves as heap numbers,
 * and allocating one per result was a large share of an FP loop's time. `st(i)` builds an F80
 * for the general path.
 */
import { F80, f80, kind, Kind, POS_ZERO } from "./float80.js";
import { C0, C1, C2, C3, EXC_MASK } from "./exceptions.js";

/** FSW bits beyond the exception flags (§8.1.3). */
export const SW_SF = 0x0040;
export const SW_ES = 0x0080;
export const SW_B = 0x8000;
export const SW_TOP_SHIFT = 11;
export const SW_CC = C0 | C1 | C2 | C3;

/** FNINIT's control word: every exception masked, 64-bit precision, round to nearest. */
export const CW_INIT = 0x037f;
/** The control word at power-on (SDM vol.3 table 9-1). */
export const CW_POWER_ON = 0x0040;

/** A register's tag as FNSTENV stores it (§8.1.7). */
export const TAG_VALID = 0;
export const TAG_ZERO = 1;
export const TAG_SPECIAL = 2;
export const TAG_EMPTY = 3;

export function tagOf(x: F80): number {
  switch (kind(x)) {
    case Kind.Normal:
      return TAG_VALID;
    case Kind.Zero:
      return TAG_ZERO;
    default:
      return TAG_SPECIAL;
  }
}

export class X87State {
  /**
   * R0..R7 (physical order): sign 0|1, biased exponent, significand bits 63-32 and 31-0 as
   * int32 bit patterns (`>>> 0` reads them unsigned; J is the sign bit of `hi`). Int32, not
   * Uint32: V8 passes an int32 to a call as a small integer, an unsigned word ≥ 2^31 as a
   * newly allocated heap number (fast-normal.ts).
   */
  readonly sgn = new Uint8Array(8);
  readonly ex = new Uint16Array(8);
  readonly hi = new Int32Array(8);
  readonly lo = new Int32Array(8);
  /** Bit p set: physical register p is empty. */
  empty = 0xff;
  top = 0;
  cw = CW_INIT;
  /** FSW without TOP (bits 11-13 kept 0 here). */
  sw = 0;
  fip = 0;
  fcs = 0;
  fdp = 0;
  fds = 0;
  /** The last non-control instruction's opcode: bits 10-8 the first byte's low 3 bits, 7-0 ModRM. */
  fop = 0;

  /** Power-on and RESET (SDM vol.3 table 9-1): FCW 0040H, FSW 0, FTW 5555H (all +0.0). */
  powerOn(): void {
    for (let p = 0; p < 8; p++) this.setReg(p, POS_ZERO);
    this.empty = 0;
    this.top = 0;
    this.cw = CW_POWER_ON;
    this.sw = 0;
    this.fip = this.fcs = this.fdp = this.fds = this.fop = 0;
  }

  /** FNINIT (SDM vol.2 FINIT): the registers keep their bits, every tag becomes empty. */
  init(): void {
    this.empty = 0xff;
    this.top = 0;
    this.cw = CW_INIT;
    this.sw = 0;
    this.fip = this.fcs = this.fdp = this.fds = this.fop = 0;
  }

  /** The status word with TOP. */
  status(): number {
    return (this.sw & ~(7 << SW_TOP_SHIFT)) | (this.top << SW_TOP_SHIFT);
  }

  /** Loads a whole status word (FLDENV, FRSTOR): TOP from bits 11-13. */
  setStatus(v: number): void {
    this.top = (v >> SW_TOP_SHIFT) & 7;
    this.sw = v & 0xffff & ~(7 << SW_TOP_SHIFT);
  }

  phys(i: number): number {
    return (this.top + i) & 7;
  }
  isEmpty(i: number): boolean {
    return ((this.empty >> this.phys(i)) & 1) !== 0;
  }
  /** Physical register p as a value (its tag aside). */
  reg(p: number): F80 {
    return new F80(this.sgn[p]!, this.ex[p]!, this.hi[p]! >>> 0, this.lo[p]! >>> 0);
  }
  /** Writes physical register p, leaving its tag alone. */
  setReg(p: number, v: F80): void {
    this.sgn[p] = v.sign;
    this.ex[p] = v.exp;
    this.hi[p] = v.hi;
    this.lo[p] = v.lo;
  }
  st(i: number): F80 {
    return this.reg(this.phys(i));
  }
  /** Writes ST(i) and marks it in use. */
  set(i: number, v: F80): void {
    const p = this.phys(i);
    this.setReg(p, v);
    this.empty &= ~(1 << p);
  }
  free(i: number): void {
    this.empty |= 1 << this.phys(i);
  }
  /** Pops ST(0): its tag becomes empty, TOP + 1. */
  pop(): void {
    this.free(0);
    this.top = (this.top + 1) & 7;
  }
  /** Pushes v: TOP - 1, then ST(0) = v. */
  push(v: F80): void {
    this.top = (this.top - 1) & 7;
    this.set(0, v);
  }

  /** The full tag word (two bits per physical register), computed from the contents. */
  tagWord(): number {
    let tw = 0;
    for (let p = 0; p < 8; p++) tw |= ((this.empty >> p) & 1 ? TAG_EMPTY : tagOf(this.reg(p))) << (2 * p);
    return tw;
  }
  /** Loads a tag word: only "empty" (11) is kept (see the file comment). */
  setTagWord(tw: number): void {
    let e = 0;
    for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) === TAG_EMPTY) e |= 1 << p;
    this.empty = e;
  }

  /**
   * Sets ES and B from the exception flags and the masks: an exception flag whose mask is
   * clear makes an exception pending (§8.1.3.1; FLDCW, FLDENV and FRSTOR recompute it).
   */
  updatePending(): void {
    if (this.sw & ~this.cw & EXC_MASK) this.sw |= SW_ES | SW_B;
    else this.sw &= ~(SW_ES | SW_B);
  }

  /** An unmasked exception is pending (FSW.ES). */
  get pending(): boolean {
    return (this.sw & SW_ES) !== 0;
  }

  /** Snapshot of every field, for saved machine states and reports. */
  save(): X87Snapshot {
    return {
      r: Array.from({ length: 8 }, (_, p) => {
        const x = this.reg(p);
        return { sign: x.sign, exp: x.exp, sig: x.sig.toString(16) };
      }),
      empty: this.empty,
      top: this.top,
      cw: this.cw,
      sw: this.sw,
      fip: this.fip,
      fcs: this.fcs,
      fdp: this.fdp,
      fds: this.fds,
      fop: this.fop,
    };
  }
  restore(s: X87Snapshot): void {
    for (let p = 0; p < 8; p++) {
      const x = s.r[p]!;
      this.setReg(p, f80(x.sign & 1, x.exp & 0x7fff, BigInt("0x" + x.sig) & ((1n << 64n) - 1n)));
    }
    this.empty = s.empty & 0xff;
    this.top = s.top & 7;
    this.cw = s.cw & 0xffff;
    this.sw = s.sw & 0xffff & ~(7 << SW_TOP_SHIFT);
    this.fip = s.fip | 0;
    this.fcs = s.fcs & 0xffff;
    this.fdp = s.fdp | 0;
    this.fds = s.fds & 0xffff;
    this.fop = s.fop & 0x7ff;
  }
}

/** The x87 state as plain data (significands in hex). */
export interface X87Snapshot {
  r: { sign: number; exp: number; sig: string }[];
  empty: number;
  top: number;
  cw: number;
  sw: number;
  fip: number;
  fcs: number;
  fdp: number;
  fds: number;
  fop: number;
}
