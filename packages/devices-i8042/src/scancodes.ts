/**
 * Keyboard scan codes: each key's make code in scan code set 2 (what a PS/2 keyboard sends
 * by default) and in set 1 (the IBM PC/XT codes, what a PC's software reads once the 8042
 * has translated them), and the 8042's set 2 → set 1 translation table built from them.
 * Sources: IBM PS/2 Hardware Interface Technical Reference, "Keyboards" (scan code sets 1
 * and 2), and the 8042 controller's translation as the IBM PC/AT keyboard controller does it.
 *
 * A key is named by its set 2 make code; an extended key (one sent with an E0 prefix) by
 * 0xE000 | code, e.g. {@link KEY}.Up = 0xE075.
 */

/** [name, set 1 make code, set 2 make code] of every key, extended keys with 0xE0xx codes. */
const KEYS_TABLE = [
  ["Escape", 0x01, 0x76], ["Digit1", 0x02, 0x16], ["Digit2", 0x03, 0x1e], ["Digit3", 0x04, 0x26],
  ["Digit4", 0x05, 0x25], ["Digit5", 0x06, 0x2e], ["Digit6", 0x07, 0x36], ["Digit7", 0x08, 0x3d],
  ["Digit8", 0x09, 0x3e], ["Digit9", 0x0a, 0x46], ["Digit0", 0x0b, 0x45], ["Minus", 0x0c, 0x4e],
  ["Equal", 0x0d, 0x55], ["Backspace", 0x0e, 0x66], ["Tab", 0x0f, 0x0d], ["Q", 0x10, 0x15],
  ["W", 0x11, 0x1d], ["E", 0x12, 0x24], ["R", 0x13, 0x2d], ["T", 0x14, 0x2c], ["Y", 0x15, 0x35],
  ["U", 0x16, 0x3c], ["I", 0x17, 0x43], ["O", 0x18, 0x44], ["P", 0x19, 0x4d],
  ["BracketLeft", 0x1a, 0x54], ["BracketRight", 0x1b, 0x5b], ["Enter", 0x1c, 0x5a],
  ["ControlLeft", 0x1d, 0x14], ["A", 0x1e, 0x1c], ["S", 0x1f, 0x1b], ["D", 0x20, 0x23],
  ["F", 0x21, 0x2b], ["G", 0x22, 0x34], ["H", 0x23, 0x33], ["J", 0x24, 0x3b], ["K", 0x25, 0x42],
  ["L", 0x26, 0x4b], ["Semicolon", 0x27, 0x4c], ["Quote", 0x28, 0x52], ["Backquote", 0x29, 0x0e],
  ["ShiftLeft", 0x2a, 0x12], ["Backslash", 0x2b, 0x5d], ["Z", 0x2c, 0x1a], ["X", 0x2d, 0x22],
  ["C", 0x2e, 0x21], ["V", 0x2f, 0x2a], ["B", 0x30, 0x32], ["N", 0x31, 0x31], ["M", 0x32, 0x3a],
  ["Comma", 0x33, 0x41], ["Period", 0x34, 0x49], ["Slash", 0x35, 0x4a], ["ShiftRight", 0x36, 0x59],
  ["NumpadMultiply", 0x37, 0x7c], ["AltLeft", 0x38, 0x11], ["Space", 0x39, 0x29],
  ["CapsLock", 0x3a, 0x58], ["F1", 0x3b, 0x05], ["F2", 0x3c, 0x06], ["F3", 0x3d, 0x04],
  ["F4", 0x3e, 0x0c], ["F5", 0x3f, 0x03], ["F6", 0x40, 0x0b], ["F7", 0x41, 0x83], ["F8", 0x42, 0x0a],
  ["F9", 0x43, 0x01], ["F10", 0x44, 0x09], ["NumLock", 0x45, 0x77], ["ScrollLock", 0x46, 0x7e],
  ["Numpad7", 0x47, 0x6c], ["Numpad8", 0x48, 0x75], ["Numpad9", 0x49, 0x7d],
  ["NumpadSubtract", 0x4a, 0x7b], ["Numpad4", 0x4b, 0x6b], ["Numpad5", 0x4c, 0x73],
  ["Numpad6", 0x4d, 0x74], ["NumpadAdd", 0x4e, 0x79], ["Numpad1", 0x4f, 0x69], ["Numpad2", 0x50, 0x72],
  ["Numpad3", 0x51, 0x7a], ["Numpad0", 0x52, 0x70], ["NumpadDecimal", 0x53, 0x71],
  ["SysRq", 0x54, 0x84], ["IntlBackslash", 0x56, 0x61], ["F11", 0x57, 0x78], ["F12", 0x58, 0x07],
  // Extended keys: E0 followed by the code. Set 1 keeps the E0 too.
  ["ControlRight", 0xe01d, 0xe014], ["AltRight", 0xe038, 0xe011], ["Insert", 0xe052, 0xe070],
  ["Delete", 0xe053, 0xe071], ["Home", 0xe047, 0xe06c], ["End", 0xe04f, 0xe069],
  ["PageUp", 0xe049, 0xe07d], ["PageDown", 0xe051, 0xe07a], ["ArrowUp", 0xe048, 0xe075],
  ["ArrowDown", 0xe050, 0xe072], ["ArrowLeft", 0xe04b, 0xe06b], ["ArrowRight", 0xe04d, 0xe074],
  ["NumpadDivide", 0xe035, 0xe04a], ["NumpadEnter", 0xe01c, 0xe05a], ["MetaLeft", 0xe05b, 0xe01f],
  ["MetaRight", 0xe05c, 0xe027], ["ContextMenu", 0xe05d, 0xe02f],
] as const;

