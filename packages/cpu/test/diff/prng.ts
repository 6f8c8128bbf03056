/**
 * Seeded deterministic PRNG for the differential generator (xoshiro128**, seeded through
 * splitmix32). Never Math.random: a case id plus the seed must reproduce the case exactly.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      // splitmix32 spreads a small seed over the whole 128-bit state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform unsigned 32-bit value. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Prng.pick: empty list");
    return items[this.below(items.length)] as T;
  }

  /** Random bytes. */
  bytes(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.u32() & 0xff);
    return out;
  }

  /**
   * A value of `bits` width biased to the edges where ALU bugs live: 0, 1, all-ones, the
   * sign boundary (0x7F.., 0x80..), small numbers, single bits, and byte/nibble patterns
   * that stress AF and PF; otherwise uniform.
   */
  edge(bits: 8 | 16 | 32 = 32): number {
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    const sign = bits === 32 ? 0x80000000 : 1 << (bits - 1);
    const r = this.below(16);
    let v: number;
    switch (r) {
      case 0: v = 0; break;
      case 1: v = 1; break;
      case 2: v = mask; break;
      case 3: v = sign - 1; break;
      case 4: v = sign; break;
      case 5: v = sign + this.range(1, 3); break;
      case 6: v = this.range(2, 16); break;
      case 7: v = mask - this.range(1, 16); break;
      case 8: v = 2 ** this.below(bits); break;
      case 9: v = this.pick([0x0f, 0x09, 0x99, 0x0a, 0xf9, 0x9a, 0xff, 0x10, 0x80, 0x7f]); break;
      case 10: v = (sign - 1) - this.range(0, 3); break;
      default: v = this.u32(); break;
    }
    if (bits === 32 && r !== 9 && this.chance(0.1)) {
      // Randomise upper bits that a narrower operation must leave untouched.
      v = (v ^ (this.u32() & 0xffff0000)) >>> 0;
    }
    return (v & mask) >>> 0;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
