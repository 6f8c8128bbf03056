import type { LoadPlan } from "./load-plan.js";

/**
 * A raw image (the seed's "nullkernel" style): the file's bytes at `addr`, EIP at `entry`
 * (default: the first byte). `entryFlag` names the option the entry was given with
 * (`--entry`), so that an entry outside the image is reported as the user's mistake.
 */
export function planRaw(image: string, bytes: Uint8Array, addr: number, entry = addr, entryFlag?: string): LoadPlan {
  return {
    image,
    format: "raw",
    segments: [{ addr, data: bytes, memSize: bytes.length }],
    entry,
    ...(entryFlag !== undefined ? { entryFrom: { field: entryFlag, by: "user" as const } } : {}),
  };
}
