import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, RINGLAB_DEBUG: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ringlab command", () => {
  it("prints its version", () => {
    const r = ringlab("--version");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("prints help with every command", () => {
    const r = ringlab("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: ringlab/);
    expect(r.stdout).toMatch(/devices/);
    expect(r.stdout).toMatch(/run/);
    expect(ringlab().stdout).toMatch(/Usage: ringlab/);
  });

  it("lists the device plugins with the ports and IRQs they really claim", () => {
    const r = ringlab("devices");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^debugcon .*\n {4}ports: {3}0xE9 \(8-bit\)$/m);
    expect(r.stdout).toMatch(/^exit-port .*\n {4}ports: {3}0xF4 \(8\/16\/32-bit\)$/m);
    expect(r.stdout).toMatch(/^i8042 .*\n {4}ports: {3}0x60 \(8-bit\), 0x64 \(8-bit\)\n {4}irqs: {4}1, 12$/m);
    expect(r.stdout).toMatch(/^port92 .*\n {4}ports: {3}0x92 \(8-bit\)$/m);
    const json = JSON.parse(ringlab("devices", "--json").stdout) as { name: string; ports: string[] }[];
    expect(json.find((d) => d.name === "debugcon")?.ports).toEqual(["0xE9 (8-bit)"]);
  });

  it("turns a bad flag or command into one stderr line and a usage status", () => {
    for (const args of [["--bogus"], ["frob"], ["devices", "--jsn"], ["devices", "--json=3"]]) {
      const r = ringlab(...args);
      expect(r.status, args.join(" ")).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n").filter(Boolean), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(/^ringlab: .*(unknown|too many).*\(see 'ringlab --help'\)\n$/);
    }
  });
});
