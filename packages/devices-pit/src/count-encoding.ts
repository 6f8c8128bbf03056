/**
 * How the 8254 represents counts on the data bus. In binary mode a count is a 16-bit number
 * and an initial count of 0 means 2^16; in BCD mode it is four decimal digits and 0 means 10^4
 * (8254 datasheet, "Minimum and Maximum Initial Counts"). Inside the model counts are plain
 * numbers ("logical" counts); these functions convert at the bus.
 */

/** Counts per wrap-around of the counting element: 65536 binary, 10000 BCD. */
export function countModulus(bcd: boolean): number {
  return bcd ? 10_000 : 0x10000;
}

/**
 * The logical initial count of a 16-bit value written to the count register: 1..65536 in
 * binary, 1..10000 in BCD. A BCD digit above 9 is taken at its nibble's weight, which is how
 * long a decade counter starting at that digit takes to run down (e.g. 0x00FF: 165 clocks).
 */
export function initialCount(raw: number, bcd: boolean): number {
  const v = decodeCount(raw, bcd);
  return v === 0 ? countModulus(bcd) : v;
}

/** The logical value of a 16-bit count as the counting element holds it (0 stays 0). */
export function decodeCount(raw: number, bcd: boolean): number {
  const v = raw & 0xffff;
  if (!bcd) return v;
  return (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 + ((v >> 12) & 0xf) * 1000;
}

/**
 * The 16-bit value the bus reads for a logical count: the low 16 bits in binary (65536 reads
 * as 0), four BCD digits in BCD (10000 reads as 0). A count above 10000 (only from a BCD
 * initial count with a digit above 9) keeps its excess in the top nibble.
 */
export function encodeCount(count: number, bcd: boolean): number {
  if (!bcd) return count & 0xffff;
  const v = count === 10_000 ? 0 : count;
  const thousands = Math.min(15, Math.floor(v / 1000));
  return (thousands << 12) | (Math.floor(v / 100) % 10 << 8) | (Math.floor(v / 10) % 10 << 4) | v % 10;
}

/** `count` wrapped into 0..modulus-1, for counters that run on past terminal count. */
export function wrapCount(count: number, modulus: number): number {
  if (count >= 0) return count;
  const m = count % modulus;
  return m === 0 ? 0 : m + modulus;
}
