/**
 * `@ringlab/devices-i8042`: the PC's Intel 8042 keyboard controller with a PS/2 keyboard
 * (and optionally a PS/2 mouse), which drives the A20 gate and the CPU's reset line, and
 * System Control Port A (port 0x92, fast A20 and fast reset).
 */
export { I8042, type I8042Options, i8042Plugin } from "./i8042.js";
export { PORT92_A20, PORT92_RESET, Port92, type Port92Options, port92Plugin } from "./port92.js";
export { DEFAULT_TYPEMATIC, KBD_BUFFER_SIZE, Ps2Keyboard } from "./ps2-keyboard.js";
export { Ps2Mouse } from "./ps2-mouse.js";
export { KEY, type KeyName, SET2_TO_SET1, keyBytes, set1Of } from "./scancodes.js";
export * as i8042Registers from "./registers.js";
