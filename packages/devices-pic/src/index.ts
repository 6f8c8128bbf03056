/** `@ringlab/devices-pic`: the PC/AT pair of Intel 8259A interrupt controllers. */
export { CASCADE_IR, ELCR_PORT, MASTER_PORT, PicPair, type PicOptions, SLAVE_PORT, picPlugin } from "./pic-pair.js";
export { PicChip, type PicRole } from "./pic-chip.js";
export type { InitStep, PicChipState, PicPairState } from "./pic-state.js";
