import { decodeBase64, deviceState, stateInt, z } from "@ringlab/sdk";
import { attributeControllerState } from "./registers/attribute-controller.js";
import { crtcState } from "./registers/crtc.js";
import { dacState } from "./registers/dac.js";
import { graphicsControllerState } from "./registers/graphics-controller.js";
import { sequencerState } from "./registers/sequencer.js";
import { stateBytes } from "./state-fields.js";
import { PLANE_SIZE } from "./video-memory.js";

/** Bytes of video memory: four planes. */
const VRAM_SIZE = 4 * PLANE_SIZE;

/** The four planes as base64 text, what the state has always held; {@link decodeVram} reads it. */
const vram = z.string({ error: (issue) => `expected base64 of ${VRAM_SIZE} bytes, got ${shown(issue.input)}` }).refine((text) => decodeVram(text) !== undefined, {
  error: (issue) => `expected base64 of ${VRAM_SIZE} bytes, got ${shown(issue.input)}`,
});

/** The video memory a state's `vram` holds, or undefined when it is not base64 of 256 KiB. */
export function decodeVram(text: string): Uint8Array | undefined {
  const bytes = decodeBase64(text);
  return bytes?.length === VRAM_SIZE ? bytes : undefined;
}

function shown(v: unknown): string {
  return (JSON.stringify(v) ?? "nothing").slice(0, 40);
}

/**
 * The VGA's saved state: the registers outside the register files, each register file (its
 * own schema, next to its class), the four latches and the video memory.
 */
export const vgaState = deviceState(
  z
    .object({
      version: z.literal(1),
      misc: stateInt(0, 255),
      featureControl: stateInt(0, 255),
      vgaEnable: stateInt(0, 1),
      inputStatus1: stateInt(0, 255),
      sequencer: sequencerState,
      crtc: crtcState,
      graphics: graphicsControllerState,
      attribute: attributeControllerState,
      dac: dacState,
      latches: stateBytes(4),
      vram,
    })
    .strict(),
);