/** A key's name, as in the DOM's `KeyboardEvent.code` ("A", "Enter", "ArrowUp", ...). */
export type KeyName = (typeof KEYS_TABLE)[number][0];

/** Keys by name (DOM `KeyboardEvent.code` style), as set 2 make codes: `KEY.A` = 0x1C, `KEY.ArrowUp` = 0xE075. */
export const KEY: Readonly<Record<KeyName, number>> = Object.freeze(
  Object.fromEntries(KEYS_TABLE.map(([name, , set2]) => [name, set2])) as Record<KeyName, number>,
);

/**
 * The 8042's set 2 → set 1 translation of one byte (applied to every byte from the keyboard
 * while the command byte's XLATE bit is set; a set 2 F0 break prefix is not passed on but
 * sets bit 7 of the next translated byte). Codes of keys map to those keys' set 1 codes;
 * 0x00 (set 2 key-detection error/overrun) to 0xFF (set 1's); 0x02 to 0x41, so that the reply
 * to "get scan code set" reads 0x43/0x41/0x3F for sets 1/2/3 through translation, as on a
 * PC; bytes no key sends, and the keyboard's replies (0xFA, 0xAA, 0xEE, 0xFE, the 0xAB of
 * its ID), pass unchanged.
 */
export const SET2_TO_SET1: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i;
  for (const [, set1, set2] of KEYS_TABLE) t[set2 & 0xff] = set1 & 0xff;
  t[0x00] = 0xff;
  t[0x02] = 0x41;
  return t;
})();

/** The set 1 make code of a key given by its set 2 code (0xE0xx for extended keys). */
export function set1Of(set2Key: number): number {
  const code = SET2_TO_SET1[set2Key & 0xff]!;
  return set2Key > 0xff ? 0xe000 | code : code;
}

/** The bytes a key sends when pressed (`make`) or released in scan code set `set` (1 or 2). */
export function keyBytes(set2Key: number, make: boolean, set: 1 | 2): number[] {
  const prefix = set2Key > 0xff ? [0xe0] : [];
  const code = set2Key & 0xff;
  if (set === 1) return [...prefix, SET2_TO_SET1[code]! | (make ? 0 : 0x80)];
  return make ? [...prefix, code] : [...prefix, 0xf0, code];
}
