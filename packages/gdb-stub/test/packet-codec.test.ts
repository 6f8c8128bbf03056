import { describe, expect, it } from "vitest";
import {
  PacketDecoder,
  checksum,
  decodeRunLength,
  encodePacket,
  escapeBinary,
  latin1,
  latin1Text,
  unescapeBinary,
} from "../src/packet-codec.js";

const bytes = (s: string) => latin1(s);
const text = (b: Uint8Array) => latin1Text(b);

describe("packet codec", () => {
  it("frames a packet with the modulo-256 checksum the manual shows", () => {
    // GDB manual, "Overview": `$OK#9a` (0x4f + 0x4b = 0x9a).
    expect(text(encodePacket("OK"))).toBe("$OK#9a");
    expect(text(encodePacket(""))).toBe("$#00");
    expect(checksum(bytes("qSupported"))).toBe(0x37);
  });

  it("decodes packets split anywhere, acks, naks and the interrupt byte", () => {
    const d = new PacketDecoder();
    const wire = "+$g#67-\x03$m1000,4#";
    const events = [];
    for (const ch of wire) events.push(...d.feed(bytes(ch)));
    events.push(...d.feed(bytes("8e")));
    expect(events.map((e) => (e.kind === "packet" ? `packet:${text(e.data)}` : e.kind))).toEqual([
      "ack",
      "packet:g",
      "nak",
      "interrupt",
      `packet:m1000,4`,
    ]);
    expect(checksum(bytes("m1000,4"))).toBe(0x8e);
  });

  it("reports a bad checksum (and non-hex checksum digits) without delivering the packet", () => {
    const d = new PacketDecoder();
    expect(d.feed(bytes("$g#68"))).toEqual([{ kind: "bad-checksum", expected: 0x67, got: 0x68 }]);
    expect(d.feed(bytes("$g#zz"))).toEqual([{ kind: "bad-checksum", expected: 0x67, got: -1 }]);
    // The decoder is back in step for the next good packet.
    expect(d.feed(bytes("$g#67"))).toEqual([{ kind: "packet", data: bytes("g") }]);
  });

  it("ignores garbage between packets and restarts on a '$' inside one", () => {
    const d = new PacketDecoder();
    expect(d.feed(bytes("hello world\r\n\xff\x00$ab$g#67zz"))).toEqual([{ kind: "packet", data: bytes("g") }]);
  });

  it("bounds an absurdly long packet: dropped with one event, memory never past the limit", () => {
    const d = new PacketDecoder(64);
    const events = d.feed(bytes("$" + "A".repeat(100_000) + "#00$g#67"));
    expect(events).toEqual([{ kind: "overflow", limit: 64 }, { kind: "packet", data: bytes("g") }]);
    // A packet of exactly the limit is fine.
    const p = "B".repeat(64);
    expect(d.feed(encodePacket(p))).toEqual([{ kind: "packet", data: bytes(p) }]);
  });

  it("expands run-length encoding and rejects counts with nothing to repeat or past the limit", () => {
    // GDB manual: "0* " means "0000" (the space is 32, three more copies).
    expect(text(decodeRunLength(bytes("0* ")))).toBe("0000");
    expect(text(decodeRunLength(bytes("ab*\"c")))).toBe("abbbbbbc");
    expect(() => decodeRunLength(bytes("*#"))).toThrow(RangeError);
    expect(() => decodeRunLength(bytes("a*~a*~a*~"), 100)).toThrow(/expands past 100/);
    const d = new PacketDecoder(8);
    expect(d.feed(encodePacket("a*~a*~"))[0]).toMatchObject({ kind: "bad-packet" });
  });

  it("escapes and unescapes binary data ($ # } * and everything else)", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const esc = escapeBinary(all);
    for (const b of [0x23, 0x24, 0x2a]) expect(esc.includes(b)).toBe(false);
    expect(unescapeBinary(esc)).toEqual(all);
    expect(text(escapeBinary(bytes("a}b")))).toBe("a}]b");
    expect(() => unescapeBinary(bytes("ab}"))).toThrow(RangeError);
  });
});
