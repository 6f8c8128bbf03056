import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ProcessOutput } from "../src/output/process-output.js";

/** A stream that records each write it is given, as the bytes it was given. */
function recorder() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString("latin1"));
      done();
    },
  });
  return { stream, writes };
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("ProcessOutput buffering", () => {
  it("collects byte writes into one write, passed on at flush", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 1024, lineFlush: false, maxAgeMs: 1e9, now: () => 0 });
    for (const c of "hello\nworld\n") out.write(bytes(c));
    expect(writes).toEqual([]);
    out.flush();
    expect(writes).toEqual(["hello\nworld\n"]);
    out.flush(); // nothing left: no empty write
    expect(writes).toHaveLength(1);
  });

  it("passes on whole lines when lineFlush is set (a terminal)", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 1024, lineFlush: true, maxAgeMs: 1e9, now: () => 0 });
    for (const c of "ab\ncd\nprompt> ") out.write(bytes(c));
    expect(writes).toEqual(["ab\n", "cd\n"]);
    out.flush();
    expect(writes).toEqual(["ab\n", "cd\n", "prompt> "]);
  });

  it("passes on a full buffer, and a write larger than the buffer goes straight through in order", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 4, lineFlush: false, maxAgeMs: 1e9, now: () => 0 });
    for (const c of "abcdef") out.write(bytes(c));
    expect(writes).toEqual(["abcd"]);
    out.write(bytes("0123456789"));
    expect(writes).toEqual(["abcd", "ef", "0123456789"]);
  });

  it("passes on bytes once the oldest is maxAgeMs old (checked at each write)", () => {
    const { stream, writes } = recorder();
    let t = 0;
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 1024, lineFlush: false, maxAgeMs: 50, now: () => t });
    out.write(bytes("a"));
    t = 49;
    out.write(bytes("b"));
    expect(writes).toEqual([]);
    t = 50;
    out.write(bytes("c"));
    expect(writes).toEqual(["abc"]);
  });

  it("writes text after the bytes collected before it", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 1024, lineFlush: false, maxAgeMs: 1e9, now: () => 0 });
    out.write(bytes("guest"));
    out.write("SCREEN\n");
    expect(writes).toEqual(["guest", "SCREEN\n"]);
  });

  it("copies what it collects: the caller may reuse its array", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stdout", { maxBytes: 1024, lineFlush: false, maxAgeMs: 1e9, now: () => 0 });
    const b = bytes("x");
    out.write(b);
    b[0] = 0x79;
    out.write(b);
    out.flush();
    expect(writes).toEqual(["xy"]);
  });

  it("unbuffered, every write goes straight to the stream", () => {
    const { stream, writes } = recorder();
    const out = new ProcessOutput(stream, "stderr");
    out.write(bytes("a"));
    out.write("b");
    expect(writes).toEqual(["a", "b"]);
  });
});
