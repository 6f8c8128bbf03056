import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deviceNames } from "../src/new-device/device-name.js";
import { TEMPLATE_TOOL_VERSIONS } from "../src/new-device/template-versions.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
async function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, RINGLAB_DEBUG: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ringlab new-device", () => {
  it("derives the class, constant and package names from the plugin name", () => {
    expect(deviceNames("beeper")).toEqual({ plugin: "beeper", className: "Beeper", pluginConst: "beeperPlugin", packageName: "ringlab-device-beeper" });
    expect(deviceNames("port-logger2").className).toBe("PortLogger2");
  });

  it("pins the TypeScript and vitest ringlab itself is built and tested with", () => {
    const root = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { devDependencies: Record<string, string> };
    expect(TEMPLATE_TOOL_VERSIONS.typescript).toBe(root.devDependencies["typescript"]);
    expect(TEMPLATE_TOOL_VERSIONS.vitest).toBe(root.devDependencies["vitest"]);
  });

  it("writes the package into a new folder and says what to do next", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ringlab-nd-")), "dev");
    const r = await runCli(["new-device", "tick-counter", "--dir", dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/device 'tick-counter', 10 files/);
    expect(r.stdout).toContain("npm install && npm run build && npm test");
    expect(readdirSync(join(dir, "src")).sort()).toEqual(["index.ts", "tick-counter.ts"]);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["@ringlab/sdk"]).toMatch(/^file:.*packages\/sdk$/);
    expect(readFileSync(join(dir, "src/tick-counter.ts"), "utf8")).toContain("export class TickCounter implements Device");
  });

  it("refuses a bad name and a folder that is not empty, in one line each", async () => {
    const bad = await runCli(["new-device", "Beeper"]);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toBe(
      "ringlab: new-device: 'Beeper' is not a device name: expected lower case letters, digits and single dashes, starting with a letter (at most 40 characters), e.g. beeper or port-logger\n",
    );
    const dir = mkdtempSync(join(tmpdir(), "ringlab-nd-"));
    writeFileSync(join(dir, "mine.txt"), "keep me");
    const full = await runCli(["new-device", "beeper", "--dir", dir]);
    expect(full.status).toBe(73);
    expect(full.stderr).toBe(`ringlab: --dir: ${dir} is not empty: give an empty or new folder (--dir DIR)\n`);
    expect(readdirSync(dir)).toEqual(["mine.txt"]);
    const file = join(dir, "mine.txt");
    const notDir = await runCli(["new-device", "beeper", "--dir", file]);
    expect(notDir.status).toBe(73);
    expect(notDir.stderr).toBe(`ringlab: --dir: ${file} exists and is not a folder\n`);
    mkdirSync(join(dir, "empty"));
    expect((await runCli(["new-device", "beeper", "--dir", join(dir, "empty")])).status).toBe(0);
  });
});
