import { ConfigError, formatZodIssue, z } from "@ringlab/sdk";

/** Where a chip is in its initialisation sequence: `"done"` when it takes OCW1 at A0=1. */
export type InitStep = "done" | "icw2" | "icw3" | "icw4";

const byte = z.number().int().min(0).max(0xff);

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
    initStep: z.enum(["done", "icw2", "icw3", "icw4"]),
    /** False from power-on until the first ICW sequence completes. */
    initialised: z.boolean(),
    /** The lowest-priority level (see priority.ts). */
    lowestPriority: z.number().int().min(0).max(7),
    /** OCW3 RIS: a read at A0=0 returns the ISR rather than the IRR. */
    readIsr: z.boolean(),
    /** OCW3 P: the next read is a poll. */
    pollPending: z.boolean(),
    specialMask: z.boolean(),
    rotateOnAutoEoi: z.boolean(),
  })
  .strict();

/** Saved state of one 8259A. */
export type PicChipState = z.output<typeof chipStateSchema>;

const pairStateSchema = z
  .object({
    version: z.literal(1),
    /** Levels of bus IRQ lines 0..15 as last seen (bit n = IRQ n). */
    lines: z.number().int().min(0).max(0xffff),
    master: chipStateSchema,
    slave: chipStateSchema,
  })
  .strict();

/** Saved state of the PIC pair: what `saveState()` returns. */
export type PicPairState = z.output<typeof pairStateSchema>;

/**
 * Checks that `state` is one the PIC pair wrote, and returns it typed. Throws a
 * {@link ConfigError} of one line naming the first bad field, e.g.
 * `pic state: field 'master.irr': Too big: expected number to be <=255`.
 */
export function parsePairState(state: unknown, id: string): PicPairState {
  const result = pairStateSchema.safeParse(state);
  if (result.success) return result.data;
  throw new ConfigError(`${id} state: ${formatZodIssue(result.error.issues[0]!, "field")}`);
}
