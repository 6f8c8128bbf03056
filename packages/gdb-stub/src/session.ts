import type { DebugTarget, PointKind, StopEvent } from "./debug-target.js";
import { fromHex, littleEndianHex, parseHexNumber, parseLittleEndianHex, toHex } from "./hex.js";
import {
  DEFAULT_MAX_PACKET,
  PacketDecoder,
  type WireEvent,
  encodePacket,
  escapeBinary,
  latin1,
  latin1Text,
  unescapeBinary,
} from "./packet-codec.js";
import { I386_REGISTERS, targetXml } from "./target-description.js";

/** Where the session's bytes go (a TCP socket in the CLI; an array in tests). */
export interface Transport {
  write(bytes: Uint8Array): void;
  /** Ends the connection (after `k`, `D`, or a peer that keeps sending garbage). */
  close(): void;
}

/** Options of a {@link GdbSession}. */
export interface SessionOptions {
  /** Largest packet accepted and advertised as `PacketSize` (default 0x4000). */
  maxPacket?: number;
  /** Told one line about each protocol problem (bad checksum, overlong packet). */
  log?: (line: string) => void;
}

/** gdb's error replies carry errno values (written in decimal, as QEMU's stub does): EFAULT (14) for memory, EINVAL (22) for a malformed packet. */
const E_FAULT = "E14";
const E_INVAL = "E22";
const SIGTRAP = 5;
/** Packets kept while the target runs, answered when it stops. */
const MAX_QUEUED = 16;

const Z_KINDS: Record<string, PointKind> = { "0": "sw-break", "1": "hw-break", "2": "watch", "3": "rwatch", "4": "awatch" };

/** One stop event as a stop-reply packet (GDB manual, "Stop Reply Packets"). */
export function stopReply(ev: StopEvent): string {
  if (ev.kind === "exited") return `W${(ev.status & 0xff).toString(16).padStart(2, "0")}`;
  let s = `T${ev.signal.toString(16).padStart(2, "0")}`;
  if (ev.watch) s += `${ev.watch.kind}:${(ev.watch.address >>> 0).toString(16)};`;
  return `${s}thread:1;`;
}

/**
 * One gdb connection in all-stop mode over a {@link DebugTarget}: acknowledges packets (until
 * `QStartNoAckMode`), answers each command, runs `c`/`s`/`vCont` asynchronously and sends the
 * stop reply when the target stops; 0x03 interrupts a run. Unknown packets get the empty
 * reply, as the protocol asks. Nothing gdb sends can throw out of {@link receive}.
 */
