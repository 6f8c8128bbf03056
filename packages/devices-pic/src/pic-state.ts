import { deviceState, stateBool, stateChoice, stateInt, z } from "@ringlab/sdk";

/** Where a chip is in its initialisation sequence: `"done"` when it takes OCW1 at A0=1. */
export type InitStep = "done" | "icw2" | "icw3" | "icw4";

const byte = stateInt(0, 0xff);

/** Saved state of one 8259A. Every register, latch and mode bit the chip holds. */
const chipStateSchema = z
  .object({
    /** Levels of the eight IR input pins (bit n = IRn), as the chip last saw them. */
    pins: byte,
    irr: byte,
    isr: byte,
    imr: byte,
    /** The chip's half of the edge/level control register (0x4D0 or 0x4D1). */
    elcr: byte,
    /** The initialisation command words as last written (ICW4 is 0 when not needed). */
    icw1: byte,
    icw2: byte,
    icw3: byte,
    icw4: byte,
    initStep: stateChoice(["done", "icw2", "icw3", "icw4"]),
    /** False from power-on until the first ICW sequence completes. */
    initialised: stateBool(),
    /** The lowest-priority level (see priority.ts). */
    lowestPriority: stateInt(0, 7),
    /** OCW3 RIS: a read at A0=0 returns the ISR rather than the IRR. */
    readIsr: stateBool(),
    /** OCW3 P: the next read is a poll. */
    pollPending: stateBool(),
    specialMask: stateBool(),
    rotateOnAutoEoi: stateBool(),
  })
  .strict();

/** Saved state of one 8259A. */
export type PicChipState = z.output<typeof chipStateSchema>;

const pairStateSchema = z
  .object({
    version: z.literal(1),
    /** Levels of bus IRQ lines 0..15 as last seen (bit n = IRQ n). */
    lines: stateInt(0, 0xffff),
    master: chipStateSchema,
    slave: chipStateSchema,
  })
  .strict();

/** Saved state of the PIC pair: what `saveState()` returns. */
export type PicPairState = z.output<typeof pairStateSchema>;

/**
 * The PIC pair's saved state: checked on load with one ConfigError line naming the
 * first bad field, e.g. `pic state: field 'master.irr': expected a whole number from 0 to
 * 255, got 256`.
 */
export const pairState = deviceState(pairStateSchema);
