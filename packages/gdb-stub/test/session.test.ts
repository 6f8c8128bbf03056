import { describe, expect, it } from "vitest";
import type { DebugTarget, PointKind, StopEvent } from "../src/debug-target.js";
import { encodePacket, latin1, latin1Text } from "../src/packet-codec.js";
import { GdbSession } from "../src/session.js";
import { I386_REGISTERS, registerNumber, targetXml } from "../src/target-description.js";
import { toHex } from "../src/hex.js";

/** A toy target: 64 KiB of memory at 0, registers in an array, EIP advancing one byte a step. */
class FakeTarget implements DebugTarget {
  regs = I386_REGISTERS.map((_, i) => BigInt(i));
  mem = new Uint8Array(0x10000);
  points: string[] = [];
  interrupted = false;
  killed = false;
  detached = false;
  endAt = Infinity;
  private pendingResume: ((ev: StopEvent) => void) | undefined;

  readRegister(n: number): bigint {
    return this.regs[n]!;
  }
  writeRegister(n: number, v: bigint): boolean {
    if (I386_REGISTERS[n]!.bits === 80) return false;
    this.regs[n] = v;
    return true;
  }
  readMemory(a: number, len: number): Uint8Array {
    return this.mem.slice(Math.min(a, this.mem.length), Math.min(a + len, this.mem.length));
  }
  writeMemory(a: number, d: Uint8Array): boolean {
    if (a + d.length > this.mem.length) return false;
    this.mem.set(d, a);
    return true;
  }
  step(): Promise<StopEvent> {
    this.regs[8]!++;
    if (this.regs[8]! >= this.endAt) return Promise.resolve({ kind: "exited", status: 3, why: "end" });
    return Promise.resolve({ kind: "signal", signal: 5 });
  }
  resume(): Promise<StopEvent> {
    const bp = this.points.find((p) => p.startsWith("sw-break"));
    if (bp) {
      this.regs[8] = BigInt(parseInt(bp.split(":")[1]!, 10));
      return Promise.resolve({ kind: "signal", signal: 5 });
    }
    const w = this.points.find((p) => p.startsWith("watch"));
    if (w) return Promise.resolve({ kind: "signal", signal: 5, watch: { kind: "watch", address: parseInt(w.split(":")[1]!, 10) } });
    return new Promise((done) => (this.pendingResume = done));
  }
  interrupt(): void {
    this.interrupted = true;
    this.pendingResume?.({ kind: "signal", signal: 2 });
  }
  insertPoint(kind: PointKind, a: number, len: number): boolean {
    if (kind === "rwatch") return false;
    this.points.push(`${kind}:${a}:${len}`);
    return true;
  }
  removePoint(kind: PointKind, a: number, len: number): boolean {
    const i = this.points.indexOf(`${kind}:${a}:${len}`);
    if (i >= 0) this.points.splice(i, 1);
    return i >= 0;
  }
  monitorCommand(c: string): string | undefined {
    return c === "policy" ? "pure\n" : undefined;
  }
  monitorCommands() {
    return [{ name: "policy", help: "the active policy" }];
  }
  kill(): void {
    this.killed = true;
  }
  detach(): void {
    this.detached = true;
  }
}

