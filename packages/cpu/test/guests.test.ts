import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { Cpu } from "../src/index.js";

/**
 * The project's own guest kernels (test/guests), booted on the bare CPU: only the SDK's bus
 * and clock, the debug console (0xE9) and exit port (0xF4) as two port handlers, and the
 * Multiboot a.out-kludge load done here. Their output must equal what QEMU recorded.
 * Guests that need the 8259A and the PIT's IRQ 0 (nullkernel-preempt, demo) are booted by
 * the cross-package tests instead, since this package may not import devices.
 */

const GUESTS = join(dirname(fileURLToPath(import.meta.url)), "../../../test/guests");
const RAM = 32 << 20;
const MB_INFO = 0x9000;

/** Reads the little-endian dword at `k` of `b`. */
function dword(b: Uint8Array, k: number): number {
  return (b[k]! | (b[k + 1]! << 8) | (b[k + 2]! << 16) | (b[k + 3]! << 24)) >>> 0;
}

/**
 * 8254 channel 0 as far as the polled guest uses it: mode 2 with a 16-bit divisor written
 * LSB then MSB, and the Counter Latch Command read back LSB then MSB (8254 datasheet). The
 * count follows the TSC: 1.193182 MHz derived from the virtual clock, as the real device.
 */
class PitChannel0 {
  private divisor = 0x10000;
  private start = 0;
  private writeLow = true;
  private latched: number[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly clock: VirtualClock,
  ) {}

  private count(): number {
    const pitTicks = Math.floor(((this.cpu.readTsc() - this.start) * 1193182) / this.clock.tscHz);
    return this.divisor - (pitTicks % this.divisor);
  }

  command(v: number): void {
    if ((v & 0xc0) !== 0) return;
    if ((v & 0x30) === 0) {
      const c = this.count() & 0xffff;
      this.latched = [c & 0xff, c >> 8];
    } else {
      this.writeLow = true;
    }
  }

  writeData(v: number): void {
    if (this.writeLow) {
      this.divisor = v;
      this.writeLow = false;
    } else {
      this.divisor = (this.divisor & 0xff) | (v << 8) || 0x10000;
      this.start = this.cpu.readTsc();
      this.writeLow = true;
    }
  }

  readData(): number {
    return this.latched.shift() ?? this.count() & 0xff;
  }
}

interface GuestRun {
  out: string;
  status: number | null;
}

function boot(name: string, maxInstructions: number, pit = false): GuestRun {
  const image = new Uint8Array(readFileSync(join(GUESTS, name, `${name}.bin`)));
  // Multiboot 0.6.96 §3.1: flags bit 16 = the header gives the addresses; the file's first
  // byte goes to load_addr (header_addr = load_addr in these images).
  expect(dword(image, 0)).toBe(0x1badb002);
  expect(dword(image, 4) & 0x10000).not.toBe(0);
  const loadAddr = dword(image, 16);
  const loadEnd = dword(image, 20);
  const bssEnd = dword(image, 24);
  const entry = dword(image, 28);
  expect(dword(image, 12)).toBe(loadAddr);

  const bus = new Bus({ ramSize: RAM });
  bus.memory.mapRam("ram", 0, RAM);
  const clock = new VirtualClock();
  const cpu = new Cpu(bus, clock);
  bus.memory.ram8.set(image.subarray(0, loadEnd - loadAddr), loadAddr);
  bus.memory.ram8.fill(0, loadEnd, bssEnd);
  bus.memory.ram8.fill(0, MB_INFO, MB_INFO + 0x100);

  let out = "";
  let status: number | null = null;
  bus.ports.claim({ owner: "debugcon", base: 0xe9, count: 1, handlers: { write8: (_o, v) => (out += String.fromCharCode(v)) } });
  bus.ports.claim({
    owner: "exit",
    base: 0xf4,
    count: 1,
    handlers: {
      write8: (_o, v) => {
        status = v;
        cpu.requestStop();
      },
      write32: (_o, v) => {
        status = v;
        cpu.requestStop();
      },
    },
  });
  if (pit) {
    const ch0 = new PitChannel0(cpu, clock);
    bus.ports.claim({ owner: "pit", base: 0x40, count: 1, handlers: { read8: () => ch0.readData(), write8: (_o, v) => ch0.writeData(v) } });
    bus.ports.claim({ owner: "pit-cmd", base: 0x43, count: 1, handlers: { write8: (_o, v) => ch0.command(v) } });
  }

  cpu.setFlat32(entry);
  cpu.setReg32(0, 0x2badb002);
  cpu.setReg32(3, MB_INFO);
  let left = maxInstructions;
  while (status === null && left > 0) {
    const before = clock.instructions;
    const stop = cpu.run(Math.min(left, 1_000_000));
    left -= clock.instructions - before;
    if (stop.kind === "shutdown") throw new Error(`${name}: ${stop.why}\n${out}`);
    if (stop.kind === "exception") throw new Error(`${name}: exit on vector ${stop.vector}\n${out}`);
    if (stop.kind === "halt") throw new Error(`${name}: halted with no interrupt source\n${out}`);
  }
  return { out, status };
}

function expected(name: string): string {
  return readFileSync(join(GUESTS, name, "expected.txt"), "latin1");
}

describe("guest kernels on the bare CPU match QEMU", () => {
  it("sensitive: the 17 sensitive instructions at CPL 0 and CPL 3", () => {
    const r = boot("sensitive", 5_000_000);
    expect(r.out).toBe(expected("sensitive"));
    expect(r.status).toBe(0);
  });

  it("nullkernel-polled: IRET to ring 3, INT 0x80 through the TSS stack, I/O at CPL 0", () => {
    const r = boot("nullkernel-polled", 50_000_000, true);
    expect(r.out).toBe(expected("nullkernel-polled"));
    expect(r.status).toBe(0);
  });
});
