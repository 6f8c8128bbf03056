import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
// Outside the repository: the plugin gets @ringlab/sdk and tsyringe from ringlab itself.
const dir = mkdtempSync(join(tmpdir(), "ringlab-plugin-"));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A device plugin as a third party writes it: plain ESM, decorators applied by hand. */
const COUNTER = `
import { DEVICE_ID, DEVICE_OPTIONS, defineDevicePlugin, z } from "@ringlab/sdk";
import { inject, injectable } from "tsyringe";

class Counter {
  constructor(id, options) { this.id = id; this.options = options; this.reads = options.start; }
  attach(bus) {
    bus.ports.claim({ owner: this.id, base: this.options.port, count: 1, handlers: { read8: () => this.reads++ & 0xff } });
  }
  reset() { this.reads = this.options.start; }
  saveState() { return { reads: this.reads }; }
  loadState(s) { this.reads = s.reads; }
}
inject(DEVICE_ID)(Counter, undefined, 0);
inject(DEVICE_OPTIONS)(Counter, undefined, 1);
injectable()(Counter);

export const counter = defineDevicePlugin({
  name: "counter",
  description: "counts reads of its port",
  options: z.object({ port: z.number().int().default(0x300), start: z.number().int().default(0x41) }).strict(),
  device: Counter,
});
`;

/** mov dx,0x300 / in al,dx / out 0xe9,al / in al,dx / out 0xe9,al / mov al,0 / out 0xf4,al */
const GUEST = Buffer.from("66ba0003ece6e9ece6e9b000e6f4", "hex");

describe("device plugins from ES modules (--plugin, plugins)", () => {
  const plugin = file("counter.mjs", COUNTER);
  const guest = `${file("guest.bin", GUEST)}@0x100000`;

  it("a plugin from a config file runs in the machine, with its options", () => {
    const vm = file(
      "vm.toml",
      'plugins = ["counter.mjs"]\ndevices = ["pic", "pit", "debugcon", "exit-port", { plugin = "counter", options = { start = 0x61 } }]\n',
    );
    const r = ringlab("run", "-c", vm, "--load", guest, "--screen", "none");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ab");
    expect(r.status).toBe(0);
  });

  it("--plugin adds a module; ringlab devices lists its devices", () => {
    const r = ringlab("devices", "--plugin", plugin);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^counter +counts reads of its port$/m);
    expect(r.stdout).toContain("0x300 (8-bit)");
  });

  it("the guest sees the plugin the same way under every policy", () => {
    const vm = file("vm2.toml", 'devices = ["pic", "pit", "debugcon", "exit-port", "counter"]\n');
    const r = ringlab("compare", "-c", vm, "--plugin", plugin, "--load", guest);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("verdict: the guest could not tell pure, scan-patch, pvi apart");
  });

  it("names the flag or key and the problem in one line", () => {
    const cases: [string[], number, string][] = [
      [["--plugin", join(dir, "missing.mjs")], 66, `ringlab: --plugin: cannot read ${join(dir, "missing.mjs")} (ENOENT)\n`],
      [["--plugin", file("none.mjs", "export const x = 1;\n")], 65, `ringlab: --plugin: ${join(dir, "none.mjs")}: exports no device plugin (expected defineDevicePlugin({...}) as its default or a named export)\n`],
      [["--plugin", file("broken.mjs", "export const = ;\n")], 65, `ringlab: --plugin: ${join(dir, "broken.mjs")}: cannot load the module: Unexpected token '='\n`],
      [["--plugin", file("pit.mjs", COUNTER.replace('name: "counter"', 'name: "pit"'))], 78, `ringlab: --plugin: ${join(dir, "pit.mjs")}: device plugin 'pit' is already registered\n`],
      [["-c", file("badkey.toml", 'plugins = ["nope.mjs"]\n')], 66, `ringlab: plugins: cannot read ${join(dir, "nope.mjs")} (ENOENT)\n`],
    ];
    for (const [args, status, stderr] of cases) {
      const r = ringlab("run", ...args, "--load", guest, "--screen", "none");
      expect(r.stderr).toBe(stderr);
      expect(r.status).toBe(status);
    }
  });
});
