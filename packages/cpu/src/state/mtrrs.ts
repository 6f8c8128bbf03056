/**
 * The P6 family's memory type range registers (SDM vol.3 §11.11; MSR numbers in vol.4
 * table 2-2): IA32_MTRRCAP, IA32_MTRR_DEF_TYPE, 11 fixed-range registers and 8 variable
 * pairs. ringlab models no cache, so memory types change nothing an instruction computes;
 * what a guest can observe — the registers, their read-only and reserved bits, the #GP(0)
 * for invalid types — is exact. All zero at reset (MTRRs disabled, SDM vol.3 §11.11.5).
 */

export const MSR_MTRRCAP = 0xfe;
export const MSR_MTRR_DEF_TYPE = 0x2ff;
/** IA32_MTRR_PHYSBASE0 / PHYSMASK0; pair n at 0x200 + 2n, 0x201 + 2n. */
export const MSR_MTRR_PHYSBASE0 = 0x200;
const VARIABLE_COUNT = 8;
/** FIX64K_00000, FIX16K_80000, FIX16K_A0000, FIX4K_C0000 ... FIX4K_F8000. */
export const FIXED_MTRRS: readonly number[] = [0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f];

/**
 * MTRRCAP: VCNT = 8 variable ranges, FIX = 1 (fixed ranges), WC = 1 (write combining), as on
 * the Pentium Pro and Pentium II.
 */
const MTRRCAP = VARIABLE_COUNT | (1 << 8) | (1 << 10);
/** The P6's physical address width: 36 bits, so bits 63:36 of a base or mask are reserved. */
const PHYS_HIGH_RESERVED = ~0xf;

/** UC, WC, WT, WP, WB (types 2, 3 and 7 and up are reserved). */
function validType(t: number): boolean {
  return t === 0 || t === 1 || t === 4 || t === 5 || t === 6;
}

/** The MTRRs of one CPU. */
export class Mtrrs {
  private defType = 0;
  /**
   * The 64-bit registers as [low, high] halves (a fixed-range MTRR uses all 64 bits, past a
   * double's 53): the fixed ones, then PHYSBASE0, PHYSMASK0, PHYSBASE1, ...
   */
  private readonly regs = new Uint32Array(2 * (FIXED_MTRRS.length + 2 * VARIABLE_COUNT));

  reset(): void {
    this.defType = 0;
    this.regs.fill(0);
  }

  /** Every register as plain data, for saved machine states. */
  save(): { defType: number; regs: number[] } {
    return { defType: this.defType, regs: Array.from(this.regs) };
  }

  /** Restores {@link save}'s output (a shorter `regs` leaves the rest zero). */
  restore(s: { defType: number; regs: readonly number[] }): void {
    this.defType = s.defType;
    this.regs.fill(0);
    this.regs.set(s.regs.slice(0, this.regs.length));
  }

  /** Whether `index` is one of these MSRs. */
  has(index: number): boolean {
    return index === MSR_MTRRCAP || index === MSR_MTRR_DEF_TYPE || FIXED_MTRRS.includes(index) || this.variableSlot(index) >= 0;
  }

  /** The value of MSR `index` (one of {@link has}'s) as [EAX, EDX]. */
  read(index: number): [number, number] {
    if (index === MSR_MTRRCAP) return [MTRRCAP, 0];
    if (index === MSR_MTRR_DEF_TYPE) return [this.defType, 0];
    const r = this.slot(index);
    return [this.regs[2 * r]!, this.regs[2 * r + 1]!];
  }

  /**
   * Writes MSR `index` with EDX:EAX = `hi`:`lo`; false when WRMSR must raise #GP(0): MTRRCAP
   * is read-only, reserved bits must be 0 and every type field valid (SDM vol.3 §11.11.2).
   */
  write(index: number, hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (index === MSR_MTRRCAP) return false;
    if (index === MSR_MTRR_DEF_TYPE) {
      // Type in 7:0, FE (10), E (11); everything else reserved.
      if (hi !== 0 || lo & ~0xcff || !validType(lo & 0xff)) return false;
      this.defType = lo;
      return true;
    }
    const f = FIXED_MTRRS.indexOf(index);
    if (f >= 0) {
      // Eight type bytes, one per sub-range.
      for (let k = 0; k < 4; k++) if (!validType((lo >>> (8 * k)) & 0xff) || !validType((hi >>> (8 * k)) & 0xff)) return false;
    } else if (hi & PHYS_HIGH_RESERVED) {
      return false;
    } else if (this.variableSlot(index) % 2 === 0) {
      // PHYSBASE: type in 7:0, base in 35:12, 11:8 reserved.
      if (lo & 0xf00 || !validType(lo & 0xff)) return false;
    } else if (lo & 0x7ff) {
      // PHYSMASK: valid in 11, mask in 35:12, 10:0 reserved.
      return false;
    }
    const r = this.slot(index);
    this.regs[2 * r] = lo;
    this.regs[2 * r + 1] = hi;
    return true;
  }

  /** The register number in {@link regs} of a fixed or variable MTRR. */
  private slot(index: number): number {
    const f = FIXED_MTRRS.indexOf(index);
    return f >= 0 ? f : FIXED_MTRRS.length + this.variableSlot(index);
  }

  private variableSlot(index: number): number {
    const slot = index - MSR_MTRR_PHYSBASE0;
    return slot >= 0 && slot < 2 * VARIABLE_COUNT ? slot : -1;
  }
}
