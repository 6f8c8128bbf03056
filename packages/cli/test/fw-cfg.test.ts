import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ringlab-fw-cfg-"));

/**
 * A raw image at 0x100000 that reads fw_cfg as firmware does (nasm): selects the signature
 * (out 0x510, ax=0), copies 4 data bytes (in al, 0x511) to port 0xE9 and a newline, selects
 * key 0x20 (the first file by name) and copies its bytes up to a 0 or 64 of them, exits with 0.
 */
const READER =
  "66ba100531c066ef6642b904000000ece6e9e2fbb00ae6e9664a66b8200066ef6642b940000000ec84c07404e6e9e2f7b000e6f4f4";

const reader = join(dir, "reader.bin");
writeFileSync(reader, Buffer.from(READER, "hex"));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "latin1", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const run = (...args: string[]) => ringlab("run", "--load", `${reader}@0x100000`, "--screen", "none", ...args);

describe("ringlab run --fw-cfg", () => {
  writeFileSync(join(dir, "greeting.txt"), "hello through fw_cfg\n");
  writeFileSync(join(dir, "other.txt"), "sorted after\n");

  it("adds the fw-cfg device with the file, which the guest reads at key 0x20", () => {
    const r = run("--fw-cfg", "name=opt/ringlab/greeting,file=greeting.txt");
    expect(r.stderr).toBe("");
    expect([r.status, r.stdout]).toEqual([0, "QEMU\nhello through fw_cfg\n"]);
  });

  it("takes the name without its key, as QEMU does, and numbers files in name order", () => {
    const r = run("--fw-cfg", "opt/z,file=other.txt", "--fw-cfg", "opt/a,file=greeting.txt");
    expect(r.stdout).toBe("QEMU\nhello through fw_cfg\n");
  });

  it("without it nothing answers at 0x510", () => {
    const r = run();
    expect(r.stdout).toBe("\xff\xff\xff\xff\n" + "\xff".repeat(64));
  });

  it("the config key fwCfg does the same, its file relative to the config file", () => {
    mkdirSync(join(dir, "cfg"), { recursive: true });
    writeFileSync(join(dir, "cfg", "blob.txt"), "from the config\n");
    writeFileSync(join(dir, "cfg", "fw.toml"), 'fwCfg = [{ name = "opt/blob", file = "blob.txt" }]\n');
    expect(run("-c", "cfg/fw.toml").stdout).toBe("QEMU\nfrom the config\n");
    // A flag's item joins the file's; "opt/a" sorts first.
    expect(run("-c", "cfg/fw.toml", "--fw-cfg", "opt/a,file=greeting.txt").stdout).toBe("QEMU\nhello through fw_cfg\n");
  });

  it("reports bad values in one line naming the flag or key", () => {
    const bad = (args: string[], line: string, status: number) => {
      const r = run(...args);
      expect([r.status, r.stderr.trim()]).toEqual([status, line]);
    };
    bad(["--fw-cfg", "greeting.txt"], "ringlab: option '--fw-cfg <name=NAME,file=PATH>' argument 'greeting.txt' is invalid. expected name=NAME,file=PATH, got 'greeting.txt' (see 'ringlab --help')", 64);
    bad(["--fw-cfg", `${"x".repeat(56)},file=a`], `ringlab: option '--fw-cfg <name=NAME,file=PATH>' argument '${"x".repeat(56)},file=a' is invalid. expected a name of 1 to 55 printable ASCII characters before ',file=', got '${"x".repeat(56)}' (see 'ringlab --help')`, 64);
    bad(["--fw-cfg", "opt/x,file=missing.bin"], `ringlab: --fw-cfg: ${join(dir, "missing.bin")}: cannot read the file of item 'opt/x' (ENOENT)`, 66);
    bad(["--fw-cfg", "opt/x,file=greeting.txt", "--fw-cfg", "name=opt/x,file=other.txt"], "ringlab: --fw-cfg: item 'opt/x' is given twice", 64);
    writeFileSync(join(dir, "bad.toml"), 'fwCfg = [{ name = "", file = "blob.txt" }]\n');
    bad(["-c", "bad.toml"], "ringlab: bad.toml: key 'fwCfg.0.name': expected a name of 1 to 55 printable ASCII characters", 78);
  });
});
