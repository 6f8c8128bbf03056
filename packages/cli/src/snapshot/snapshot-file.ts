import { createHash } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import type { MachineConfig, MachineSnapshot, StateSchemas } from "@ringlab/machine";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";

/**
 * The snapshot file (`ringlab run --snapshot`, `ringlab resume`), version 1:
 *
 * ```
 * magic        12 bytes  "RINGLABSNAP" 0x1A (0x1A: a text viewer stops there, as PNG's)
 * format       u32 LE    this file's layout version (SNAPSHOT_FORMAT)
 * headerLength u32 LE
 * header       JSON, UTF-8: SnapshotHeader (versions, configuration, schemas)
 * bodyLength   u32 LE
 * body         zlib (deflate): u32 stateLength, the machine state as JSON, u32 blobCount,
 *              then per blob u32 length and its bytes (RAM first, then loader ROMs)
 * sha256       32 bytes  over everything before it
 * ```
 *
 * All lengths are checked against the file's size before anything is parsed, so a
 * truncated file says so rather than failing inside JSON or zlib; the checksum covers the
 * header too, so a corrupted one is named as such.
 */
export const SNAPSHOT_FORMAT = 1;
const MAGIC = Buffer.from("RINGLABSNAP\x1a", "latin1");
const HASH_LENGTH = 32;
/** magic, format, header length: what must be there to tell what the file is. */
const PREAMBLE = MAGIC.length + 4 + 4;

/** What `ringlab run` knew besides the machine configuration, needed to carry on. */
export interface SnapshotRun {
  /** The entry point of the kernel booted (what `--stats` prints). */
  entry: number;
  /** The host side of the COM ports (`--serial`, `serial`), and the device id of each. */
  serial: string[];
  serialIds: string[];
  /** Plugin modules: the config file's `plugins` and the `--plugin` flags (absolute paths). */
  plugins: string[];
  pluginFlags: string[];
  /** `--post-port`, when given. */
  postPort?: number;
}

export interface SnapshotHeader {
  /** The ringlab version that wrote it (reported; loading is decided by the schemas). */
  ringlab: string;
  format: number;
  /** Guest instructions retired when it was taken. */
  instructions: number;
  /** The machine's configuration, as `createMachine` received it. */
  config: MachineConfig;
  run: SnapshotRun;
  /** Schema versions of the machine, CPU, policy and every device's saved state. */
  schemas: StateSchemas;
}

/** Encodes a snapshot file. */
export function encodeSnapshot(header: SnapshotHeader, snap: MachineSnapshot): Uint8Array {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const state = Buffer.from(JSON.stringify(snap.state), "utf8");
  const parts: Uint8Array[] = [u32(state.length), state, u32(snap.blobs.length)];
  for (const blob of snap.blobs) parts.push(u32(blob.length), blob);
  // Level 1: RAM is mostly zeros or repeats, which the fastest level already shrinks well.
  const body = deflateSync(Buffer.concat(parts), { level: 1 });
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const out = Buffer.concat([MAGIC, u32(SNAPSHOT_FORMAT), u32(head.length), head, u32(body.length), body]);
  return Buffer.concat([out, createHash("sha256").update(out).digest()]);
}

/** A snapshot file read and checked: its header, and the body, decoded on demand. */
export interface SnapshotFile {
  header: SnapshotHeader;
  /** Inflates and splits the body (throws the one-line UserError of a bad body). */
  body(): MachineSnapshot;
}

/**
 * Reads a snapshot file's bytes. Every way it can be wrong is one {@link UserError} line
 * starting with `file`: not a snapshot, truncated or corrupted (status 65, data error), or
 * written in a format this build does not read (status 80, snapshot mismatch).
 */
