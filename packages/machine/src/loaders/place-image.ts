import { RinglabError, formatAddress, formatRange, hex } from "@ringlab/sdk";
import { CONVENTIONAL_RAM_END, EXTENDED_RAM_START, type LayoutRegion, type MemoryLayout } from "../memory-layout.js";
import { ImageError } from "./image-error.js";
import type { LoadPlan } from "./load-plan.js";

/**
 * Checks that every segment lies wholly in the layout's RAM — not in a reserved region (on a
 * PC, the legacy hole 0xA0000-0xFFFFF: VGA window and ROMs), not in a gap, not past the top
 * of RAM — and that no two overlap. Each failure is one {@link ImageError} line naming the
 * image.
 */
export function checkPlanFits(plan: LoadPlan, layout: MemoryLayout): void {
  const placed: [number, number][] = [];
  for (const s of plan.segments) {
    const start = s.addr;
    const end = s.addr + s.memSize;
    const where = `segment ${formatRange(start, end)}`;
    if (end > 2 ** 32) throw new ImageError(plan.image, `${where} runs past 4 GiB`);
    const hole = layout.holeOverlap(start, s.memSize);
    if (hole) throw new ImageError(plan.image, `${where} overlaps ${describeHole(hole)}`);
    if (!layout.contains(start, s.memSize)) {
      throw new ImageError(plan.image, `${where} is outside the machine's RAM (${describeRam(layout)}): raise --mem or change memory.layout`);
    }
    for (const [a, b] of placed) {
      if (start < b && a < end) throw new ImageError(plan.image, `${where} overlaps another segment at ${formatRange(a, b)}`);
    }
    placed.push([start, end]);
  }
  checkEntry(plan, layout);
}

/**
 * The entry point must be an instruction of the image: inside one of its segments (which
 * lie in RAM, as checked before). Anywhere else the CPU would fetch unmapped all-ones or
 * zeroed memory and triple-fault far from the cause. The message names the field or flag
 * that gave the entry: the image's header (a bad image), or the user's flag (a usage error).
 */
function checkEntry(plan: LoadPlan, layout: MemoryLayout): void {
  const e = plan.entry;
  if (plan.segments.some((s) => e >= s.addr && e < s.addr + s.memSize)) return;
  const from = plan.entryFrom ?? { field: "entry point", by: "image" };
  const image = plan.segments.map((s) => formatRange(s.addr, s.addr + s.memSize)).join(", ");
  const problem = layout.contains(e, 1)
    ? `${formatAddress(e)} is not in the loaded image: expected an address inside its segments ${image}`
    : `${formatAddress(e)} is outside the machine's RAM (${describeRam(layout)}): ` +
      `expected an address inside the loaded image's segments ${image}`;
  if (from.by === "user") throw new RinglabError("bad-argument", `${from.field}: ${problem}`);
  throw new ImageError(plan.image, `${from.field} ${problem}`);
}

/**
 * Copies the plan's segments into RAM and zeroes BSS. `ram` is the bus's RAM buffer, in
 * which RAM is identity-mapped (physical address = offset; see {@link MemoryLayout}).
 */
export function placeImage(plan: LoadPlan, ram: Uint8Array, layout: MemoryLayout): void {
  checkPlanFits(plan, layout);
  if (ram.length < layout.topOfRam) {
    throw new RangeError(`RAM buffer of ${ram.length} bytes is below the layout's top of RAM ${hex(layout.topOfRam)}`);
  }
  for (const s of plan.segments) {
    ram.set(s.data, s.addr);
    ram.fill(0, s.addr + s.data.length, s.addr + s.memSize);
  }
}

/** The reserved region for a message; the PC's own hole is named as such. */
function describeHole(r: LayoutRegion): string {
  if (r.start === CONVENTIONAL_RAM_END && r.start + r.size === EXTENDED_RAM_START) {
    return `the PC hole ${formatRange(r.start, r.start + r.size)} (VGA memory and ROMs)`;
  }
  return `the reserved region ${formatRange(r.start, r.start + r.size)} (memory.layout)`;
}

/** `0x0..0x9FFFF, 0x100000..0x1FFFFFF`: the RAM runs of a layout. */
function describeRam(layout: MemoryLayout): string {
  return layout.ramRuns.map(([a, b]) => formatRange(a, b)).join(", ");
}
