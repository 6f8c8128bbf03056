import "reflect-metadata";
import type { Rtc } from "@ringlab/devices-rtc";
import { BufferSerialBackend, type Uart } from "@ringlab/devices-uart";
import { CollectingConsole, DEFAULT_DEVICES, type Machine, builtinRegistry, createMachine } from "@ringlab/machine";
import { describe, expect, it } from "vitest";

/** Moves virtual time as the machine loop does: to each deadline, firing timers on the way. */
function advance(m: Machine, ticks: number): void {
  const end = m.clock.ticks + ticks;
  for (let next = m.clock.nextDeadline(); next <= end; next = m.clock.nextDeadline()) {
    m.clock.skipTo(next);
    m.clock.runDueTimers();
  }
  m.clock.skipTo(end);
}

/** BIOS-style 8259 set-up: master at 0x20, slave at 0x28; `mask` is the IMR pair (bit n = IRQ n masked). */
function initPics(m: Machine, mask: number): void {
  const out = (port: number, v: number) => m.bus.ports.write(port, 1, v);
  for (const [base, vector, cascade] of [
    [0x20, 0x20, 0x04],
    [0xa0, 0x28, 0x02],
  ] as const) {
    out(base, 0x11);
    out(base + 1, vector);
    out(base + 1, cascade);
    out(base + 1, 0x01);
  }
  out(0x21, mask & 0xff);
  out(0xa1, mask >> 8);
}

const pcWithPlatform = (extra: object = {}) =>
  createMachine({ devices: [...DEFAULT_DEVICES.filter((d) => typeof d === "string" && d !== "rtc"), "uart", "rtc"], clock: { tscHz: 1_152_000_000 }, ...extra }, builtinRegistry(), {
    console: new CollectingConsole(),
  });

describe("uart and rtc in a PC machine", () => {
  it("hands the host everything the guest wrote to the UART, even bytes still being sent when the run ends", () => {
    // nasm: out 0x3fb,3 (8N1) / out 0x3fa,1 (FIFOs on) / out 0x3f8 'h','i','!' / out 0xf4,0 / hlt — the guest
    // exits while the UART (9600 baud at power-on) is still sending the first byte.
    const code = Buffer.from("66bafb03b003ee66bafa03b001ee66baf803b068eeb069eeb021eeb000e6f4f4", "hex");
    const m = pcWithPlatform();
    const host = new BufferSerialBackend();
    (m.device("uart") as unknown as Uart).setBackend(host);
    m.bus.memory.ram8.set(code, 0x100000);
    m.cpu.setFlat32(0x100000);
    expect(m.run(1000)).toMatchObject({ kind: "exit", status: 0 });
    expect(host.text()).toBe("hi!");
  });

  it("are built-in plugins and in the default PC, COM1 transmitting at once", () => {
    const names = builtinRegistry()
      .list()
      .map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["uart", "rtc"]));
    expect(DEFAULT_DEVICES).toContainEqual({ plugin: "uart", options: { timing: "fast" } });
    expect(DEFAULT_DEVICES).toContain("rtc");
    const m = pcWithPlatform();
    expect([0x3f8, 0x3ff, 0x70, 0x71].map((p) => m.bus.ports.ownerOf(p))).toEqual(["uart", "uart", "rtc", "rtc"]);
    expect([m.bus.irqs.ownerOf(4), m.bus.irqs.ownerOf(8)]).toEqual(["uart", "rtc"]);
  });

  it("the UART's THRE interrupt reaches the CPU through the master PIC as vector 0x24, once per byte", () => {
    const m = pcWithPlatform();
    initPics(m, 0xffff & ~(1 << 4) & ~(1 << 2));
    const uart = m.device("uart") as unknown as Uart;
    const host = new BufferSerialBackend();
    uart.setBackend(host);
    const out = (p: number, v: number) => m.bus.ports.write(p, 1, v);
    out(0x3fb, 0x83);
    out(0x3f8, 1);
    out(0x3f9, 0);
    out(0x3fb, 0x03);
    out(0x3fc, 0x0b); // OUT2: the PC's IRQ gate
    out(0x3f9, 0x02); // THRE interrupt
    const text = "via 8259";
    let sent = 0;
    let delivered = 0;
    for (let step = 0; step < 2000 && delivered <= text.length; step++) {
      if (m.bus.interrupts.hasPendingInterrupt()) {
        expect(m.bus.interrupts.acknowledge()).toBe(0x24);
        delivered++;
        expect(m.bus.ports.read(0x3fa, 1) & 0x0f).toBe(0x02);
        if (sent < text.length) out(0x3f8, text.charCodeAt(sent++));
        else out(0x3f9, 0x00);
        out(0x20, 0x20);
      }
      advance(m, 5_000);
    }
    // The last THRE comes when the last byte enters the shift register; flush() hands it over.
    expect(host.text()).toBe(text.slice(0, -1));
    uart.flush();
    expect(host.text()).toBe(text);
    expect(delivered).toBe(text.length + 1);
  });

  it("the RTC's periodic interrupt reaches the CPU through the slave PIC as vector 0x28 at 1024 Hz", () => {
    const m = pcWithPlatform();
    initPics(m, 0xffff & ~(1 << 8) & ~(1 << 2));
    m.bus.ports.write(0x70, 1, 0x0b);
    m.bus.ports.write(0x71, 1, 0x42); // PIE
    let taken = 0;
    const second = 1_152_000_000;
    for (let t = 0; t < second / 4; t += 10_000) {
      advance(m, 10_000);
      if (m.bus.interrupts.hasPendingInterrupt()) {
        expect(m.bus.interrupts.acknowledge()).toBe(0x28);
        taken++;
        m.bus.ports.write(0x70, 1, 0x0c);
        m.bus.ports.read(0x71, 1); // without this read, IRQ 8 would never rise again
        m.bus.ports.write(0xa0, 1, 0x20);
        m.bus.ports.write(0x20, 1, 0x20);
      }
    }
    expect(taken).toBe(256);
  });

  it("the CMOS map reports the machine's memory: 32 MiB is 640 KiB base and 31 MiB extended", () => {
    const m = pcWithPlatform({ memory: { size: "32M" } });
    const rtc = m.device("rtc") as unknown as Rtc;
    const word = (lo: number) => rtc.peek(lo) | (rtc.peek(lo + 1) << 8);
    expect([word(0x15), word(0x17), word(0x30), word(0x34)]).toEqual([640, 31 * 1024, 31 * 1024, 256]);
  });

  it("a whole machine with both saves and restores mid-transfer, then behaves identically", () => {
    const setup = (m: Machine) => {
      const out = (p: number, v: number) => m.bus.ports.write(p, 1, v);
      out(0x3fb, 0x03);
      out(0x3fa, 0x07);
      for (const c of "state") out(0x3f8, c.charCodeAt(0));
      out(0x70, 0x0b);
      out(0x71, 0x12);
    };
    const a = pcWithPlatform();
    setup(a);
    advance(a, 3_000_000);
    const b = pcWithPlatform();
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    for (const m of [a, b]) advance(m, 2_000_000_000);
    expect(JSON.stringify(b.saveState())).toBe(JSON.stringify(a.saveState()));
  });
});
