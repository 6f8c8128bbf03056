import type { MemoryMap } from "./memory-map.js";

/**
 * The PC's A20 gate as a device drives it (inject it with `@inject(A20_GATE)`). On a PC
 * several sources can enable address line 20: the keyboard controller's output port bit 1
 * (its A20GATE pin) and System Control Port A (port 0x92) bit 1. The chipset ORs them —
 * the PIIX3 asserts the CPU's A20M# only while every source has it off (PIIX3 datasheet,
 * "A20M#") — so each source says only what it drives, and the gate is
 * open when any of them enables A20, or when none drives it at all (the A20GATE pin is
 * pulled up: a PC with no keyboard controller runs with A20 on, as a boot without a BIOS
 * needs).
 */
export interface A20Gate {
  /**
   * Source `source` (a device id) drives its A20 input: `true` lets address bit 20 through,
   * `false` asks for it to be forced to 0 — which happens only if no other source enables it.
   */
  drive(source: string, enabled: boolean): void;
  /** Source `source` stops driving: its input no longer counts (an OR input left at 0). */
  release(source: string): void;
  /** Whether address bit 20 currently passes (the gate is open). */
  readonly enabled: boolean;
}

/**
 * The {@link A20Gate} a machine gives its devices: it combines the sources' inputs and
 * opens or closes the gate of the memory map the CPU reads through
 * ({@link MemoryMap.setA20}). Changing nothing costs nothing.
 */
export class A20GateInputs implements A20Gate {
  private readonly inputs = new Map<string, boolean>();

  constructor(private readonly memory: MemoryMap) {}

  get enabled(): boolean {
    return this.memory.a20Enabled;
  }

  drive(source: string, enabled: boolean): void {
    this.inputs.set(source, enabled);
    this.update();
  }

  release(source: string): void {
    if (this.inputs.delete(source)) this.update();
  }

  /** The sources driving, and what each drives (for reports and tests). */
  driven(): ReadonlyMap<string, boolean> {
    return this.inputs;
  }

  private update(): void {
    let open = this.inputs.size === 0;
    for (const v of this.inputs.values()) open ||= v;
    this.memory.setA20(open);
  }
}
