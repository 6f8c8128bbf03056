import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";

/**
 * Snapshot files wrong in one way each, for the bad-input corpus (test/bad-input/cases.toml),
 * made from a good one (`ringlab run --snapshot`) following the layout in
 * packages/cli/src/snapshot/snapshot-file.ts: magic (12 bytes), format (u32), header length
 * (u32), header JSON, body length (u32), zlib body, SHA-256 of everything before it.
 */
const MAGIC_LENGTH = 12;

interface Parts {
  format: number;
  header: Record<string, unknown>;
  body: Buffer;
}

function split(file: Uint8Array): Parts {
  const b = Buffer.from(file);
  const format = b.readUInt32LE(MAGIC_LENGTH);
  const headLength = b.readUInt32LE(MAGIC_LENGTH + 4);
  const at = MAGIC_LENGTH + 8;
  const header = JSON.parse(b.subarray(at, at + headLength).toString("utf8")) as Record<string, unknown>;
  const bodyLength = b.readUInt32LE(at + headLength);
  return { format, header, body: b.subarray(at + headLength + 4, at + headLength + 4 + bodyLength) };
}

/** Re-assembles a file, with a correct checksum: what a changed-but-intact file looks like. */
function join(magic: Buffer, p: Parts): Uint8Array {
  const u32 = (n: number) => {
    const x = Buffer.alloc(4);
    x.writeUInt32LE(n);
    return x;
  };
  const head = Buffer.from(JSON.stringify(p.header), "utf8");
  const out = Buffer.concat([magic, u32(p.format), u32(head.length), head, u32(p.body.length), p.body]);
  return Buffer.concat([out, createHash("sha256").update(out).digest()]);
}

/** The machine state inside a body, changed by `edit`, re-compressed. */
function editState(body: Buffer, edit: (state: Record<string, Record<string, unknown>>) => void): Buffer {
  const raw = inflateSync(body);
  const n = raw.readUInt32LE(0);
  const state = JSON.parse(raw.subarray(4, 4 + n).toString("utf8")) as Record<string, Record<string, unknown>>;
  edit(state);
  const text = Buffer.from(JSON.stringify(state), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(text.length);
  return deflateSync(Buffer.concat([len, text, raw.subarray(4 + n)]));
}

/** File name → bytes, each wrong in the way its name says. */
export function badSnapshots(good: Uint8Array): Record<string, Uint8Array> {
  const magic = Buffer.from(good.subarray(0, MAGIC_LENGTH));
  const parts = split(good);
  const corrupted = Buffer.from(good);
  // A bit flipped in the middle of the compressed body.
  corrupted[Math.floor(corrupted.length / 2)]! ^= 0x10;
  const schemas = parts.header["schemas"] as { devices: Record<string, { version: number }> };
  const newerPit = structuredClone(parts.header);
  (newerPit["schemas"] as typeof schemas).devices["pit"]!.version = schemas.devices["pit"]!.version + 1;
  const newFormat = Buffer.from(good);
  newFormat.writeUInt32LE(parts.format + 1, MAGIC_LENGTH);
  return {
    "not-a-snapshot.snap": Buffer.from("#!/bin/sh\necho this is not a snapshot\n"),
    "empty.snap": new Uint8Array(0),
    "truncated.snap": good.subarray(0, Math.floor(good.length / 2)),
    "truncated-preamble.snap": good.subarray(0, MAGIC_LENGTH + 2),
    "corrupted.snap": corrupted,
    "trailing-garbage.snap": Buffer.concat([good, Buffer.from("garbage")]),
    "newer-format.snap": newFormat,
    "newer-pit-schema.snap": join(magic, { ...parts, header: newerPit }),
    "bad-cpu-state.snap": join(magic, { ...parts, body: editState(parts.body, (s) => ((s["cpu"]!["arch"] as Record<string, unknown>)["cpl"] = 7)) }),
    "bad-header.snap": join(magic, { ...parts, header: { ...parts.header, run: null } }),
  };
}
