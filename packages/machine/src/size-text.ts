import { formatAddress, readAddressText } from "@ringlab/sdk";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Parses `32M`, `640K`, `1G`, a plain byte count or a hexadecimal one (the SDK's one address
 * and size syntax, {@link readAddressText}); the caller checks the range.
 */
export function parseSize(text: string): number | undefined {
  const v = readAddressText(text);
  return v === undefined ? undefined : Number(v);
}

/** A byte count as a user would write it: `32M`, `640K`, else hexadecimal (never wrapped). */
export function formatSize(n: number): string {
  if (n !== 0 && n % GiB === 0) return `${n / GiB}G`;
  if (n !== 0 && n % MiB === 0) return `${n / MiB}M`;
  if (n !== 0 && n % KiB === 0) return `${n / KiB}K`;
  return formatAddress(n);
}
