/**
 * Code page 437 (the IBM PC's character set, which the VGA BIOS font draws) to Unicode,
 * per the Unicode consortium's mapping of CP437 with the graphic symbols IBM's font shows
 * for 0x01-0x1F and 0x7F. 0x00 is shown as a space (its glyph is blank).
 */
const LOW = " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼";
const HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ" +
  "áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐" +
  "└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
  "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** The Unicode character for each CP437 code. */
export const CP437: readonly string[] = (() => {
  const table: string[] = [...LOW];
  for (let c = 0x20; c < 0x7f; c++) table.push(String.fromCharCode(c));
  table.push("⌂");
  table.push(...HIGH);
  if (table.length !== 256) throw new Error(`CP437 table has ${table.length} entries`);
  return table;
})();

/** One CP437 byte as a Unicode string. */
export function cp437ToUnicode(code: number): string {
  return CP437[code & 0xff]!;
}
