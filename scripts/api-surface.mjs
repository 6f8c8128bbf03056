#!/usr/bin/env node
// A package's public surface, for the rule that a change to it comes with a changeset
// (issue 18, "Releases"): the TypeScript declarations the build emits (dist/**/*.d.ts), with
// comments, source-map lines and private members left out (they are not surface), hashed.
// The surfaces at the last release are recorded in .changeset/api-surface.json; a package
// whose surface differs from its record must be named by a pending changeset.
//
//   node scripts/api-surface.mjs            check (exit 1 naming each package at fault)
//   node scripts/api-surface.mjs --record   record the current surfaces (after `changeset version`)
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where the surfaces at the last release are recorded, in a repository at `root`. @param {string} root */
export const recordFile = (root = ROOT) => join(root, ".changeset/api-surface.json");

/** @param {string} dir @returns {string[]} */
function declarationFiles(dir) {
  /** @type {string[]} */
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(declarationFiles(p));
    else if (name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/**
 * The declarations as surface: no comments, no `//# sourceMappingURL`, no `private` members
 * (TypeScript emits them untyped, and nothing outside can use them), whitespace collapsed.
 * @param {string} text
 */
export function surfaceText(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((l) => l.replace(/\/\/.*$/, "").trim())
    .filter((l) => l !== "" && !/^(?:private|#private)\b/.test(l) && !/^private\s/.test(l))
    .join("\n");
}

/** The published (not private) packages under packages/, by name, with their folders. */
export function publishedPackages(root = ROOT) {
  /** @type {{ name: string, dir: string }[]} */
  const out = [];
  for (const d of readdirSync(join(root, "packages")).sort()) {
    const manifest = join(root, "packages", d, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    if (pkg.private) continue;
    out.push({ name: pkg.name, dir: join(root, "packages", d) });
  }
  return out;
}

/** sha256 of a package's surface; throws if it is not built. @param {string} dir */
export function surfaceHash(dir) {
  const dist = join(dir, "dist");
  if (!existsSync(dist)) throw new Error(`${dir} is not built (no dist/): run npm run build first`);
  const h = createHash("sha256");
  for (const f of declarationFiles(dist)) {
    h.update(relative(dist, f) + "\n");
    h.update(surfaceText(readFileSync(f, "utf8")) + "\n");
  }
  return h.digest("hex");
}

/** The package names the pending changesets (.changeset/*.md) bump. */
export function packagesWithChangesets(root = ROOT) {
  const names = new Set();
  const dir = join(root, ".changeset");
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".md") || f === "README.md") continue;
    const m = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, f), "utf8"));
    for (const line of (m?.[1] ?? "").split("\n")) {
      const p = /^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (p) names.add(p[1]);
    }
  }
  return names;
}

/**
 * The packages whose surface changed since the record with no pending changeset naming them
 * (and packages missing from the record).
 */
export function surfaceViolations(root = ROOT) {
  const file = recordFile(root);
  const record = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const pending = packagesWithChangesets(root);
  /** @type {string[]} */
  const out = [];
  for (const { name, dir } of publishedPackages(root)) {
    const now = surfaceHash(dir);
    if (record[name] === undefined) {
      if (!pending.has(name)) out.push(`${name}: a new package with no pending changeset (add one: npx changeset)`);
    } else if (record[name] !== now && !pending.has(name)) {
      out.push(`${name}: its public surface (dist/**/*.d.ts) changed since the last release, but no pending changeset names it (add one: npx changeset)`);
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === "--record") {
    /** @type {Record<string, string>} */
    const record = {};
    for (const { name, dir } of publishedPackages()) record[name] = surfaceHash(dir);
    writeFileSync(recordFile(), JSON.stringify(record, null, 2) + "\n");
    console.log(`recorded the public surfaces of ${Object.keys(record).length} packages in ${relative(ROOT, recordFile())}`);
  } else if (process.argv[2] === undefined) {
    const v = surfaceViolations();
    for (const line of v) console.error(line);
    process.exit(v.length > 0 ? 1 : 0);
  } else {
    console.error("usage: node scripts/api-surface.mjs [--record]");
    process.exit(64);
  }
}
