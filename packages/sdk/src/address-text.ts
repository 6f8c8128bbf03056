/**
 * Guest physical addresses as people write them and as messages show them — one path for
 * every address flag, config key and loader message, so that no value is wrapped to 32 bits
 * on its way in or out (issue 16: `--entry 0x100100000` ran at 0x100000, `--rom x@0x100000000`
 * was reported as "ROM at 0x0..0xFFFF"). Text is read exactly, as a bigint, so nothing rounds
 * or wraps; a value is checked against the limit before it becomes a number; formatting
 * never truncates. (`hex()` stays what registers need: a 32-bit view of an int32 value.)
 */

/** The size of the IA-32 physical address space without PAE: addresses are below this. */
export const FOUR_GIB = 2 ** 32;

/** The size suffixes sizes and addresses may carry: `640K`, `1M`, `3G` (binary units). */
const UNIT: Record<string, bigint> = { "": 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n };

/**
 * Reads `0x1F000` (hexadecimal), `1048576` (decimal), or a decimal with a binary size suffix
 * (`640K`, `1M`, `4G`; a trailing `B`/`iB` is allowed) exactly, or undefined when the text is
 * none of those. Surrounding blanks are ignored; an empty text is not an address.
 */
export function readAddressText(text: string): bigint | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  const m = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(t);
  if (!m) return undefined;
  return BigInt(m[1]!) * UNIT[m[2]!.toUpperCase()]!;
}

/** An address (or any non-negative integer) in hexadecimal, whole: `0x100100000`, never wrapped. */
export function formatAddress(value: number | bigint): string {
  const v = typeof value === "bigint" ? value : BigInt(Math.trunc(value));
  return (v < 0n ? "-0x" : "0x") + (v < 0n ? -v : v).toString(16).toUpperCase();
}

/** The range `[start, end)` as its first and last byte, `0xA0000..0xBFFFF`, never wrapped. */
export function formatRange(start: number | bigint, end: number | bigint): string {
  return `${formatAddress(start)}..${formatAddress(BigInt(end) - 1n)}`;
}

/** What {@link parseAddressText} was asked to read, for its message. */
export interface AddressKind {
  /** The noun: "an address", "a port number", "a size". */
  what: string;
  /** An example written as a user would: `0x100000`. */
  example: string;
  /** Values must be below this (default 4 GiB). */
  end?: number;
  /** Words for the limit in the message (default: "below 4 GiB (0x100000000)"). */
  endText?: string;
}

/** A guest physical address below 4 GiB. */
export const PHYSICAL_ADDRESS: AddressKind = { what: "an address", example: "0x100000" };
/** An I/O port, 0..0xFFFF (the IA-32 I/O address space; SDM vol.1 §18.3). */
export const IO_PORT: AddressKind = { what: "a port number", example: "0x80", end: 0x10000, endText: "0..0xFFFF" };

/**
 * `text` read as `kind` says: the number, or why not as one phrase that says what was
 * expected and what was given (`expected an address below 4 GiB (0x100000000), got
 * 0x100100000`), for the caller to put after the flag or key it came from.
 */
export function parseAddressText(
  text: string,
  kind: AddressKind = PHYSICAL_ADDRESS,
): {
  /** The value read, a whole number from 0 to below `kind.end` (4 GiB by default). */
  value: number;
} | {
  /**
   * Why `text` is not one, as a phrase for the caller to put after the flag or key it came
   * from: `expected an address such as 0x100000, got 'x'`.
   */
  error: string;
} {
  const v = readAddressText(text);
  if (v === undefined) return { error: `expected ${kind.what} such as ${kind.example}, got '${text}'` };
  return checkAddressValue(v, kind, text.trim());
}

/**
 * `value` checked against `kind`'s limit: the number, or the phrase {@link parseAddressText}
 * gives. `written` is how the user wrote it (default: in hexadecimal).
 */
export function checkAddressValue(
  value: number | bigint,
  kind: AddressKind = PHYSICAL_ADDRESS,
  written?: string,
): {
  /** `value` as a number, a whole number from 0 to below `kind.end` (4 GiB by default). */
  value: number;
} | {
  /** Why `value` is refused: not a whole number, negative, or at or above the limit. */
  error: string;
} {
  const end = kind.end ?? FOUR_GIB;
  const v = typeof value === "bigint" ? value : Number.isInteger(value) ? BigInt(value) : undefined;
  if (v === undefined) return { error: `expected ${kind.what} such as ${kind.example}, got ${String(value)}` };
  const limit = kind.endText ?? (end === FOUR_GIB ? "below 4 GiB (0x100000000)" : `below ${formatAddress(end)}`);
  if (v < 0n || v >= BigInt(end)) return { error: `expected ${kind.what} ${limit}, got ${written ?? formatAddress(v)}` };
  return { value: Number(v) };
}
