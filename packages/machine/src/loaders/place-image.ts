import { hex } from "@ringlab/sdk";
import { CONVENTIONAL_RAM_END, EXTENDED_RAM_START } from "../memory-layout.js";
import { ImageError } from "./image-error.js";
import type { LoadPlan } from "./load-plan.js";

/** The RAM ranges of a PC with `ramSize` bytes: [start, end) pairs. */
export function ramRanges(ramSize: number): [number, number][] {
  return [
    [0, CONVENTIONAL_RAM_END],
    [EXTENDED_RAM_START, ramSize],
  ];
}

/**
 * Checks that every segment lies wholly in RAM — not in the legacy hole 0xA0000-0xFFFFF
 * (VGA window and ROMs) and not past the end of memory — and that no two overlap.
 */
export function checkPlanFits(plan: LoadPlan, ramSize: number): void {
  const ranges = ramRanges(ramSize);
  const placed: [number, number][] = [];
  for (const s of plan.segments) {
    const start = s.addr;
    const end = s.addr + s.memSize;
    const where = `segment ${hex(start)}..${hex(end - 1)}`;
    if (end > 2 ** 32) throw new ImageError(plan.image, `${where} runs past 4 GiB`);
    if (start < EXTENDED_RAM_START && end > CONVENTIONAL_RAM_END) {
      throw new ImageError(plan.image, `${where} overlaps the PC hole ${hex(CONVENTIONAL_RAM_END)}..0xFFFFF (VGA memory and ROMs)`);
    }
    if (!ranges.some(([a, b]) => start >= a && end <= b)) {
      throw new ImageError(plan.image, `${where} is outside the machine's ${ramSize / (1024 * 1024)} MiB of RAM (raise --mem)`);
    }
    for (const [a, b] of placed) {
      if (start < b && a < end) throw new ImageError(plan.image, `${where} overlaps another segment at ${hex(a)}..${hex(b - 1)}`);
    }
    placed.push([start, end]);
  }
}

/** Copies the plan's segments into RAM (identity-mapped: address = RAM offset) and zeroes BSS. */
export function placeImage(plan: LoadPlan, ram: Uint8Array): void {
  checkPlanFits(plan, ram.length);
  for (const s of plan.segments) {
    ram.set(s.data, s.addr);
    ram.fill(0, s.addr + s.data.length, s.addr + s.memSize);
  }
}
