/** Hex encodings the protocol uses for numbers, register values and memory. */

/** `bytes` as lower-case hex, two digits a byte. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Hex pairs to bytes; undefined when `text` is not an even number of hex digits. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A hex number as the protocol writes addresses and lengths (no prefix); undefined if not one. */
export function parseHexNumber(text: string, max = 0xffff_ffff): number | undefined {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  const n = parseInt(text, 16);
  return n <= max ? n : undefined;
}

/** `value` as `bits / 8` bytes, least significant first, in hex (gdb's register format on x86). */
export function littleEndianHex(value: bigint, bits: number): string {
  let s = "";
  let v = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits / 8; i++) {
    s += Number(v & 0xffn).toString(16).padStart(2, "0");
    v >>= 8n;
  }
  return s;
}

/** The inverse of {@link littleEndianHex}; undefined when `text` is not `bits / 4` hex digits. */
export function parseLittleEndianHex(text: string, bits: number): bigint | undefined {
  const bytes = fromHex(text);
  if (bytes === undefined || bytes.length !== bits / 8) return undefined;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}
