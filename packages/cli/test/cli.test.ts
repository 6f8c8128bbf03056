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

describe("ringlab run and host signals", () => {
  const demo = fileURLToPath(new URL("../../../test/guests/demo/demo.bin", import.meta.url));

  for (const [signal, status] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    it(`${signal} stops the run with ${status}, the statistics and the guest's output so far`, async () => {
      const { spawn } = await import("node:child_process");
      const full = ringlab("run", demo, "--screen", "none").stdout;
      const child = spawn(process.execPath, [main, "run", demo, "--screen", "none", "--stats"], { env: { ...process.env, RINGLAB_DEBUG: "" } });
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString("latin1")));
      // The signal goes when the guest's first output arrives: the run is under way (the
      // handlers are in place) and, at the demo's ~18 M instructions, far from its end.
      child.stdout.on("data", (d: Buffer) => {
        if (stdout === "") child.kill(signal);
        stdout += d.toString("latin1");
      });
      const code = await new Promise<number | null>((done) => child.on("close", done));
      expect(code).toBe(status);
      expect(stderr).toMatch(new RegExp(`^ringlab: interrupted by ${signal} after \\d+ instructions$`, "m"));
      expect(stderr).toMatch(/\[stats\] instructions retired: \d+/);
      // Nothing lost or reordered: what came out is the start of an uninterrupted run's output.
      expect(stdout.length).toBeGreaterThan(0);
      expect(stdout.length).toBeLessThan(full.length);
      expect(full.startsWith(stdout)).toBe(true);
    });
  }
});
