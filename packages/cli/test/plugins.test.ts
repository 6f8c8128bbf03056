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
    expect(r.stdout).toContain("verdict: the guest could not tell pure, scan-patch, pvi, vtx apart");
  });

  it("names the flag or key and the problem in one line", () => {
    const cases: [string[], number, string][] = [
      [["--plugin", join(dir, "missing.mjs")], 66, `ringlab: --plugin: cannot read ${join(dir, "missing.mjs")} (ENOENT)\n`],
      [["--plugin", file("none.mjs", "export const x = 1;\n")], 65, `ringlab: --plugin: ${join(dir, "none.mjs")}: exports no device plugin or policy (expected defineDevicePlugin({...}) or definePolicy({...}) as its default or a named export)\n`],
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

/**
 * A policy as a third party writes it: pure emulation driven in slices of at most `slice`
 * instructions, counting them. Slicing cannot change what the guest sees (virtual time comes
 * from retired instructions), so compare must find it indistinguishable from pure.
 */
const SLICED = `
import { definePolicy, purePolicy } from "@ringlab/monitor";
import { z } from "@ringlab/sdk";

export const sliced = definePolicy({
  name: "pure-sliced",
  description: "pure emulation in short slices (a plugin's policy)",
  options: z.object({ slice: z.number().int().min(1).default(1000).describe("instructions per slice at most") }).strict(),
  create(cpu, options, context) {
    const inner = purePolicy.create(cpu, {}, context);
    let slices = 0;
    return {
      name: "pure-sliced",
      description: "pure emulation in slices of " + options.slice,
      stats: inner.stats,
      counters: () => inner.counters(),
      slices: () => slices,
      run: (budget) => (slices++, inner.run(Math.min(budget, options.slice))),
      interruptsEnabled: () => inner.interruptsEnabled(),
      requestStop: () => inner.requestStop(),
      reset: () => { slices = 0; inner.reset(); },
    };
  },
});
`;

describe("policies from ES modules (--plugin, plugins)", () => {
  const plugin = file("sliced.mjs", SLICED);
  const guest = `${file("guest2.bin", GUEST)}@0x100000`;

  it("ringlab policies lists the built-in policies and the plugin's, with options", () => {
    const r = ringlab("policies", "--plugin", plugin);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pure +pure emulation/m);
    expect(r.stdout).toMatch(/^ {4}option ring: 1 \| 3 \(default 1\) — /m);
    expect(r.stdout).toMatch(/^pure-sliced +pure emulation in short slices \(a plugin's policy\)\n {4}from: +.*sliced\.mjs\n {4}option slice: integer \(default 1000\) — instructions per slice at most$/m);
    const j = JSON.parse(ringlab("policies", "--json", "--plugin", plugin).stdout) as { name: string; options: { name: string; default?: unknown }[] }[];
    expect(j.map((p) => p.name)).toEqual(["pure", "scan-patch", "pvi", "vtx", "pure-sliced"]);
    expect(j[4]!.options).toEqual([{ name: "slice", type: "integer", default: 1000, description: "instructions per slice at most" }]);
  });

  it("runs the guest under the plugin's policy, and compare takes it with options", () => {
    const vm = file("vm3.toml", 'plugins = ["sliced.mjs"]\ndevices = ["pic", "pit", "debugcon", "exit-port"]\n[monitor]\npolicy = "pure-sliced"\noptions = { slice = 3 }\n');
    const r = ringlab("run", "-c", vm, "--load", guest, "--screen", "none", "--stats");
    // Port 0x300 is unclaimed here: the guest prints what it reads there, as under pure.
    expect(r.stdout).toBe(ringlab("run", "--load", guest, "--screen", "none", "--policy", "pure").stdout);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("[stats] monitor policy:       pure-sliced: pure emulation in slices of 3\n");
    const c = ringlab("compare", "--plugin", plugin, "--load", guest, "--policies", "pure,pure-sliced:slice=1,pure-sliced:slice=5");
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    expect(c.stdout).toContain("verdict: the guest could not tell pure, pure-sliced:slice=1, pure-sliced:slice=5 apart");
  });

  it("names the module for a policy name already taken, and the flag for bad options", () => {
    const dup = file("dup.mjs", SLICED.replace('name: "pure-sliced"', 'name: "pvi"'));
    const r = ringlab("run", "--plugin", dup, "--load", guest, "--screen", "none");
    expect(r.stderr).toBe(`ringlab: --plugin: ${dup}: policy 'pvi' is already registered\n`);
    expect(r.status).toBe(78);
    const bad = ringlab("run", "--plugin", plugin, "--policy", "pure-sliced:slice=0", "--load", guest, "--screen", "none");
    expect(bad.stderr).toBe("ringlab: --policy: policy 'pure-sliced': option 'slice': Too small: expected number to be >=1\n");
    expect(bad.status).toBe(78);
    const missing = ringlab("run", "--policy", "pure-sliced", "--load", guest, "--screen", "none");
    expect(missing.stderr).toBe("ringlab: --policy: unknown policy 'pure-sliced' (known: pure, scan-patch, pvi, vtx)\n");
    expect(missing.status).toBe(78);
  });
});
