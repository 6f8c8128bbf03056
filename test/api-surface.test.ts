import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module without type declarations (its JSDoc gives the types)
import * as surface from "../scripts/api-surface.mjs";

/**
 * Issue 18, "Releases": a change to a package's public surface comes with a changeset.
 * scripts/api-surface.mjs hashes each published package's emitted declarations (comments and
 * private members left out) against the surfaces recorded at the last release; a package
 * whose surface moved must be named by a pending changeset.
 */
const api = surface as {
  surfaceViolations(root?: string): string[];
  surfaceHash(dir: string): string;
  surfaceText(text: string): string;
};

function fakeRepo(): { root: string; pkg: string; declare(text: string): void; record(): void; changeset(name: string, text: string): void } {
  const root = mkdtempSync(join(tmpdir(), "ringlab-surface-"));
  const pkg = join(root, "packages/widget");
  mkdirSync(join(pkg, "dist"), { recursive: true });
  mkdirSync(join(root, ".changeset"));
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@ringlab/widget", version: "0.1.0" }));
  const declare = (text: string) => writeFileSync(join(pkg, "dist/index.d.ts"), text);
  return {
    root,
    pkg,
    declare,
    record: () => writeFileSync(join(root, ".changeset/api-surface.json"), JSON.stringify({ "@ringlab/widget": api.surfaceHash(pkg) })),
    changeset: (name, text) => writeFileSync(join(root, ".changeset", name), text),
  };
}

describe("public surfaces and changesets", () => {
  it("holds for this repository: every package whose surface moved since the record has a pending changeset", () => {
    expect(api.surfaceViolations()).toEqual([]);
  });

  it("ignores comments, source-map lines and private members; sees everything else", () => {
    const base = "export declare class Widget {\n    private cache;\n    size(): number;\n}\n";
    expect(api.surfaceText("/** Docs. */\n" + base + "//# sourceMappingURL=index.d.ts.map\n")).toBe(api.surfaceText(base));
    expect(api.surfaceText(base.replace("private cache;", "private other;"))).toBe(api.surfaceText(base));
    expect(api.surfaceText(base.replace("size(): number;", "size(): string;"))).not.toBe(api.surfaceText(base));
  });

  it("names a package whose surface changed without a changeset, until one names it", () => {
    const repo = fakeRepo();
    repo.declare("export declare function f(): number;\n");
    repo.record();
    expect(api.surfaceViolations(repo.root)).toEqual([]);
    repo.declare("/** Now documented. */\nexport declare function f(): number;\n");
    expect(api.surfaceViolations(repo.root), "a comment is not surface").toEqual([]);
    repo.declare("export declare function f(): number;\nexport declare function g(): void;\n");
    expect(api.surfaceViolations(repo.root)).toEqual([
      "@ringlab/widget: its public surface (dist/**/*.d.ts) changed since the last release, but no pending changeset names it (add one: npx changeset)",
    ]);
    repo.changeset("other.md", '---\n"@ringlab/other": patch\n---\n\nSomething else.\n');
    expect(api.surfaceViolations(repo.root).length, "a changeset for another package does not count").toBe(1);
    repo.changeset("g.md", '---\n"@ringlab/widget": minor\n---\n\nAdds g().\n');
    expect(api.surfaceViolations(repo.root)).toEqual([]);
  });

  it("names a new package that comes without a changeset", () => {
    const repo = fakeRepo();
    repo.declare("export declare const x = 1;\n");
    expect(api.surfaceViolations(repo.root)).toEqual(["@ringlab/widget: a new package with no pending changeset (add one: npx changeset)"]);
  });
});
