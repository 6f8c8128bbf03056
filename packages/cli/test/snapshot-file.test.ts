import { describe, expect, it } from "vitest";
import { parseMachineConfig } from "@ringlab/machine";
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FORMAT, type SnapshotHeader } from "../src/snapshot/snapshot-file.js";
import { UserError } from "../src/user-error.js";
import { ExitCode } from "../src/exit-codes.js";

const header: SnapshotHeader = {
  ringlab: "0.1.0",
  format: SNAPSHOT_FORMAT,
  instructions: 1234,
  config: parseMachineConfig({}),
  run: { entry: 0x100000, serial: [], serialIds: [], plugins: [], pluginFlags: [] },
  schemas: { machine: 1, cpu: 1, policy: "pure", devices: { pit: { plugin: "pit", version: 1 } } },
};
const ram = new Uint8Array(1 << 20).map((_, i) => (i % 4096 === 0 ? i >>> 12 : 0));
const rom = Uint8Array.from({ length: 512 }, (_, i) => i * 7);
const file = encodeSnapshot(header, { state: { version: 1, cpu: { eip: 42 }, text: "ü" }, blobs: [ram, rom] });

function refusal(bytes: Uint8Array): { message: string; exitCode: number } {
  try {
    decodeSnapshot(bytes, "s.snap").body();
  } catch (e) {
    if (e instanceof UserError) return { message: e.message, exitCode: e.exitCode };
    throw e;
  }
  throw new Error("accepted");
}

describe("the snapshot file format", () => {
  it("round-trips the header, the state and every blob, and compresses", () => {
    const got = decodeSnapshot(file, "s.snap");
    expect(got.header).toEqual(header);
    const body = got.body();
    expect(body.state).toEqual({ version: 1, cpu: { eip: 42 }, text: "ü" });
    expect(body.blobs.map((b) => Buffer.from(b))).toEqual([Buffer.from(ram), Buffer.from(rom)]);
    expect(file.length).toBeLessThan(ram.length / 20);
    expect(Buffer.from(file.subarray(0, 12)).toString("latin1")).toBe("RINGLABSNAP\x1a");
  });

  it("is the same bytes for the same machine (no time stamp, no randomness)", () => {
    expect(Buffer.from(encodeSnapshot(header, { state: { version: 1, cpu: { eip: 42 }, text: "ü" }, blobs: [ram, rom] }))).toEqual(Buffer.from(file));
  });

  it("names what is wrong: not a snapshot, truncated anywhere, corrupted anywhere, newer", () => {
    expect(refusal(Buffer.from("hello"))).toEqual({ message: expect.stringMatching(/^s\.snap: not a ringlab snapshot/), exitCode: ExitCode.dataError });
    for (let cut = 12; cut < file.length; cut += Math.max(1, Math.floor(file.length / 97))) {
      const r = refusal(file.subarray(0, cut));
      expect(r.exitCode, `cut at ${cut}`).toBe(ExitCode.dataError);
      expect(r.message, `cut at ${cut}`).toMatch(/^s\.snap: truncated: /);
    }
    // Every 53rd byte flipped past the format field: a checksum or length refusal, never a throw of another kind.
    for (let at = 20; at < file.length; at += 53) {
      const bad = Buffer.from(file);
      bad[at]! ^= 0x01;
      const r = refusal(bad);
      expect(r.exitCode, `flip at ${at}`).toBe(ExitCode.dataError);
      expect(r.message, `flip at ${at}`).toMatch(/^s\.snap: (corrupted: its SHA-256|truncated|\d+ bytes of garbage)/);
    }
    const newer = Buffer.from(file);
    newer.writeUInt32LE(SNAPSHOT_FORMAT + 1, 12);
    expect(refusal(newer)).toEqual({
      message: `s.snap: snapshot format ${SNAPSHOT_FORMAT + 1}, this ringlab reads format ${SNAPSHOT_FORMAT} (written by a newer ringlab): resume it with the ringlab that wrote it`,
      exitCode: ExitCode.snapshotMismatch,
    });
  });
});
