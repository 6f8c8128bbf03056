/**
 * `@ringlab/devices-vga`: an IBM VGA device plugin for ringlab (text modes, the standard
 * registers, BIOS-free power-on by register replay, and text/ANSI/RGBA renderers; PNG encoding is the front end's).
 */
export { Vga, type VgaRegisters, vgaPlugin } from "./vga.js";
export { type VgaOptions, vgaOptionsSchema } from "./vga-options.js";
export { type ReplayStep, parseReplay } from "./replay.js";
export { MODE3_REPLAY } from "./mode3-replay.generated.js";
export { FONT_8X16, FONT_HEIGHT } from "./font-8x16.js";
export { CP437, cp437ToUnicode } from "./cp437.js";
export type { AnsiOptions } from "./render-ansi.js";
export type { RgbaImage } from "./render-image.js";
export type { TextCursor, TextGeometry } from "./text-screen.js";
export { MEMORY_WINDOWS, type MemoryWindow } from "./registers/graphics-controller.js";
