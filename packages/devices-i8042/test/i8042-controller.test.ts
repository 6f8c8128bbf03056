import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { I8042, i8042Plugin, i8042Registers as R } from "../src/index.js";
import { bench } from "./helpers.js";

describe("options", () => {
  it("defaults: IRQ 1 and 12, no mouse; ports 0x60 and 0x64 (0x61-0x63 stay free for the PIT's port 0x61)", () => {
    const kit = new DeviceTestKit();
    expect(kit.options(i8042Plugin)).toEqual({ irq: 1, auxIrq: 12, mouse: false });
    const b = bench();
    const own = (p: number) => b.kit.bus.ports.ownerOf(p);
    expect([own(0x60), own(0x64), own(0x61), own(0x62), own(0x63)]).toEqual(["i8042", "i8042", undefined, undefined, undefined]);
    expect([b.kit.bus.irqs.ownerOf(1), b.kit.bus.irqs.ownerOf(12)]).toEqual(["i8042", "i8042"]);
  });

  it("reject bad options with one line naming the option", () => {
    const kit = new DeviceTestKit();
    const cases: [unknown, RegExp][] = [
      [{ irq: 16 }, /^device 'i8042': option 'irq': /],
      [{ irq: 3, auxIrq: 3 }, /^device 'i8042': option 'auxIrq': expected 'irq' and 'auxIrq' to be different lines$/],
      [{ mouse: "yes" }, /^device 'i8042': option 'mouse': /],
      [{ port: 0x60 }, /^device 'i8042': unknown option 'port'$/],
    ];
    for (const [opts, re] of cases) {
      let err: unknown;
      try {
        kit.options(i8042Plugin, opts);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(opts)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(re);
    }
  });
});

describe("status register and command byte", () => {
  it("power-on: nothing to read, system flag set, not inhibited; command byte 0x45 (IRQ 1, SYS, XLATE)", () => {
    const b = bench();
    expect(b.status()).toBe(R.ST_SYS | R.ST_UNLOCKED);
    b.command(0x20);
    expect(b.status()).toBe(R.ST_OBF | R.ST_SYS | R.ST_CMD | R.ST_UNLOCKED);
    expect(b.drain()).toEqual([0x45]);
    b.send(0xf4); // a data write clears the command/data flag
    expect(b.status() & R.ST_CMD).toBe(0);
  });

  it("Linux's probe: flush, 0xAA self test answers 0x55, the command byte reads back what was written, SYS follows it", () => {
    const b = bench();
    expect(b.drain()).toEqual([]); // i8042_flush: nothing there
    b.command(0xaa);
    expect(b.drain()).toEqual([0x55]);
    b.command(0x20);
    const ctr = b.drain()[0]!;
    // i8042_controller_init: keyboard and aux disabled, interrupts off, then written back.
    b.command(0x60, (ctr | R.CB_KBD_DISABLE | R.CB_AUX_DISABLE) & ~(R.CB_KBD_INT | R.CB_AUX_INT));
    b.command(0x20);
    expect(b.drain()).toEqual([0x74]);
    b.command(0x60, 0x00);
    expect(b.status() & R.ST_SYS).toBe(0);
    b.command(0xaa);
    expect(b.drain()).toEqual([0x55]);
    expect(b.status() & R.ST_SYS).toBe(R.ST_SYS);
    // Other RAM bytes are plain storage at 0x21-0x3F / 0x61-0x7F.
    b.command(0x65, 0x5a);
    b.command(0x25);
    expect(b.drain()).toEqual([0x5a]);
  });

  it("0xAB keyboard interface test, 0xA9 aux test (no mouse: clock stuck high), 0xA4 no password, 0xC0 input port, 0xE0 test inputs", () => {
    const b = bench();
    b.command(0xab);
    b.command(0xa9);
    b.command(0xa4);
    b.command(0xc0);
    b.command(0xe0);
    b.command(0xad);
    b.command(0xe0);
    expect(b.drain()).toEqual([0x00, 0x02, 0xf1, 0xb0, 0x03, 0x02]);
    expect(bench({ mouse: true }).kbc.mouse).toBeDefined();
    const m = bench({ mouse: true });
    m.command(0xa9);
    expect(m.drain()).toEqual([0x00]);
  });

  it("0xA7/0xA8 and 0xAD/0xAE set and clear the disable bits of the command byte", () => {
    const b = bench();
    const cb = () => (b.command(0x20), b.drain()[0]!);
    b.command(0xa7);
    expect(cb() & R.CB_AUX_DISABLE).toBe(R.CB_AUX_DISABLE);
    b.command(0xa8);
    expect(cb() & R.CB_AUX_DISABLE).toBe(0);
    b.command(0xad);
    expect(cb() & R.CB_KBD_DISABLE).toBe(R.CB_KBD_DISABLE);
    b.command(0xae);
    expect(cb() & R.CB_KBD_DISABLE).toBe(0);
  });

  it("0xD2 and 0xD3 put a byte in the output buffer as if from the keyboard (IRQ 1) or the aux port (AUX bit, IRQ 12)", () => {
    const b = bench();
    b.command(0x60, R.CB_KBD_INT | R.CB_AUX_INT); // no translation
    b.command(0xd2, 0x1c);
    expect(b.status() & R.ST_AUX).toBe(0);
    expect([b.rises(1), b.rises(12)]).toEqual([1, 0]);
    expect(b.drain()).toEqual([0x1c]);
    // Linux's aux loop test: 0xD3 0x5A comes back as an aux byte, raising IRQ 12.
    b.command(0xd3, 0x5a);
    expect(b.status() & (R.ST_AUX | R.ST_OBF)).toBe(R.ST_AUX | R.ST_OBF);
    expect([b.rises(1), b.rises(12)]).toEqual([1, 1]);
    expect(b.drain()).toEqual([0x5a]);
    expect(b.kit.irqEvents.at(-1)).toMatchObject({ line: 12, high: false });
  });

  it("0xD4 with no mouse: the byte times out, 0xFE with the timeout and aux bits", () => {
    const b = bench();
    b.command(0xd4, 0xf2);
    expect(b.status() & (R.ST_OBF | R.ST_AUX | R.ST_TIMEOUT)).toBe(R.ST_OBF | R.ST_AUX | R.ST_TIMEOUT);
    expect(b.drain()).toEqual([0xfe]);
    expect(b.status() & R.ST_TIMEOUT).toBe(0);
  });

  it("a command's result waits behind a byte already in the buffer and goes before the keyboard's", () => {
    const b = bench();
    b.command(0x60, 0x00); // no interrupts, no translation
    b.send(0xee); // keyboard echo: EE in the buffer
    b.kbc.tapKey(0x1c); // 1C F0 1C wait in the keyboard
    b.command(0xaa);
    expect(b.drain()).toEqual([0xee, 0x55, 0x1c, 0xf0, 0x1c]);
  });

  it("unknown and unimplemented commands do nothing and never throw", () => {
    const b = bench();
    for (const c of [0x00, 0x1f, 0x80, 0x9f, 0xa6, 0xac, 0xc1, 0xc2, 0xd5, 0xde, 0xe1, 0xef]) b.command(c);
    expect(b.drain()).toEqual([]);
    expect(b.kit.resetRequests).toEqual([]);
    expect(b.kit.bus.memory.a20Enabled).toBe(true);
  });
});

describe("output port: A20 and CPU reset", () => {
  it("0xD0 reads 0xCF at power-on; 0xD1 0xDD closes A20 (1 MiB wraps to 0), 0xD1 0xDF opens it", () => {
    const b = bench({}, { port92: false });
    b.kit.write(0x000000, 0x11);
    b.kit.write(0x100000, 0x22);
    b.command(0xd0);
    expect(b.drain()).toEqual([0xcf]);
    b.command(0xd1, 0xdd);
    expect(b.kit.bus.memory.a20Enabled).toBe(false);
    expect(b.kit.read(0x100000)).toBe(0x11);
    b.command(0xd0);
    expect(b.drain()).toEqual([0xcd]); // bits 4-5 are the IRQ outputs, not what was written

    b.command(0xd1, 0xdf);
    expect(b.kit.read(0x100000)).toBe(0x22);
    // The vendor shortcuts 0xDD / 0xDF do the same.
    b.command(0xdd);
    expect(b.kit.bus.memory.a20Enabled).toBe(false);
    b.command(0xdf);
    expect(b.kit.bus.memory.a20Enabled).toBe(true);
    expect(b.kit.resetRequests).toEqual([]);
  });

  it("0xD0 shows the IRQ outputs in bits 4 and 5", () => {
    const b = bench();
    b.command(0x60, R.CB_KBD_INT | R.CB_AUX_INT);
    b.command(0xd3, 0x00);
    expect(b.kbc.outputPortValue & (R.OP_KBD_IRQ | R.OP_AUX_IRQ)).toBe(R.OP_AUX_IRQ);
    b.drain();
    b.command(0xd2, 0x00);
    expect(b.kbc.outputPortValue & (R.OP_KBD_IRQ | R.OP_AUX_IRQ)).toBe(R.OP_KBD_IRQ);
  });

  it("0xFE pulses the reset line: one reset request naming the command; 0xFF pulses nothing", () => {
    const b = bench();
    b.command(0xff);
    expect(b.kit.resetRequests).toEqual([]);
    b.command(0xfe);
    expect(b.kit.resetRequests).toEqual(["i8042: command 0xFE pulsed the CPU reset line"]);
    b.command(0xf0); // every line pulsed, reset among them
    b.command(0xfd); // bit 1 (A20) only
    expect(b.kit.resetRequests.length).toBe(2);
  });

  it("0xD1 with bit 0 clear resets the CPU, and the bit reads 1 again after", () => {
    const b = bench();
    b.command(0xd1, 0xde);
    expect(b.kit.resetRequests).toEqual(["i8042: output port written with the reset bit clear (0xDE)"]);
    b.command(0xd0);
    expect(b.drain()).toEqual([0xcf]);
  });
});

describe("save and restore", () => {
  it("a restored controller continues exactly where the saved one was", () => {
    const a = bench({ mouse: true });
    a.command(0x60, R.CB_KBD_INT | R.CB_AUX_INT | R.CB_XLATE);
    a.kbc.pressKey(0x1c);
    a.kbc.releaseKey(0x1c);
    a.command(0xd1, 0xdd);
    a.command(0xd4, 0xf2);
    a.kit.out8(0x64, 0x60); // a command waiting for its data byte
    const saved = JSON.parse(JSON.stringify(a.kbc.saveState()));
    const b = bench({ mouse: true });
    b.kbc.loadState(saved);
    expect(b.kit.bus.memory.a20Enabled).toBe(false);
    for (const x of [a, b]) x.kit.out8(0x60, R.CB_KBD_INT | R.CB_AUX_INT);
    expect(b.drain()).toEqual(a.drain());
    expect(b.kbc.saveState()).toEqual(a.kbc.saveState());
  });

  it("rejects a state it did not write, naming the field", () => {
    const b = bench();
    const good = b.kbc.saveState() as Record<string, unknown>;
    expect(() => b.kbc.loadState({ ...good, outputPort: 300 } as never)).toThrow(/^i8042 state: field 'outputPort': expected a whole number from 0 to 255, got 300$/);
    // The keyboard's state is a nested schema of the controller's, so its fields are named by path.
    expect(() => b.kbc.loadState({ ...good, keyboard: { ...(good["keyboard"] as object), set: 3 } } as never)).toThrow(
      /^i8042 state: field 'keyboard\.set': expected a whole number from 1 to 2, got 3$/,
    );
    expect(() => b.kbc.loadState({ ...good, keyboard: { ...(good["keyboard"] as object), awaiting: 0xf4 } } as never)).toThrow(
      /^i8042 state: field 'keyboard\.awaiting': expected 0 or a command that takes an option, got 244$/,
    );
    expect(() => b.kbc.loadState({ ...good, ram: [1, 2] } as never)).toThrow(/^i8042 state: field 'ram': expected an array of 32 numbers, got \[1,2\]$/);
    expect(() => b.kbc.loadState({ ...good, extra: 1 } as never)).toThrow("i8042 state: unknown field 'extra'");
    expect(() => b.kbc.loadState(null)).toThrow(ConfigError);
    expect(b.kbc.saveState()).toEqual(good);
  });

  it("checks the mouse's state when it has a mouse", () => {
    const b = bench({ mouse: true });
    const good = b.kbc.saveState() as Record<string, unknown>;
    expect(() => b.kbc.loadState({ ...good, mouse: null } as never)).toThrow(
      "i8042 state: field 'mouse': expected the state of the mouse this controller has, got null",
    );
    expect(() => b.kbc.loadState({ ...good, mouse: { ...(good["mouse"] as object), awaiting: 0xf4 } } as never)).toThrow(
      "i8042 state: field 'mouse.awaiting': expected 0, 0xE8 or 0xF3, got 244",
    );
  });

  it("saves and restores however many bytes wait, even when the guest reads none", () => {
    const a = bench({ mouse: true });
    a.command(0xa7); // auxiliary port disabled: mouse bytes stay in the mouse
    a.command(0xd4, 0xf4); // mouse reporting on
    for (let i = 0; i < 100; i++) a.command(0x20); // replies nobody reads
    for (let i = 0; i < 100; i++) a.kbc.mouse!.move(1, 1);
    const saved = JSON.parse(JSON.stringify(a.kbc.saveState()));
    expect(saved.replies.length).toBeGreaterThan(64);
    expect(saved.mouse.queue.length).toBeGreaterThan(64);
    const b = bench({ mouse: true });
    b.kbc.loadState(saved);
    expect(b.kbc.saveState()).toEqual(saved);
  });

  it("is constructible from the plugin with the machine's tokens only", () => {
    expect(i8042Plugin.device).toBe(I8042);
    expect(i8042Plugin.name).toBe("i8042");
  });
});
