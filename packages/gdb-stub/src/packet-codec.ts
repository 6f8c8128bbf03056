/**
 * The framing layer of the GDB Remote Serial Protocol (GDB manual, appendix E "GDB Remote
 * Serial Protocol", sections "Overview" and "Interrupts"): a packet is `$data#cs` where `cs`
 * is the sum of the data bytes modulo 256 as two hex digits; the receiver answers `+` (good)
 * or `-` (resend) unless no-ack mode was agreed (`QStartNoAckMode`); the byte 0x03 outside a
 * packet is an interrupt request (Ctrl-C). Binary data escapes `$`, `#`, `}` and `*` as `}`
 * followed by the byte XOR 0x20; `*` after a byte is run-length encoding.
 */

/** The interrupt byte gdb sends when the user types Ctrl-C. */
export const INTERRUPT = 0x03;
const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d;
const STAR = 0x2a;
const PLUS = 0x2b;
const MINUS = 0x2d;

/** The default largest packet payload accepted (advertised to gdb as `PacketSize`). */
export const DEFAULT_MAX_PACKET = 0x4000;

/** What the decoder found in the byte stream. */
export type WireEvent =
  /** A packet with a good checksum: its payload with run-length encoding expanded (escapes kept). */
  | { kind: "packet"; data: Uint8Array }
  /** `+`: the peer received our last packet. */
  | { kind: "ack" }
  /** `-`: the peer asks for our last packet again. */
  | { kind: "nak" }
  /** 0x03 outside a packet: stop the target. */
  | { kind: "interrupt" }
  /** A complete packet whose checksum did not match (answer `-` when acks are on). */
  | { kind: "bad-checksum"; expected: number; got: number }
  /** A packet longer than the limit: dropped, and the rest of it skipped up to its `#cs`. */
  | { kind: "overflow"; limit: number }
  /** A run-length count that points before the packet's start or is not printable. */
  | { kind: "bad-packet"; why: string };

/** Sum of `bytes` modulo 256 (the protocol's checksum). */
export function checksum(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Expands run-length encoding: `X*n` stands for X followed by `n - 29` more copies of X
 * (`n` is a printable byte; the manual rules out `#` and `$` as counts). gdb itself sends
 * none, but a peer may; an escaped byte (`}x`) is repeated as the pair. Throws on a count
 * with nothing before it, or when the expansion would exceed `maxLength` bytes.
 */
export function decodeRunLength(data: Uint8Array, maxLength = Infinity): Uint8Array {
  if (!data.includes(STAR)) return data;
  const out: number[] = [];
  let lastStart = -1; // where the last (possibly escaped) unit starts in `out`
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === STAR) {
      const n = data[i + 1];
      if (n === undefined || lastStart < 0 || n < 29 + 3 || n > 126) throw new RangeError("bad run-length encoding");
      const unit = out.slice(lastStart);
      if (out.length + unit.length * (n - 29) > maxLength) throw new RangeError(`run-length encoding expands past ${maxLength} bytes`);
      for (let k = 0; k < n - 29; k++) out.push(...unit);
      i++;
      lastStart = -1;
      continue;
    }
    lastStart = out.length;
    out.push(b);
    if (b === ESCAPE && i + 1 < data.length) out.push(data[++i]!);
  }
  return Uint8Array.from(out);
}

/** Undoes binary escaping (`}` then byte XOR 0x20), for `X` and `qXfer` style payloads. */
export function unescapeBinary(data: Uint8Array): Uint8Array {
  if (!data.includes(ESCAPE)) return data;
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === ESCAPE) {
      if (i + 1 >= data.length) throw new RangeError("binary data ends in an escape byte");
      out.push(data[++i]! ^ 0x20);
    } else out.push(b);
  }
  return Uint8Array.from(out);
}

/** Escapes `$`, `#`, `}` and `*` so that binary data can travel inside a packet. */
export function escapeBinary(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of data) {
    if (b === DOLLAR || b === HASH || b === ESCAPE || b === STAR) out.push(ESCAPE, b ^ 0x20);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

/** `$payload#cs` for a payload given as text (latin1) or bytes, which must already be escaped. */
export function encodePacket(payload: string | Uint8Array): Uint8Array {
  const data = typeof payload === "string" ? latin1(payload) : payload;
  const cs = checksum(data).toString(16).padStart(2, "0");
  const out = new Uint8Array(data.length + 4);
  out[0] = DOLLAR;
  out.set(data, 1);
  out[data.length + 1] = HASH;
  out[data.length + 2] = cs.charCodeAt(0);
  out[data.length + 3] = cs.charCodeAt(1);
  return out;
}

/** Text to bytes, one byte per character (the protocol is 8-bit; packets are ASCII). */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes to text, one character per byte. */
export function latin1Text(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return s;
}

const enum State {
  Idle,
  Data,
  Checksum1,
  Checksum2,
  /** Skipping an overlong packet up to its checksum. */
  Skip,
}

/**
 * An incremental decoder: feed it bytes as they arrive (in any split) and it returns the
 * events completed. Bytes outside a packet other than `+`, `-`, `$` and 0x03 are noise and
 * ignored; a `$` inside a packet restarts it (the peer gave up on the first). Memory use is
 * bounded by `maxPacket`.
 */
export class PacketDecoder {
  private state = State.Idle;
  private buf: Uint8Array;
  private len = 0;
  private sum = 0;
  private cs = 0;

  constructor(readonly maxPacket = DEFAULT_MAX_PACKET) {
    this.buf = new Uint8Array(maxPacket);
  }

  /** Decodes `chunk`, returning the events it completed, in order. */
  feed(chunk: Uint8Array): WireEvent[] {
    const events: WireEvent[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case State.Idle:
          if (b === DOLLAR) this.begin();
          else if (b === PLUS) events.push({ kind: "ack" });
          else if (b === MINUS) events.push({ kind: "nak" });
          else if (b === INTERRUPT) events.push({ kind: "interrupt" });
          break;
        case State.Data:
          if (b === HASH) this.state = State.Checksum1;
          else if (b === DOLLAR) this.begin();
          else if (this.len >= this.maxPacket) {
            this.state = State.Skip;
            events.push({ kind: "overflow", limit: this.maxPacket });
          } else {
            this.buf[this.len++] = b;
            this.sum = (this.sum + b) & 0xff;
          }
          break;
        case State.Skip:
          if (b === HASH) this.state = State.Idle; // its two checksum digits are then noise
          else if (b === DOLLAR) this.begin();
          break;
        case State.Checksum1: {
          const d = hexDigit(b);
          if (d < 0) {
            events.push({ kind: "bad-checksum", expected: this.sum, got: -1 });
            this.state = b === DOLLAR ? (this.begin(), State.Data) : State.Idle;
          } else {
            this.cs = d << 4;
            this.state = State.Checksum2;
          }
          break;
        }
        case State.Checksum2: {
          const d = hexDigit(b);
          this.state = State.Idle;
          if (d < 0 || (this.cs | d) !== this.sum) {
            events.push({ kind: "bad-checksum", expected: this.sum, got: d < 0 ? -1 : this.cs | d });
            if (b === DOLLAR) this.begin();
            break;
          }
          const raw = this.buf.slice(0, this.len);
          try {
            events.push({ kind: "packet", data: decodeRunLength(raw, 4 * this.maxPacket) });
          } catch (e) {
            events.push({ kind: "bad-packet", why: (e as Error).message });
          }
          break;
        }
      }
    }
    return events;
  }

  private begin(): void {
    this.state = State.Data;
    this.len = 0;
    this.sum = 0;
  }
}
