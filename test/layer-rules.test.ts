import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkLayers, importsOf } from "./lib/layer-rules.js";

const packagesDir = fileURLToPath(new URL("../packages", import.meta.url));
const examplesDir = fileURLToPath(new URL("../examples", import.meta.url));

function fakeRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ringlab-layers-"));
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

const manifest = (deps: string[] = []) =>
  JSON.stringify({ dependencies: Object.fromEntries(deps.map((d) => [d, "workspace:*"])) });

describe("layer rules (DESIGN.md)", () => {
  it("hold for every package in the repository", () => {
    const violations = checkLayers(packagesDir).map((v) => `${v.file}:${v.line}: ${v.message}`);
    expect(violations).toEqual([]);
  });

  it("hold for the examples (the device guide's package is a device: the SDK only)", () => {
    const violations = checkLayers(examplesDir).map((v) => `${v.file}:${v.line}: ${v.message}`);
    expect(violations).toEqual([]);
  });

  it("catch a device that imports the CPU or the monitor", () => {
    const dir = fakeRepo({
      "devices-x/package.json": manifest(["@ringlab/sdk", "@ringlab/cpu", "pngjs"]),
      "devices-x/src/x.ts": 'import { Bus } from "@ringlab/sdk";\nimport { Cpu } from "@ringlab/cpu";\n',
      "devices-x/test/x.test.ts": 'const m = await import("@ringlab/monitor");\n',
    });
    expect(checkLayers(dir).map((v) => v.message)).toEqual([
      "'devices-x' may not depend on '@ringlab/cpu' (dependencies)",
      "'devices-x' is browser-safe but depends on 'pngjs' (not in BROWSER_SAFE_LIBRARIES)",
      "'devices-x' may not import '@ringlab/cpu'",
      "'devices-x' may not import '@ringlab/monitor'",
    ]);
  });

  it("catch the CPU importing the monitor, a relative reach into another package, and Node APIs", () => {
    const dir = fakeRepo({
      "cpu/package.json": manifest(["@ringlab/sdk"]),
      "cpu/src/cpu.ts":
        'export { policy } from "@ringlab/monitor/policy";\nimport { x } from "../../monitor/src/x.js";\nimport { readFileSync } from "node:fs";\nconst d = process.env.DEBUG;\n',
    });
    expect(checkLayers(dir).map((v) => `${v.line}: ${v.message}`)).toEqual([
      "1: 'cpu' may not import '@ringlab/monitor/policy'",
      "2: 'cpu' reaches outside its package with '../../monitor/src/x.js'",
      "3: 'cpu' is browser-safe but imports the Node module 'node:fs'",
      "4: 'cpu' is browser-safe but uses 'process'",
    ]);
  });

  it("let any package's tests use the test-only testkit, and no package's source", () => {
    const dir = fakeRepo({
      "cpu/package.json": JSON.stringify({ dependencies: { "@ringlab/sdk": "workspace:*" }, devDependencies: { "@ringlab/testkit": "workspace:*" } }),
      "cpu/test/a.test.ts": 'import { needs } from "@ringlab/testkit";\n',
      "cpu/src/a.ts": 'import { extra } from "@ringlab/testkit";\n',
      "cli/package.json": manifest(["@ringlab/testkit"]),
    });
    expect(checkLayers(dir).map((v) => v.message)).toEqual([
      "'cli' may have the test-only '@ringlab/testkit' only in devDependencies (dependencies)",
      "'cpu' may import the test-only '@ringlab/testkit' only in its tests",
    ]);
  });

  it("require each new package to state its layer", () => {
    const dir = fakeRepo({ "gadget/package.json": manifest() });
    expect(checkLayers(dir).map((v) => v.message)).toEqual(["package 'gadget' has no layer rule in ALLOWED_IMPORTS"]);
  });

  it("find static, re-export and dynamic imports", () => {
    const text = 'import a from "a";\nimport type { B } from "b";\nexport * from "c";\nimport "d";\nawait import("e");\n// obj.import("f")\n';
    expect(importsOf(text).map((i) => `${i.line}:${i.spec}`)).toEqual(["1:a", "2:b", "3:c", "4:d", "5:e"]);
  });
});
