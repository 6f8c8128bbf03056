import type { LoadPlan } from "./load-plan.js";

/**
 * A raw image (the seed's "nullkernel" style): the file's bytes at `addr`, EIP at `entry`
 * (default: the first byte).
 */
export function planRaw(image: string, bytes: Uint8Array, addr: number, entry = addr): LoadPlan {
  return { image, format: "raw", segments: [{ addr, data: bytes, memSize: bytes.length }], entry };
}
