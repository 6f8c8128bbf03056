import { describe, expect, it } from "vitest";
import { quoteText } from "../src/index.js";

describe("quoteText: file text in a one-line message", () => {
  it("escapes control bytes, quotes and non-ASCII, and keeps printable text", () => {
    expect(quoteText("3c2 67")).toBe("'3c2 67'");
    expect(quoteText("a\tb\r\n\x00\x1b[2J")).toBe("'a\\tb\\r\\n\\x00\\x1b[2J'");
    expect(quoteText("it's \\ \u00e9 \ufffd \u{1f600}")).toBe("'it\\'s \\\\ \\xe9 \\ufffd \\u{1f600}'");
  });

  it("shows at most the first characters, then how many more", () => {
    expect(quoteText("x".repeat(40))).toBe(`'${"x".repeat(40)}'`);
    expect(quoteText("x".repeat(45))).toBe(`'${"x".repeat(40)}...' (+5 more characters)`);
    expect(quoteText("abcdef", 3)).toBe("'abc...' (+3 more characters)");
  });
});
