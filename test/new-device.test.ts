import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, describeNeeds, extraPath } from "@ringlab/testkit";
import { afterAll, expect, it } from "vitest";

/**
 * Issue 18's device-plugin kit as a stranger meets it: `ringlab new-device beeper` in an
 * empty folder, then the generated package's own `npm install`, `npm run build` and `npm
 * test` — nothing edited — and the built plugin loaded into ringlab with --plugin. The
 * install fetches TypeScript and vitest from the npm registry, hence the extra.
 */
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const work = mkdtempSync(join(tmpdir(), "ringlab-new-device-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ringlab = (args: string[], cwd = work) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 120_000 });

describeNeeds("npm-registry", "ringlab new-device: a package that installs, builds and passes its test as generated", () => {
  it("new-device beeper, npm install, build, test, then ringlab loads it with --plugin", () => {
    const dir = join(work, "beeper");
    const made = ringlab(["new-device", "beeper"]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain("created beeper/: the device plugin package ringlab-device-beeper (device 'beeper'");
    expect(made.stderr).toBe("");

    const npm = (args: string[]) => {
      const r = spawnSync(extraPath("npm-registry"), args, { cwd: dir, encoding: "utf8", timeout: 300_000, env: { ...process.env, CI: "true", NO_COLOR: "1" } });
      expect(r.status, `npm ${args.join(" ")}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
      return r.stdout;
    };
    npm(["install", "--no-audit", "--no-fund"]);
    npm(["run", "build"]);
    npm(["run", "typecheck"]);
    const tested = npm(["test"]);
    expect(tested).toMatch(/Tests\s+4 passed \(4\)/);

    const listed = ringlab(["devices", "--json", "--plugin", join(dir, "dist/index.js")]);
    expect(listed.status, listed.stderr).toBe(0);
    const device = (JSON.parse(listed.stdout) as { name: string; ports?: unknown }[]).find((d) => d.name === "beeper");
    expect(device, "ringlab devices lists the plugin").toBeDefined();

    // The generated machine.toml puts the device on the bus beside the default PC's; the
    // bundled demo guest does not touch it, so it runs exactly as without.
    const plain = ringlab(["run", "--screen", "none"]);
    const withDevice = ringlab(["run", "--config", join(dir, "machine.toml"), "--screen", "none"]);
    expect(withDevice.status, withDevice.stderr).toBe(0);
    expect(withDevice.stdout).toBe(plain.stdout);
  }, 600_000);
});
