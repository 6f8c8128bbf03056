import "reflect-metadata";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { I8042, type I8042Options, Port92, i8042Plugin, port92Plugin } from "../src/index.js";

export interface Bench {
  kit: DeviceTestKit;
  kbc: I8042;
  port92: Port92;
  /** Writes a controller command to port 0x64, then its data bytes to port 0x60. */
  command(c: number, ...data: number[]): void;
  /** Writes bytes to port 0x60 (to the keyboard, when no command waits for them). */
  send(...bytes: number[]): void;
  /** Reads port 0x60 while the status register says a byte waits: every byte available, in order. */
  drain(): number[];
  status(): number;
  /** IRQ line `line`'s rising edges so far. */
  rises(line: number): number;
}

/** A kit with 2 MiB of RAM (so 1 MiB has memory to alias), an i8042 and port 0x92. */
export function bench(options: Partial<I8042Options> = {}, { port92 = true } = {}): Bench {
  const kit = new DeviceTestKit({ ramSize: 2 << 20 });
  const kbc = kit.install(new I8042("i8042", kit.options(i8042Plugin, options), kit.a20, kit.runControl));
  const p92 = port92 ? kit.install(new Port92("port92", kit.options(port92Plugin), kit.a20, kit.runControl)) : (undefined as unknown as Port92);
  const b: Bench = {
    kit,
    kbc,
    port92: p92,
    command(c, ...data) {
      kit.out8(0x64, c);
      for (const d of data) kit.out8(0x60, d);
    },
    send(...bytes) {
      for (const d of bytes) kit.out8(0x60, d);
    },
    drain() {
      const out: number[] = [];
      while (kit.in8(0x64) & 1) {
        out.push(kit.in8(0x60));
        if (out.length > 100) throw new Error("the output buffer never empties");
      }
      return out;
    },
    status: () => kit.in8(0x64),
    rises: (line) => kit.irqEvents.filter((e) => e.line === line && e.high).length,
  };
  return b;
}

export { prng } from "@ringlab/sdk/testing";
