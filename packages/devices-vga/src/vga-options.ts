import { z } from "@ringlab/sdk";
import { MODE3_REPLAY } from "./mode3-replay.generated.js";
import { parseReplay } from "./replay.js";

/**
 * Options of the `vga` device plugin.
 *
 * `replay` is the TEXT of a replay file (see {@link parseReplay} for the format), not a
 * path: devices do no file I/O, the front end reads the file. It defaults to the built-in
 * mode 3 replay generated from the SeaBIOS recording (data/mode3.replay). A replay with a
 * bad line is rejected when the options are validated, naming the line.
 */
export const vgaOptionsSchema = z
  .object({
    replay: z
      .string()
      .default(MODE3_REPLAY)
      .superRefine((text, ctx) => {
        try {
          parseReplay(text, "replay");
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
        }
      }),
  })
  .strict();

/** Validated options of the `vga` device. */
export type VgaOptions = z.output<typeof vgaOptionsSchema>;
