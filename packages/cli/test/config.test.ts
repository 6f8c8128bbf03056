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
    expect(cfg.devices).toEqual(["pic", "pit", "vga", "debugcon", "exit-port", { plugin: "uart", options: { timing: "fast" } }, "rtc", "fpu-error", "i8042", "port92", "i440fx", "piix3"]);
    expect(cfg.serial).toEqual([]);
    expect(cfg.memory.layout).toEqual([
      { kind: "ram", start: "0x0", size: "640K" },
      { kind: "reserved", start: "0xA0000", size: "384K" },
      { kind: "ram", start: "0x100000", size: "31M" },
    ]);
    expect(cfg.monitor).toEqual({ policy: "pure", options: {}, patch: true });
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

describe("ringlab config: memory layout and monitor policy", () => {
  const LAYOUT =
    `[[memory.layout]]\nkind = "ram"\nstart = 0\nsize = "640K"\n` +
    `[[memory.layout]]\nkind = "reserved"\nstart = 0xFEC00000\nsize = 4096\n` +
    `[[memory.layout]]\nkind = "ram"\nstart = "1M"\nsize = "7M"\n`;

  it("prints the file's layout, in address order, with the top of RAM as memory.size", () => {
    const r = ringlab("config", "-c", file("layout.toml", LAYOUT));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '[memory]\nsize = "8M"\n\n[[memory.layout]]\nkind = "ram"\nstart = "0x0"\nsize = "640K"\n\n' +
        '[[memory.layout]]\nkind = "ram"\nstart = "0x100000"\nsize = "7M"\n\n' +
        '[[memory.layout]]\nkind = "reserved"\nstart = "0xFEC00000"\nsize = "4K"\n',
    );
  });

  it("round-trips: the printed configuration, read back as a file, prints the same", () => {
    for (const [name, args] of [
      ["defaults", []],
      ["layout", ["-c", file("rt-layout.toml", 'maxInstructions = 5\n' + LAYOUT + '[monitor]\npolicy = "scan-patch"\n')]],
      ["flags", ["--mem", "64M", "--policy", "pvi", "--cpi", "3", "--cmdline", "a b"]],
    ] as [string, string[]][]) {
      const first = ringlab("config", ...args);
      expect(first.status, name).toBe(0);
      const again = ringlab("config", "-c", file(`printed-${name}.toml`, first.stdout));
      expect(again.stderr, name).toBe("");
      expect(again.stdout, name).toBe(first.stdout);
      expect(parse(again.stdout), name).toEqual(parse(first.stdout));
    }
  });

  it("takes monitor.policy from the file and lets --policy override it", () => {
    const vm = file("policy.toml", '[monitor]\npolicy = "scan-patch"\n');
    expect((parse(ringlab("config", "-c", vm).stdout) as Record<string, any>).monitor).toEqual({ policy: "scan-patch", options: {}, patch: true });
    expect((parse(ringlab("config", "-c", vm, "--policy", "pvi").stdout) as Record<string, any>).monitor).toEqual({ policy: "pvi", options: {}, patch: true });
    expect((parse(ringlab("config", "-c", vm, "--no-patch").stdout) as Record<string, any>).monitor).toEqual({ policy: "scan-patch", options: {}, patch: false });
    // --policy brings its own options; the file's belong to the file's policy.
    const withOptions = file("ring3.toml", '[monitor]\npolicy = "scan-patch"\noptions = { ring = 3 }\n');
    expect((parse(ringlab("config", "-c", withOptions).stdout) as Record<string, any>).monitor.options).toEqual({ ring: 3 });
    expect((parse(ringlab("config", "-c", withOptions, "--policy", "pvi").stdout) as Record<string, any>).monitor.options).toEqual({});
    expect((parse(ringlab("config", "--policy", "scan-patch:ring=3").stdout) as Record<string, any>).monitor).toEqual({
      policy: "scan-patch",
      options: { ring: 3 },
      patch: true,
    });
  });

  it("names --policy and the registered policies for a bad value, and the file for a bad key", () => {
    const r = ringlab("config", "--policy", "bad");
    expect(r.status).toBe(78);
    expect(r.stderr).toBe("ringlab: --policy: unknown policy 'bad' (known: pure, scan-patch, pvi, vtx)\n");
    const f = ringlab("config", "-c", file("bad-policy.toml", '[monitor]\npolicy = "vmx"\n'));
    expect(f.status).toBe(78);
    expect(f.stderr).toMatch(/^ringlab: .*bad-policy\.toml: key 'monitor\.policy': unknown policy 'vmx' \(known: pure, scan-patch, pvi, vtx\)\n$/);
    const o = ringlab("config", "-c", file("bad-option.toml", '[monitor]\npolicy = "scan-patch"\noptions = { ring = 2 }\n'));
    expect(o.status).toBe(78);
    expect(o.stderr).toMatch(/^ringlab: .*bad-option\.toml: key 'monitor\.options': policy 'scan-patch': option 'ring': expected 1 \(the 0\/1\/3 model\) or 3 \(0\/3\/3\)\n$/);
    for (const [flag, msg] of [
      ["scan-patch:ring=2", "--policy: policy 'scan-patch': option 'ring': expected 1 (the 0/1/3 model) or 3 (0/3/3)"],
      ["pure:fast=1", "--policy: policy 'pure': unknown option 'fast'"],
      ["scan-patch:ring", "--policy: policy 'scan-patch': expected KEY=VALUE after ':', got 'ring'"],
      ["scan-patch:ring=1:ring=3", "--policy: policy 'scan-patch': option 'ring' is given twice"],
      ["Scan", "--policy: expected NAME or NAME:KEY=VALUE[:KEY=VALUE...] (see ringlab policies), got 'Scan'"],
    ]) {
      const b = ringlab("config", "--policy", flag!);
      expect(b.stderr).toBe(`ringlab: ${msg}\n`);
      expect(b.status).toBe(78);
    }
  });

  it("names the file, the region and what was wrong for a bad layout", () => {
    const region = (kind: string, start: string, size: string) => `[[memory.layout]]\nkind = "${kind}"\nstart = ${start}\nsize = ${size}\n`;
    const cases: [string, string, RegExp][] = [
      [
        "overlap.toml",
        region("ram", "0", '"640K"') + region("reserved", "0x9F000", '"4K"'),
        /overlap\.toml: key 'memory\.layout\.1': reserved 0x9F000\.\.0x9FFFF overlaps 'memory\.layout\.0' \(RAM 0x0\.\.0x9FFFF\)\n$/,
      ],
      ["align.toml", region("ram", "0x800", '"1M"'), /align\.toml: key 'memory\.layout\.0\.start': expected a multiple of 4K \(0x1000\), got 0x800\n$/],
      ["kind.toml", region("rom", "0", '"1M"'), /kind\.toml: key 'memory\.layout\.0\.kind': expected one of 'ram', 'reserved', got 'rom'\n$/],
      ["four-g.toml", region("ram", "0", '"1M"') + region("reserved", "0xFFFFF000", '"1M"'), /four-g\.toml: key 'memory\.layout\.1\.size': .*runs past 4 GiB/],
      ["extra.toml", region("ram", "0", '"1M"') + "base = 1\n", /extra\.toml: unknown key 'memory\.layout\.0\.base'\n$/],
      [
        "both.toml",
        '[memory]\nsize = "16M"\n' + region("ram", "0", '"8M"'),
        /both\.toml: key 'memory\.size': 16M does not match memory\.layout, whose RAM ends at 0x800000 \(8M\)/,
      ],
    ];
    for (const [name, text, re] of cases) {
      const r = ringlab("config", "-c", file(name, text));
      expect(r.stderr, name).toMatch(new RegExp("^ringlab: .*" + re.source));
      expect(r.status, name).toBe(78);
    }
  });

  it("accepts --mem with a file layout only when it is the layout's top of RAM", () => {
    const vm = file("mem-layout.toml", LAYOUT);
    expect(ringlab("config", "-c", vm, "--mem", "8M").status).toBe(0);
    const r = ringlab("config", "-c", vm, "--mem", "16M");
    expect(r.status).toBe(78);
    expect(r.stderr).toBe(
      "ringlab: --mem: 16M does not match memory.layout, whose RAM ends at 0x800000 (8M); " +
        "with a layout, memory.size is the top of RAM and may be left out\n",
    );
  });
});