function setup() {
  const target = new FakeTarget();
  let out = "";
  let closed = false;
  const log: string[] = [];
  const session = new GdbSession(target, { write: (b) => (out += latin1Text(b)), close: () => (closed = true) }, { log: (l) => log.push(l), maxPacket: 0x1000 });
  /** Sends a packet and returns everything written back since. */
  const send = async (payload: string | Uint8Array): Promise<string> => {
    out = "";
    session.receive(encodePacket(payload));
    await session.idle;
    return out;
  };
  /** Just the reply payloads (acks stripped, checksums checked). */
  const ask = async (payload: string | Uint8Array): Promise<string> => {
    const raw = await send(payload);
    const m = /^\+?\$([^#]*)#([0-9a-f]{2})$/s.exec(raw);
    if (!m) throw new Error(`not one packet: ${JSON.stringify(raw)}`);
    const sum = [...latin1(m[1]!)].reduce((s, b) => (s + b) & 0xff, 0);
    expect(parseInt(m[2]!, 16)).toBe(sum);
    return m[1]!;
  };
  return { target, session, send, ask, log, get out() { return out; }, get closed() { return closed; }, raw: (s: string) => { out = ""; session.receive(latin1(s)); return out; } };
}

describe("gdb session", () => {
  it("acks packets, answers '?' and the thread queries, and leaves unknown packets empty", async () => {
    const s = setup();
    expect(await s.send("?")).toBe("+" + latin1Text(encodePacket("T05thread:1;")));
    expect(await s.ask("qC")).toBe("QC1");
    expect(await s.ask("qfThreadInfo")).toBe("m1");
    expect(await s.ask("qsThreadInfo")).toBe("l");
    expect(await s.ask("qAttached")).toBe("1");
    expect(await s.ask("Hg0")).toBe("OK");
    expect(await s.ask("qTStatus")).toBe("");
    expect(await s.ask("vMustReplyEmpty")).toBe("");
    expect(await s.ask("!")).toBe("");
  });

  it("advertises PacketSize and qXfer, and serves target.xml in pieces", async () => {
    const s = setup();
    expect(await s.ask("qSupported:multiprocess+;swbreak+;xmlRegisters=i386")).toBe("PacketSize=1000;qXfer:features:read+;QStartNoAckMode+;vContSupported+");
    const xml = targetXml();
    let got = "";
    for (;;) {
      const r = await s.ask(`qXfer:features:read:target.xml:${got.length.toString(16)},200`);
      got += r.slice(1).replace(/\}(.)/g, (_, c: string) => String.fromCharCode(c.charCodeAt(0) ^ 0x20));
      if (r[0] === "l") break;
      expect(r[0]).toBe("m");
    }
    expect(got).toBe(xml);
    expect(xml).toContain('<feature name="org.gnu.gdb.i386.core">');
    expect(xml).toContain('<reg name="st7" bitsize="80" type="i387_ext" regnum="23" group="float"/>');
    expect(xml).toContain('<reg name="fop" bitsize="32" type="int" regnum="31" group="float"/>');
    expect(await s.ask("qXfer:features:read:other.xml:0,10")).toBe("E00");
  });

  it("reads and writes registers little-endian, 80-bit x87 values included", async () => {
    const s = setup();
    s.target.regs[0] = 0x12345678n;
    const st0 = registerNumber("st0");
    s.target.regs[st0] = 0x3fff_8000_0000_0000_0000n; // 1.0
    const g = await s.ask("g");
    expect(g.length).toBe(I386_REGISTERS.reduce((n, r) => n + r.bits / 4, 0));
    expect(g.slice(0, 8)).toBe("78563412");
    expect(await s.ask(`p${st0.toString(16)}`)).toBe("0000000000000080ff3f");
    expect(await s.ask("P8=efbeadde")).toBe("OK");
    expect(s.target.regs[8]).toBe(0xdeadbeefn);
    expect(await s.ask(`P${st0.toString(16)}=00000000000000000000`)).toBe("E01");
    expect(await s.ask("P8=zz")).toBe("E22");
    expect(await s.ask("p999")).toBe("E45");
    // G: the same values back, with EAX changed, is one write.
    const changed = "01000000" + g.slice(8);
    expect(await s.ask(`G${changed}`)).toBe("OK");
    expect(s.target.regs[0]).toBe(1n);
    expect(await s.ask("G0102")).toBe("E22");
  });

  it("reads and writes memory (m, M, X with escapes), E14 where nothing is mapped", async () => {
    const s = setup();
    s.target.mem.set([1, 2, 3, 4], 0x100);
    expect(await s.ask("m100,4")).toBe("01020304");
    expect(await s.ask("mfffe,4")).toBe("0000"); // a partial reply
    expect(await s.ask("m20000,4")).toBe("E14");
    expect(await s.ask("M200,2:abcd")).toBe("OK");
    expect([...s.target.mem.subarray(0x200, 0x202)]).toEqual([0xab, 0xcd]);
    expect(await s.ask("M200,2:ab")).toBe("E22");
    expect(await s.ask("M20000,1:00")).toBe("E14");
    // X: `}` escapes; 0x23 ('#'), 0x24 ('$'), 0x7d ('}') arrive as } ^ 0x20.
    const x = new Uint8Array([...latin1("X300,4:"), 0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x41]);
    expect(await s.ask(x)).toBe("OK");
    expect([...s.target.mem.subarray(0x300, 0x304)]).toEqual([0x23, 0x24, 0x7d, 0x41]);
    expect(await s.ask("X300,0:")).toBe("OK");
    expect(await s.ask("mzz,1")).toBe("E22");
    // A huge m is cut to what fits a packet.
    expect((await s.ask("m0,100000")).length).toBeLessThanOrEqual(0x1000);
  });

  it("steps, continues to a breakpoint, reports a watchpoint, and is interrupted by 0x03", async () => {
    const s = setup();
    expect(await s.ask("vCont?")).toBe("vCont;c;C;s;S");
    s.target.regs[8] = 0x1000n;
    expect(await s.ask("s")).toBe("T05thread:1;");
    expect(s.target.regs[8]).toBe(0x1001n);
    expect(await s.ask("vCont;s:1")).toBe("T05thread:1;");
    expect(await s.ask("Z0,4096,1")).toBe("OK");
    expect(await s.ask("vCont;c")).toBe("T05thread:1;");
    expect(s.target.regs[8]).toBe(0x4096n);
    expect(await s.ask("z0,4096,1")).toBe("OK");
    expect(await s.ask("Z2,200,4")).toBe("OK");
    expect(await s.ask("c")).toBe("T05watch:200;thread:1;");
    expect(await s.ask("z2,200,4")).toBe("OK");
    expect(await s.ask("Z3,200,4")).toBe(""); // the target does not support it
    expect(await s.ask("Z9,200,4")).toBe("E22");
    // A run that only Ctrl-C ends.
    s.session.receive(encodePacket("c"));
    s.raw("\x03");
    await s.session.idle;
    expect(s.out).toBe(latin1Text(encodePacket("T02thread:1;")));
    expect(s.target.interrupted).toBe(true);
  });

  it("reports the guest's end as W, and again on each later run", async () => {
    const s = setup();
    s.target.regs[8] = 0n;
    s.target.endAt = 1n as unknown as number;
    expect(await s.ask("s")).toBe("W03");
    expect(await s.ask("c")).toBe("W03");
    expect(await s.ask("?")).toBe("W03");
  });

  it("runs monitor commands hex-encoded, with help and a line for an unknown one", async () => {
    const s = setup();
    const rcmd = async (c: string) => latin1Text(Uint8Array.from(Buffer.from(await s.ask(`qRcmd,${toHex(latin1(c))}`), "hex")));
    expect(await rcmd("policy")).toBe("pure\n");
    expect(await rcmd("help")).toBe("ringlab monitor commands:\n  policy     the active policy\n  help       this list\n");
    expect(await rcmd("frobnicate")).toBe("unknown monitor command 'frobnicate' (try 'monitor help')\n");
  });

  it("answers a bad checksum with '-', resends on '-', and stops acking after QStartNoAckMode", async () => {
    const s = setup();
    expect(s.raw("$g#00")).toBe("-");
    expect(s.log[0]).toMatch(/bad packet checksum/);
    const r = await s.send("qC");
    expect(s.raw("-")).toBe(r.slice(1)); // the same packet again, without the ack
    expect(await s.send("QStartNoAckMode")).toBe("+$OK#9a");
    expect(await s.send("qC")).toBe("$QC1#c5");
    expect(s.raw("$g#00")).toBe("");
  });

  it("keeps at most 16 packets sent while the target runs, and answers them when it stops", async () => {
    const s = setup();
    s.session.receive(encodePacket("c")); // runs until Ctrl-C
    for (let i = 0; i < 40; i++) s.session.receive(encodePacket("qC"));
    expect(s.log.filter((l) => /packet dropped/.test(l))).toHaveLength(24);
    s.raw("\x03");
    await s.session.idle;
    expect(s.out.split("$QC1#").length - 1).toBe(16);
  });

  it("kill and detach end the session", async () => {
    const a = setup();
    expect(await a.send("k")).toBe("+");
    expect(a.target.killed && a.closed && a.session.ended).toBe(true);
    const b = setup();
    expect(await b.ask("D")).toBe("OK");
    expect(b.target.detached && b.closed).toBe(true);
  });

  it("survives random garbage: every reply is a well-formed packet or an ack", () => {
    const s = setup();
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) & 0xff;
    for (let k = 0; k < 200; k++) {
      const junk = Uint8Array.from({ length: 64 }, rnd);
      s.session.receive(junk);
      s.session.receive(encodePacket(`m${(rnd() << 8).toString(16)},${rnd().toString(16)}`));
    }
    expect(s.target.killed).toBe(false);
  });
});
