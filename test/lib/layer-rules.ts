import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/**
 * The layer rules of DESIGN.md, as data: which `@ringlab/*` packages each package may import.
 * A package not listed here is an error, so a new package must state its place.
 */
export const ALLOWED_IMPORTS: Record<string, string[] | "*"> = {
  sdk: [],
  cpu: ["sdk"],
  monitor: ["cpu", "sdk"],
  "devices-*": ["sdk"],
  machine: ["sdk", "cpu", "monitor", "devices-*", "gdb-stub"],
  cli: "*",
  testkit: [],
  // The GDB protocol over an abstract target: machine implements the target, cli the socket.
  "gdb-stub": [],
  // The browser front end: composes a machine like cli does, but in a Web Worker. Its tests
  // run the built CLI (a devDependency, so that turbo builds it first) to compare reports.
  playground: ["machine", "monitor", "devices-*", "sdk", "cli"],
  // examples/: the device guide's example is a device like any other.
  "lpt-printer": ["sdk"],
};

/**
 * Dev-only packages: every package's tests may import them (declared in devDependencies),
 * no package's `src` may, whatever its rule above says.
 */
export const TEST_ONLY = ["testkit"];

/** Packages whose `src` must not use Node-only APIs, so a browser build can reuse them. */
export const BROWSER_SAFE = ["sdk", "cpu", "monitor", "devices-*", "machine", "gdb-stub", "playground", "lpt-printer"];

/**
 * Third-party runtime dependencies a browser-safe package may have: libraries known to run
 * in a browser as they are. (pngjs, for one, needs Node's zlib: PNG encoding lives in cli.)
 */
export const BROWSER_SAFE_LIBRARIES = ["tsyringe", "reflect-metadata", "zod"];

export interface Violation {
  file: string;
  line: number;
  message: string;
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function ruleFor(pkg: string): string[] | "*" | undefined {
  const key = Object.keys(ALLOWED_IMPORTS).find((k) => matches(k, pkg));
  return key === undefined ? undefined : ALLOWED_IMPORTS[key];
}

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:^|[^.\w])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(?\s*['"]([^'"]+)['"]/g;

/** Every module specifier a file imports, with its line number. */
export function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec) out.push({ spec, line: text.slice(0, m.index + m[0].length).split("\n").length });
  }
  return out;
}

/**
 * Checks every package under `packagesDir`: its source and tests may import only the
 * `@ringlab/*` packages its rule allows (also declared in package.json), must not reach into
 * another package by relative path, and browser-safe packages' `src` must not import
 * `node:*` modules or use `process`.
 */
export function checkLayers(packagesDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const pkg of readdirSync(packagesDir)) {
    const root = join(packagesDir, pkg);
    if (!statSync(root).isDirectory()) continue;
    const rule = ruleFor(pkg);
    const manifest = join(root, "package.json");
    if (rule === undefined) {
      violations.push({ file: manifest, line: 1, message: `package '${pkg}' has no layer rule in ALLOWED_IMPORTS` });
      continue;
    }
    const allowed = (dep: string) => rule === "*" || rule.some((r) => matches(r, dep));
    const json = JSON.parse(readFileSync(manifest, "utf8")) as Record<string, Record<string, string> | undefined>;
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      for (const dep of Object.keys(json[field] ?? {})) {
        const name = dep.startsWith("@ringlab/") ? dep.slice("@ringlab/".length) : undefined;
        if (name !== undefined && TEST_ONLY.includes(name)) {
          if (field !== "devDependencies") {
            violations.push({ file: manifest, line: 1, message: `'${pkg}' may have the test-only '${dep}' only in devDependencies (${field})` });
          }
        } else if (name !== undefined && !allowed(name)) {
          violations.push({ file: manifest, line: 1, message: `'${pkg}' may not depend on '${dep}' (${field})` });
        }
      }
    }
    const browserSafe = BROWSER_SAFE.some((p) => matches(p, pkg));
    if (browserSafe) {
      for (const dep of Object.keys(json.dependencies ?? {})) {
        if (!dep.startsWith("@ringlab/") && !BROWSER_SAFE_LIBRARIES.includes(dep)) {
          violations.push({ file: manifest, line: 1, message: `'${pkg}' is browser-safe but depends on '${dep}' (not in BROWSER_SAFE_LIBRARIES)` });
        }
      }
    }
    for (const dir of ["src", "test"]) {
      let files: string[] = [];
      try {
        files = sourceFiles(join(root, dir));
      } catch {
        continue;
      }
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        for (const { spec, line } of importsOf(text)) {
          if (spec.startsWith("@ringlab/")) {
            const name = spec.slice("@ringlab/".length).split("/")[0]!;
            if (TEST_ONLY.includes(name)) {
              if (dir === "src") violations.push({ file, line, message: `'${pkg}' may import the test-only '${spec}' only in its tests` });
            } else if (!allowed(name)) violations.push({ file, line, message: `'${pkg}' may not import '${spec}'` });
          } else if (spec.startsWith(".")) {
            const target = resolve(file, "..", spec);
            if (relative(root, target).startsWith("..")) {
              violations.push({ file, line, message: `'${pkg}' reaches outside its package with '${spec}'` });
            }
          } else if (dir === "src" && browserSafe && (spec.startsWith("node:") || NODE_BUILTINS.has(spec.split("/")[0]!))) {
            violations.push({ file, line, message: `'${pkg}' is browser-safe but imports the Node module '${spec}'` });
          }
        }
        if (dir === "src" && browserSafe) {
          text.split("\n").forEach((l, i) => {
            if (/(^|[^.\w])process\.(env|argv|exit|stdout|stderr|cwd)/.test(l) && !/^\s*(\/\/|\*)/.test(l)) {
              violations.push({ file, line: i + 1, message: `'${pkg}' is browser-safe but uses 'process'` });
            }
          });
        }
      }
    }
  }
  return violations;
}

const NODE_BUILTINS = new Set(["fs", "path", "os", "child_process", "module", "url", "util", "worker_threads", "process", "crypto", "stream"]);