export class GdbSession {
  private readonly decoder: PacketDecoder;
  private readonly maxPacket: number;
  private ack = true;
  private lastSent: Uint8Array | undefined;
  private running = false;
  private queue: Uint8Array[] = [];
  private lastStop: StopEvent = { kind: "signal", signal: SIGTRAP };
  private closed = false;
  /** Resolves when the run that a `c`/`s` started has stopped and been reported (tests wait on it). */
  idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: DebugTarget,
    private readonly transport: Transport,
    private readonly options: SessionOptions = {},
  ) {
    this.maxPacket = options.maxPacket ?? DEFAULT_MAX_PACKET;
    this.decoder = new PacketDecoder(this.maxPacket);
  }

  /** True once `k` or `D` ended the session. */
  get ended(): boolean {
    return this.closed;
  }

  /** Bytes from the peer, in any split. */
  receive(chunk: Uint8Array): void {
    for (const ev of this.decoder.feed(chunk)) this.onWire(ev);
  }

  private onWire(ev: WireEvent): void {
    if (this.closed) return;
    switch (ev.kind) {
      case "ack":
        this.lastSent = undefined;
        return;
      case "nak":
        if (this.lastSent && this.ack) this.transport.write(this.lastSent);
        return;
      case "interrupt":
        if (this.running) this.target.interrupt();
        return;
      case "bad-checksum":
        this.options.log?.(`bad packet checksum (computed ${ev.expected.toString(16)}, packet says ${ev.got < 0 ? "not hex" : ev.got.toString(16)})`);
        if (this.ack) this.transport.write(latin1("-"));
        return;
      case "overflow":
        this.options.log?.(`packet longer than ${ev.limit} bytes dropped`);
        if (this.ack) this.transport.write(latin1("-"));
        return;
      case "bad-packet":
        this.options.log?.(`malformed packet: ${ev.why}`);
        if (this.ack) this.transport.write(latin1("+"));
        this.reply(E_INVAL);
        return;
      case "packet":
        if (this.ack) this.transport.write(latin1("+"));
        if (!this.running) this.dispatch(ev.data);
        else if (this.queue.length < MAX_QUEUED) this.queue.push(ev.data);
        // gdb sends nothing but 0x03 while the target runs (all-stop mode): a peer that
        // floods packets then is not gdb, and what it sends beyond a few is dropped.
        else this.options.log?.("packet dropped: too many sent while the target runs");
        return;
    }
  }

  private reply(payload: string | Uint8Array): void {
    if (this.closed) return;
    const packet = encodePacket(payload);
    this.lastSent = this.ack ? packet : undefined;
    this.transport.write(packet);
  }

  private dispatch(raw: Uint8Array): void {
    let r: string | Uint8Array | undefined;
    try {
      r = this.command(raw);
    } catch (e) {
      // A target that throws (a bug) must not take the connection or ringlab down.
      this.options.log?.(`command failed: ${(e as Error).message}`);
      r = "E01";
    }
    if (r !== undefined) this.reply(r);
  }

  /** The reply to one packet, or undefined when it is sent later (a run) or never (`k`). */
  private command(raw: Uint8Array): string | Uint8Array | undefined {
    const text = latin1Text(raw);
    const c = text[0];
    switch (c) {
      case "?":
        return stopReply(this.lastStop);
      case "g":
        return I386_REGISTERS.map((reg, i) => littleEndianHex(this.target.readRegister(i), reg.bits)).join("");
      case "G":
        return this.writeAllRegisters(text.slice(1));
      case "p": {
        const n = parseHexNumber(text.slice(1));
        const reg = n === undefined ? undefined : I386_REGISTERS[n];
        return reg ? littleEndianHex(this.target.readRegister(n!), reg.bits) : "E45";
      }
      case "P": {
        const m = /^P([0-9a-fA-F]+)=([0-9a-fA-F]*)$/.exec(text);
        const n = m ? parseHexNumber(m[1]!) : undefined;
        const reg = n === undefined ? undefined : I386_REGISTERS[n];
        const v = reg ? parseLittleEndianHex(m![2]!, reg.bits) : undefined;
        if (v === undefined) return E_INVAL;
        return this.target.writeRegister(n!, v) ? "OK" : "E01";
      }
      case "m":
        return this.readMemory(text.slice(1));
      case "M":
        return this.writeMemoryHex(text.slice(1));
      case "X":
        return this.writeMemoryBinary(raw);
      case "c":
      case "C":
        return this.run("continue");
      case "s":
      case "S":
        return this.run("step");
      case "Z":
      case "z":
        return this.point(text);
      case "H":
        return "OK";
      case "T":
        return "OK";
      case "k":
        this.target.kill();
        this.end();
        return undefined;
      case "D":
        this.reply("OK");
        this.target.detach();
        this.end();
        return undefined;
      case "q":
      case "Q":
        return this.query(text);
      case "v":
        return this.vPacket(text);
      default:
        return "";
    }
  }

  private end(): void {
    this.closed = true;
    this.transport.close();
  }

  private writeAllRegisters(hex: string): string {
    let at = 0;
    const values: bigint[] = [];
    for (const reg of I386_REGISTERS) {
      const digits = reg.bits / 4;
      if (at + digits > hex.length) break; // gdb may send fewer registers than described
      const v = parseLittleEndianHex(hex.slice(at, at + digits), reg.bits);
      if (v === undefined) return E_INVAL;
      values.push(v);
      at += digits;
    }
    if (at !== hex.length) return E_INVAL;
    let ok = true;
    values.forEach((v, i) => {
      if (this.target.readRegister(i) !== v && !this.target.writeRegister(i, v)) ok = false;
    });
    return ok ? "OK" : "E01";
  }

  private addressLength(text: string): { address: number; length: number } | undefined {
    const m = /^([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(text);
    if (!m) return undefined;
    const address = parseHexNumber(m[1]!);
    const length = parseHexNumber(m[2]!);
    return address === undefined || length === undefined ? undefined : { address, length };
  }

  private readMemory(args: string): string {
    const a = this.addressLength(args);
    if (!a) return E_INVAL;
    // A reply may hold fewer bytes than asked (GDB manual, `m`): never more than fits a packet.
    const length = Math.min(a.length, Math.floor((this.maxPacket - 4) / 2));
    if (length === 0) return "";
    const bytes = this.target.readMemory(a.address, length);
    return bytes.length === 0 ? E_FAULT : toHex(bytes);
  }

  private writeMemoryHex(args: string): string {
    const colon = args.indexOf(":");
    const a = colon < 0 ? undefined : this.addressLength(args.slice(0, colon));
    const data = colon < 0 ? undefined : fromHex(args.slice(colon + 1));
    if (!a || !data || data.length !== a.length) return E_INVAL;
    if (data.length === 0) return "OK";
    return this.target.writeMemory(a.address, data) ? "OK" : E_FAULT;
  }

  private writeMemoryBinary(raw: Uint8Array): string {
    const colon = raw.indexOf(0x3a);
    const a = colon < 0 ? undefined : this.addressLength(latin1Text(raw.subarray(1, colon)));
    if (!a) return E_INVAL;
    let data: Uint8Array;
    try {
      data = unescapeBinary(raw.subarray(colon + 1));
    } catch {
      return E_INVAL;
    }
    if (data.length !== a.length) return E_INVAL;
    if (data.length === 0) return "OK"; // gdb's probe for X support
    return this.target.writeMemory(a.address, data) ? "OK" : E_FAULT;
  }

  private point(text: string): string {
    const m = /^([Zz])([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)(;.*)?$/.exec(text);
    if (!m) return E_INVAL;
    const kind = Z_KINDS[m[2]!]!;
    const address = parseHexNumber(m[3]!);
    const length = parseHexNumber(m[4]!);
    if (address === undefined || length === undefined || length === 0 || length > 4096) return E_INVAL;
    if (m[1] === "Z") return this.target.insertPoint(kind, address, length) ? "OK" : "";
    this.target.removePoint(kind, address, length);
    return "OK";
  }

  private query(text: string): string | Uint8Array | undefined {
    if (text.startsWith("qSupported")) {
      return `PacketSize=${this.maxPacket.toString(16)};qXfer:features:read+;QStartNoAckMode+;vContSupported+`;
    }
    if (text === "QStartNoAckMode") {
      this.reply("OK");
      this.ack = false;
      this.lastSent = undefined;
      return undefined;
    }
    if (text.startsWith("qXfer:features:read:")) return this.features(text.slice("qXfer:features:read:".length));
    if (text === "qAttached" || text.startsWith("qAttached:")) return "1";
    if (text === "qC") return "QC1";
    if (text === "qfThreadInfo") return "m1";
    if (text === "qsThreadInfo") return "l";
    if (text.startsWith("qSymbol")) return "OK";
    if (text.startsWith("qRcmd,")) return this.monitor(text.slice(6));
    return "";
  }

  private features(args: string): string | Uint8Array {
    const m = /^([^:]+):([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(args);
    if (!m) return E_INVAL;
    if (m[1] !== "target.xml") return "E00";
    const doc = latin1(targetXml());
    const offset = parseHexNumber(m[2]!) ?? Infinity;
    const length = Math.min(parseHexNumber(m[3]!) ?? 0, Math.floor((this.maxPacket - 5) / 2));
    if (offset > doc.length) return E_INVAL;
    const part = doc.subarray(offset, offset + length);
    const body = escapeBinary(part);
    const out = new Uint8Array(body.length + 1);
    out[0] = (offset + part.length >= doc.length ? "l" : "m").charCodeAt(0);
    out.set(body, 1);
    return out;
  }

  private monitor(hex: string): string {
    const bytes = fromHex(hex);
    if (!bytes) return E_INVAL;
    const command = latin1Text(bytes).trim();
    let out: string | undefined;
    if (command === "help" || command === "") {
      out =
        "ringlab monitor commands:\n" +
        this.target
          .monitorCommands()
          .map((c) => `  ${c.name.padEnd(10)} ${c.help}\n`)
          .join("") +
        `  ${"help".padEnd(10)} this list\n`;
    } else out = this.target.monitorCommand(command);
    if (out === undefined) out = `unknown monitor command '${command}' (try 'monitor help')\n`;
    // The output goes back hex-encoded as the reply itself (GDB manual, `qRcmd`).
    return out === "" ? "OK" : toHex(latin1(out.endsWith("\n") ? out : out + "\n"));
  }

  private vPacket(text: string): string | undefined {
    if (text === "vCont?") return "vCont;c;C;s;S";
    if (text.startsWith("vCont;")) {
      // One thread: the first action applies to it (`vCont;s:1;c` steps thread 1).
      const action = text.slice(6).split(";")[0]!.split(":")[0]!;
      if (action === "c" || action[0] === "C") return this.run("continue");
      if (action === "s" || action[0] === "S") return this.run("step");
      return E_INVAL;
    }
    if (text.startsWith("vKill")) {
      this.reply("OK");
      this.target.kill();
      this.end();
      return undefined;
    }
    return "";
  }

  private run(how: "continue" | "step"): undefined {
    if (this.lastStop.kind === "exited") {
      this.reply(stopReply(this.lastStop));
      return undefined;
    }
    this.running = true;
    const started = how === "step" ? this.target.step() : this.target.resume();
    this.idle = started.then(
      (ev) => this.stopped(ev),
      (e: unknown) => {
        this.options.log?.(`target failed: ${(e as Error).message}`);
        this.stopped({ kind: "exited", status: 0xff, why: String(e) });
      },
    );
    return undefined;
  }

  private stopped(ev: StopEvent): void {
    this.running = false;
    this.lastStop = ev;
    this.reply(stopReply(ev));
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) {
      if (this.running || this.closed) this.queue.push(p);
      else this.dispatch(p);
    }
  }
}
