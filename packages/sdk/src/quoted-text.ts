/** How much of a quoted text a message shows before it says how much more there was. */
const SHOWN_CHARS = 40;

/**
 * Text taken from a user's file, quoted for a one-line message: control characters, bytes
 * that are not valid text (U+FFFD from decoding) and non-ASCII characters are written as
 * escapes (`\t`, `\x00`, `\u00e9`), so a binary file cannot put raw control bytes — a
 * terminal's escape sequences, line breaks — into the message, and at most `max` characters
 * are shown, then how many more there were: `'f\xfd\x00\x03'` / `'abc...' (+120 more)`.
 */
export function quoteText(text: string, max = SHOWN_CHARS): string {
  const chars = [...text];
  let out = "";
  for (const c of chars.slice(0, max)) out += escapeChar(c);
  const rest = chars.length - max;
  return rest > 0 ? `'${out}...' (+${rest} more characters)` : `'${out}'`;
}

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === "\\") return "\\\\";
  if (c === "'") return "\\'";
  if (c === "\t") return "\\t";
  if (c === "\r") return "\\r";
  if (c === "\n") return "\\n";
  if (code === 0xfffd) return "\\ufffd";
  if (code >= 0x20 && code < 0x7f) return c;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}
