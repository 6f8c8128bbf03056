import { BAUD_BASE, LCR_PARITY_ENABLE, LCR_STOP_BITS, LCR_WORD_LENGTH } from "./registers.js";

/**
 * Half-bit times one character takes on the line with line control `lcr`: a start bit, 5-8
 * data bits, an optional parity bit and 1, 1.5 (5-bit words) or 2 stop bits. 8N1 is 20
 * half-bits, the 10 bits per character of the usual setting.
 */
export function frameHalfBits(lcr: number): number {
  const data = 5 + (lcr & LCR_WORD_LENGTH);
  const parity = lcr & LCR_PARITY_ENABLE ? 1 : 0;
  const stopHalves = lcr & LCR_STOP_BITS ? (data === 5 ? 3 : 4) : 2;
  return 2 * (1 + data + parity) + stopHalves;
}

/** The data bits of a character with line control `lcr` (the rest of a byte is not sent). */
export function wordMask(lcr: number): number {
  return (1 << (5 + (lcr & LCR_WORD_LENGTH))) - 1;
}

/**
 * Converts line times to TSC ticks: one bit at divisor d lasts d / 115200 s. Divisor 0 is
 * taken as 65536 (the 16-bit divider wraps). Exact integer arithmetic (BigInt: half-bits ×
 * divisor × tscHz can exceed 2^53), rounded up, cached per (half-bits, divisor).
 */
export class FrameTiming {
  private readonly cache = new Map<number, number>();

  constructor(private readonly tscHz: number) {}

  /** TSC ticks of `halfBits` half-bit times at `divisor`. */
  ticks(halfBits: number, divisor: number): number {
    const d = divisor === 0 ? 0x10000 : divisor;
    const key = halfBits * 0x20000 + d;
    let t = this.cache.get(key);
    if (t === undefined) {
      const num = BigInt(halfBits) * BigInt(d) * BigInt(this.tscHz);
      const den = BigInt(2 * BAUD_BASE);
      t = Number((num + den - 1n) / den);
      this.cache.set(key, t);
    }
    return t;
  }
}
