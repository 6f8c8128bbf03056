/**
 * The PIT's input clock on a PC: 14.31818 MHz / 12 = 1.193182 MHz (the IBM PC derived it from
 * the NTSC colour-burst crystal; every later PC kept the rate so software timing stayed valid).
 */
export const PIT_HZ = 1_193_182;

const SAFE = Number.MAX_SAFE_INTEGER;
/** Products up to this bound leave room for the exactness check below (k × c ≤ a × b + c). */
const FAST_BOUND = 2 ** 52;

/** floor(a × b / c) for non-negative safe integers, exact (a BigInt fallback when a × b is too big). */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= FAST_BOUND && c <= FAST_BOUND) {
    // p is exact here; the double quotient may still round up across an integer, so check it.
    let k = Math.floor(p / c);
    if (k * c > p) k--;
    else if ((k + 1) * c <= p) k++;
    return k;
  }
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** ceil(a × b / c) for non-negative safe integers, exact. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const k = mulDivFloor(a, b, c);
  // k × c ≤ a × b; the quotient is whole exactly when the remainder is zero.
  const whole = a * b <= SAFE ? k * c === a * b : BigInt(k) * BigInt(c) === BigInt(a) * BigInt(b);
  return whole ? k : k + 1;
}

/**
 * Converts between virtual time (TSC ticks) and PIT clock edges.
 *
 * Edge k of the PIT clock happens at exactly k / 1193182 virtual seconds; "edges by tick t"
 * counts those in (0, t]. An edge that falls on the very tick of a port access counts as
 * already happened, so whatever the guest writes at that tick takes effect at the next edge.
 *
 * `ticks × 1193182` passes 2^53 after a few virtual seconds at 1 GHz, so every conversion is
 * split into whole virtual seconds (exact products of small numbers) and the remainder within
 * the second, whose product stays below 2^52 for any TSC up to about 3.7 GHz; above that the
 * remainder part is done in BigInt. Either way the result is exact.
 */
export class PitClock {
  constructor(readonly tscHz: number) {
    if (!Number.isSafeInteger(tscHz) || tscHz < 1) throw new RangeError(`PIT clock: bad TSC frequency ${tscHz}`);
  }

  /** Number of PIT clock edges that have happened by TSC tick `ticks`: floor(ticks × PIT_HZ / tscHz). */
  edgeAt(ticks: number): number {
    if (!(ticks > 0)) return 0;
    const t = Math.floor(ticks);
    let s = Math.floor(t / this.tscHz);
    let u = t - s * this.tscHz;
    if (u < 0) {
      s--;
      u += this.tscHz;
    } else if (u >= this.tscHz) {
      s++;
      u -= this.tscHz;
    }
    return s * PIT_HZ + mulDivFloor(u, PIT_HZ, this.tscHz);
  }

  /** The first TSC tick at which edge `edge` has happened: ceil(edge × tscHz / PIT_HZ). */
  tickOfEdge(edge: number): number {
    if (!(edge > 0)) return 0;
    const e = Math.floor(edge);
    let s = Math.floor(e / PIT_HZ);
    let r = e - s * PIT_HZ;
    if (r < 0) {
      s--;
      r += PIT_HZ;
    } else if (r >= PIT_HZ) {
      s++;
      r -= PIT_HZ;
    }
    return s * this.tscHz + mulDivCeil(r, this.tscHz, PIT_HZ);
  }
}
