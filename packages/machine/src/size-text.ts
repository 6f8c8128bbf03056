import { hex } from "@ringlab/sdk";

const KiB = 1024;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Parses `32M`, `640K`, `1G` or a plain byte count. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, K: KiB, M: MiB, G: 1024 ** 3 }[m[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(m[1]) * unit;
}

/**
 * Parses an address or size written as a config string: hexadecimal `0xFEC00000`, or
 * anything {@link parseSize} reads (`1M`, `640K`, `4096`).
 */
export function parseAddress(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  return parseSize(t);
}

/** A byte count as a user would write it: `32M`, `640K`, else hexadecimal. */
export function formatSize(n: number): string {
  if (n !== 0 && n % GiB === 0) return `${n / GiB}G`;
  if (n !== 0 && n % MiB === 0) return `${n / MiB}M`;
  if (n !== 0 && n % KiB === 0) return `${n / KiB}K`;
  return hex(n);
}
