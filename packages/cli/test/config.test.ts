import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ringlab-config-"));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("ringlab config --print", () => {
  it("prints the defaults as TOML that reads back", () => {
    const r = ringlab("config", "--print");
    expect(r.status).toBe(0);
    const cfg = parse(r.stdout) as Record<string, any>;
    expect(cfg.memory.size).toBe("32M");
    expect(cfg.clock).toEqual({ tscHz: 1_000_000_000, cyclesPerInstruction: 1 });
    expect(cfg.devices).toEqual(["pic", "pit", "vga", "debugcon", "exit-port"]);
  });

  it("reads a config file, resolves its kernel path against the file's folder, and lets flags override", () => {
    const vm = file(
      "vm.toml",
      `maxInstructions = 1000\n[memory]\nsize = "64M"\n[kernel]\nfile = "guests/k.bin"\ncmdline = "a b"\n` +
        `[[devices]]\nplugin = "debugcon"\nid = "con"\noptions = { port = 0x402 }\n`,
    );
    const cfg = parse(ringlab("config", "-c", vm, "--mem", "16M", "--cpi", "2").stdout) as Record<string, any>;
    expect(cfg.memory.size).toBe("16M");
    expect(cfg.maxInstructions).toBe(1000);
    expect(cfg.clock.cyclesPerInstruction).toBe(2);
    expect(cfg.kernel).toEqual({ file: join(dir, "guests/k.bin"), cmdline: "a b", modules: [] });
    expect(cfg.devices).toEqual([{ plugin: "debugcon", id: "con", options: { port: 0x402 } }]);
  });

  it("resolves boot modules' files against the config file's folder, keeping their arguments", () => {
    const vm = file("mods.toml", `[kernel]\nmodules = ["initrd.img quiet root=/dev/ram0"]\n`);
    const cfg = parse(ringlab("config", "-c", vm).stdout) as Record<string, any>;
    expect(cfg.kernel.modules).toEqual([`${join(dir, "initrd.img")} quiet root=/dev/ram0`]);
    const flags = parse(ringlab("config", "--module", "a.img x", "--module", "b.img").stdout) as Record<string, any>;
    expect(flags.kernel.modules).toEqual([`${join(dir, "a.img")} x`, join(dir, "b.img")]);
  });

  it("names the file, the key and what was expected for a bad file", () => {
    const cases: [string, string, RegExp][] = [
      ["unknown.toml", "memroy = 1\n", /^ringlab: .*unknown\.toml: unknown key 'memroy'\n$/],
      ["type.toml", "[clock]\ntscHz = \"fast\"\n", /^ringlab: .*type\.toml: key 'clock\.tscHz': .*number.*\n$/],
      ["syntax.toml", "a = \n", /^ringlab: .*syntax\.toml:1:5: TOML syntax error: .*\n$/],
      ["dev.toml", "[[devices]]\nplugin = 3\n", /^ringlab: .*dev\.toml: key 'devices\.0.*\n$/],
    ];
    for (const [name, text, re] of cases) {
      const r = ringlab("config", "-c", file(name, text));
      expect(r.status, name).toBe(78);
      expect(r.stderr, name).toMatch(re);
    }
    const missing = ringlab("config", "-c", join(dir, "nope.toml"));
    expect(missing.status).toBe(66);
    expect(missing.stderr).toMatch(/nope\.toml: cannot read the config file \(ENOENT\)\n$/);
  });

  it("names the flag for a bad flag value", () => {
    const r = ringlab("config", "--mem", "lots");
    expect(r.status).toBe(78);
    expect(r.stderr).toBe("ringlab: --mem: expected a size such as 32M, 640K or a byte count, got 'lots'\n");
    const n = ringlab("config", "--max-instructions", "many");
    expect(n.status).toBe(64);
    expect(n.stderr).toMatch(/^ringlab: option '--max-instructions <n>' argument 'many' is invalid\. expected a number/);
  });
});