export function decodeSnapshot(bytes: Uint8Array, file: string): SnapshotFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const bad = (why: string) => new UserError(`${file}: ${why}`, ExitCode.dataError);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw bad(`not a ringlab snapshot (expected a file written by 'ringlab run --snapshot', starting with 'RINGLABSNAP')`);
  }
  if (buf.length < PREAMBLE) throw bad(`truncated: ${buf.length} bytes, not even a snapshot's ${PREAMBLE}-byte preamble`);
  const format = buf.readUInt32LE(MAGIC.length);
  if (format !== SNAPSHOT_FORMAT) {
    throw new UserError(
      `${file}: snapshot format ${format}, this ringlab reads format ${SNAPSHOT_FORMAT} (${format > SNAPSHOT_FORMAT ? "written by a newer ringlab" : "an older format"}): resume it with the ringlab that wrote it`,
      ExitCode.snapshotMismatch,
    );
  }
  const headLength = buf.readUInt32LE(MAGIC.length + 4);
  const bodyAt = PREAMBLE + headLength;
  if (buf.length < bodyAt + 4) throw bad(`truncated: ${buf.length} bytes, the header alone needs ${bodyAt + 4}`);
  const bodyLength = buf.readUInt32LE(bodyAt);
  const expected = bodyAt + 4 + bodyLength + HASH_LENGTH;
  if (buf.length < expected) throw bad(`truncated: ${buf.length} bytes of the ${expected} its header announces`);
  if (buf.length > expected) throw bad(`${buf.length - expected} bytes of garbage after the snapshot's end (at byte ${expected})`);
  const digest = createHash("sha256").update(buf.subarray(0, expected - HASH_LENGTH)).digest();
  if (!digest.equals(buf.subarray(expected - HASH_LENGTH))) throw bad("corrupted: its SHA-256 checksum does not match its contents");
  let header: SnapshotHeader;
  try {
    header = JSON.parse(buf.subarray(PREAMBLE, bodyAt).toString("utf8")) as SnapshotHeader;
  } catch {
    throw bad("corrupted: its header is not JSON");
  }
  checkHeader(header, bad);
  const body = buf.subarray(bodyAt + 4, bodyAt + 4 + bodyLength);
  return { header, body: () => decodeBody(body, bad) };
}

function checkHeader(h: SnapshotHeader, bad: (why: string) => UserError): void {
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(h)) throw bad("corrupted: its header is not an object");
  if (typeof h.ringlab !== "string") throw bad("bad header: field 'ringlab': expected the version that wrote it");
  if (!Number.isSafeInteger(h.instructions) || h.instructions < 0) throw bad("bad header: field 'instructions': expected a count");
  if (!isObject(h.config)) throw bad("bad header: field 'config': expected the machine configuration");
  if (!isObject(h.schemas) || !isObject(h.schemas.devices)) throw bad("bad header: field 'schemas': expected the state schema versions");
  const r = h.run as unknown as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!isObject(r) || !Number.isSafeInteger(r["entry"]) || !strings(r["serial"]) || !strings(r["serialIds"]) || !strings(r["plugins"]) || !strings(r["pluginFlags"])) {
    throw bad("bad header: field 'run': expected { entry, serial, serialIds, plugins, pluginFlags }");
  }
}

function decodeBody(body: Buffer, bad: (why: string) => UserError): MachineSnapshot {
  let raw: Buffer;
  try {
    raw = inflateSync(body);
  } catch (e) {
    throw bad(`corrupted: its compressed body does not inflate (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let at = 0;
  const take = (n: number, what: string): Buffer => {
    if (at + n > raw.length) throw bad(`corrupted: its body ends inside ${what}`);
    const out = raw.subarray(at, at + n);
    at += n;
    return out;
  };
  const u32 = (what: string) => take(4, what).readUInt32LE(0);
  const stateText = take(u32("the state's length"), "the machine state").toString("utf8");
  let state: MachineSnapshot["state"];
  try {
    state = JSON.parse(stateText) as MachineSnapshot["state"];
  } catch {
    throw bad("corrupted: its machine state is not JSON");
  }
  const count = u32("the blob count");
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) blobs.push(new Uint8Array(take(u32(`blob ${i}'s length`), `blob ${i}`)));
  if (at !== raw.length) throw bad(`corrupted: ${raw.length - at} bytes after its last blob`);
  return { state, blobs };
}
