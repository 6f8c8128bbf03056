#!/usr/bin/env node
// Keeps a guide's code blocks equal to the files of the example they quote, so the guide
// cannot rot: each block in a Markdown file is preceded by a marker
//   <!-- example: examples/lpt-printer/src/parallel-port.ts#attach -->
// naming a file (relative to the repository root) and optionally a region in it, delimited
// in the file by `// #region NAME` ... `// #endregion NAME` (or `; #region` in assembly,
// `# #region` in TOML). Without a region the whole file is quoted.
//
//   node scripts/doc-examples.mjs docs/writing-a-device.md          rewrite the blocks
//   node scripts/doc-examples.mjs --check docs/writing-a-device.md  exit 1 if any differs
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MARKER = /^<!-- example: (\S+?)(?:#(\S+))? -->$/;
const REGION_LINE = /^\s*(?:\/\/|;|#) #(end)?region\b/;

/**
 * The text a marker quotes: a region's lines without the region markers (nested region
 * markers inside dropped too), or the whole file; trailing newlines trimmed.
 * @param {string} root @param {string} file @param {string | undefined} region
 */
export function quoted(root, file, region) {
  const text = readFileSync(join(root, file), "utf8");
  const lines = text.split("\n");
  if (region === undefined) return lines.filter((l) => !REGION_LINE.test(l)).join("\n").trimEnd();
  const start = lines.findIndex((l) => new RegExp(`^\\s*(?://|;|#) #region ${region}$`).test(l));
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^\\s*(?://|;|#) #endregion ${region}$`).test(l));
  if (start < 0 || end < 0) throw new Error(`${file}: no region '${region}' (// #region ${region} ... // #endregion ${region})`);
  return lines.slice(start + 1, end).filter((l) => !REGION_LINE.test(l)).join("\n").trimEnd();
}

/** The language tag of a file's code block. @param {string} file */
function language(file) {
  if (file.endsWith(".ts")) return "ts";
  if (file.endsWith(".asm")) return "nasm";
  if (file.endsWith(".toml")) return "toml";
  if (file.endsWith(".json")) return "json";
  return "";
}

/**
 * The guide with every quoted block as the files say, and the list of what it quotes.
 * @param {string} root @param {string} markdown
 * @returns {{ text: string, quotes: { file: string, region: string | undefined }[] }}
 */
export function syncGuide(root, markdown) {
  const lines = markdown.split("\n");
  /** @type {string[]} */
  const out = [];
  /** @type {{ file: string, region: string | undefined }[]} */
  const quotes = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]);
    out.push(lines[i]);
    if (!m) continue;
    const file = m[1];
    const region = m[2];
    quotes.push({ file, region });
    // The block that follows (if any) is replaced.
    let j = i + 1;
    if (lines[j]?.startsWith("```")) {
      j++;
      while (j < lines.length && !lines[j].startsWith("```")) j++;
      j++;
    }
    out.push("```" + language(file), quoted(root, file, region), "```");
    i = j - 1;
  }
  return { text: out.join("\n"), quotes };
}

/** Every region defined in `file`. @param {string} root @param {string} file */
export function regionsOf(root, file) {
  const names = [];
  for (const l of readFileSync(join(root, file), "utf8").split("\n")) {
    const m = /^\s*(?:\/\/|;|#) #region (\S+)$/.exec(l);
    if (m) names.push(m[1]);
  }
  return names;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args[0] === "--check";
  const files = check ? args.slice(1) : args;
  if (files.length === 0) {
    console.error("usage: node scripts/doc-examples.mjs [--check] GUIDE.md...");
    process.exit(64);
  }
  const root = fileURLToPath(new URL("..", import.meta.url));
  let stale = 0;
  for (const f of files) {
    const before = readFileSync(f, "utf8");
    const { text } = syncGuide(root, before);
    if (text === before) continue;
    if (check) {
      console.error(`${f}: its code blocks differ from the example files (run: node scripts/doc-examples.mjs ${f})`);
      stale++;
    } else {
      writeFileSync(f, text);
      console.log(`${f}: code blocks updated`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
