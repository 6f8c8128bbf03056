import { hex } from "@ringlab/sdk";

/** PC memory layout (IBM PC/AT): conventional RAM ends at 640 KiB, extended RAM starts at 1 MiB. */
export const CONVENTIONAL_RAM_END = 0xa0000;
export const EXTENDED_RAM_START = 0x100000;

/** What occupies a range of the physical address space in a machine's layout. */
export type LayoutRegionKind = "ram" | "reserved";

/**
 * One range of a memory layout. `ram` is guest RAM; `reserved` is a hole: nothing decodes
 * it (reads give all-ones, writes are dropped) unless a device or ROM maps something there,
 * and the Multiboot memory map reports it as reserved (type 2).
 */
export interface LayoutRegion {
  kind: LayoutRegionKind;
  /** First physical address (4 KiB aligned). */
  start: number;
  /** Size in bytes (a multiple of 4 KiB). */
  size: number;
}

/**
 * A machine's physical address-space layout: its RAM ranges and reserved holes, in address
 * order, none overlapping (the config schema checks this). RAM is identity-mapped into the
 * bus's RAM buffer (physical address = buffer offset), so the buffer is {@link topOfRam}
 * bytes long and the loaders can copy into it directly; a hole below the top costs address
 * space in the buffer, not memory, as an `ArrayBuffer`'s untouched pages are never allocated.
 */
export class MemoryLayout {
  /** Every region, lowest address first. */
  readonly regions: readonly LayoutRegion[];
  /** The RAM regions, lowest address first. */
  readonly ramRegions: readonly LayoutRegion[];
  /** RAM as maximal contiguous runs ([start, end) pairs): adjacent RAM regions merged. */
  readonly ramRuns: readonly (readonly [number, number])[];

  constructor(regions: readonly LayoutRegion[]) {
    this.regions = [...regions].sort((a, b) => a.start - b.start).map((r) => ({ ...r }));
    this.ramRegions = this.regions.filter((r) => r.kind === "ram");
    const runs: [number, number][] = [];
    for (const r of this.ramRegions) {
      const last = runs[runs.length - 1];
      if (last && last[1] === r.start) last[1] = r.start + r.size;
      else runs.push([r.start, r.start + r.size]);
    }
    this.ramRuns = runs;
  }

  /**
   * The IBM PC/AT layout for a machine whose RAM ends at `topOfRam` (at least 1 MiB): RAM
   * 0-0x9FFFF, the legacy hole 0xA0000-0xFFFFF (VGA window, option ROMs, BIOS) reserved,
   * RAM again from 1 MiB to `topOfRam`.
   */
  static pc(topOfRam: number): MemoryLayout {
    return new MemoryLayout(pcLayoutRegions(topOfRam));
  }

  /** One past the highest RAM byte: the size of the bus's RAM buffer. */
  get topOfRam(): number {
    const last = this.ramRuns[this.ramRuns.length - 1];
    return last ? last[1] : 0;
  }

  /** Bytes of RAM in all regions. */
  get totalRam(): number {
    return this.ramRegions.reduce((n, r) => n + r.size, 0);
  }

  /** Whether `[addr, addr+len)` lies wholly in RAM (possibly across adjacent RAM regions). */
  contains(addr: number, len: number): boolean {
    return this.ramRuns.some(([a, b]) => addr >= a && addr + len <= b);
  }

  /** The region containing `addr`, if any (gaps between regions belong to none). */
  regionAt(addr: number): LayoutRegion | undefined {
    return this.regions.find((r) => addr >= r.start && addr < r.start + r.size);
  }

  /** The first reserved region that `[addr, addr+len)` overlaps, if any. */
  holeOverlap(addr: number, len: number): LayoutRegion | undefined {
    return this.regions.find((r) => r.kind === "reserved" && addr < r.start + r.size && r.start < addr + len);
  }

  /** The first RAM region that `[addr, addr+len)` overlaps, if any. */
  ramOverlap(addr: number, len: number): LayoutRegion | undefined {
    return this.ramRegions.find((r) => addr < r.start + r.size && r.start < addr + len);
  }

  /**
   * Multiboot 0.6.96 §3.3 `mem_lower`: KiB of RAM contiguous from address 0, at most 640
   * (lower memory ends where the PC's VGA window begins).
   */
  get memLowerKiB(): number {
    const run = this.ramRuns.find(([a]) => a === 0);
    return run ? Math.min(run[1], CONVENTIONAL_RAM_END) / 1024 : 0;
  }

  /** §3.3 `mem_upper`: KiB of RAM contiguous from 1 MiB (0 when no RAM is there). */
  get memUpperKiB(): number {
    const run = this.ramRuns.find(([a, b]) => a <= EXTENDED_RAM_START && EXTENDED_RAM_START < b);
    return run ? (run[1] - EXTENDED_RAM_START) / 1024 : 0;
  }

  /** The layout for messages, e.g. `RAM 0x0..0x9FFFF, reserved 0xA0000..0xFFFFF, ...`. */
  toString(): string {
    return this.regions.map(describeRegion).join(", ");
  }
}

/** The regions of {@link MemoryLayout.pc}: what a config without `memory.layout` gets. */
export function pcLayoutRegions(topOfRam: number): LayoutRegion[] {
  return [
    { kind: "ram", start: 0, size: CONVENTIONAL_RAM_END },
    { kind: "reserved", start: CONVENTIONAL_RAM_END, size: EXTENDED_RAM_START - CONVENTIONAL_RAM_END },
    { kind: "ram", start: EXTENDED_RAM_START, size: topOfRam - EXTENDED_RAM_START },
  ];
}

/** `RAM 0x100000..0x1FFFFFF` / `reserved 0xA0000..0xFFFFF`. */
export function describeRegion(r: LayoutRegion): string {
  return `${r.kind === "ram" ? "RAM" : "reserved"} ${hex(r.start)}..${hex(r.start + r.size - 1)}`;
}
