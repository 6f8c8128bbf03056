import "reflect-metadata";
import { CollectingConsole, type Machine, builtinRegistry, createMachine } from "@ringlab/machine";
import { Finding } from "../finding.js";

/**
 * Fuzz target: arbitrary port sequences against the default PC's devices, with no CPU in
 * the way — what a guest's IN/OUT can do to the PIC pair, PIT, port 0x61, RTC/CMOS, i8042
 * and its PS/2 devices, port 0x92, VGA, the 16550A, PCI configuration space, fw_cfg, the
 * FPU error latch and the debug ports — interleaved with virtual time passing (device
 * timers fire) and interrupt acknowledges. Oracle: no device throws (a built-in device's
 * exception is a ringlab bug), whatever the order and values.
 *
 * Each operation is 4 bytes: kind, port selector (2 bytes), value.
 */
const PORT_RANGES: readonly [number, number][] = [
  [0x20, 2], [0xa0, 2], [0x40, 4], [0x61, 1], [0x70, 2], [0x60, 1], [0x64, 1], [0x92, 1],
  [0x3b0, 0x30], [0x3f8, 8], [0x2f8, 8], [0xcf8, 8], [0x510, 2], [0xf0, 1], [0xe9, 1], [0x80, 1], [0x402, 1],
];

let machine: Machine | undefined;

export function fuzz(data: Uint8Array): void {
  // One machine for the process, power-on state for every input: building one per input
  // would cost more than the input's operations.
  machine ??= createMachine({}, builtinRegistry(), { console: new CollectingConsole() });
  const m = machine;
  m.reset();
  const ports = m.bus.ports;
  try {
    for (let i = 0; i + 3 < data.length; i += 4) {
      const kind = data[i]! & 7;
      const sel = data[i + 1]! | (data[i + 2]! << 8);
      const value = data[i + 3]!;
      // Mostly a port some device owns; sometimes any port at all.
      const range = PORT_RANGES[sel % PORT_RANGES.length]!;
      const port = (sel & 0x8000) !== 0 ? sel & 0xffff : range[0] + ((sel >>> 5) % range[1]);
      switch (kind) {
        case 0:
        case 1:
          ports.write(port, 1, value);
          break;
        case 2:
          ports.read(port, 1);
          break;
        case 3:
          ports.write(port, 2, value | (value << 8));
          break;
        case 4:
          ports.read(port, (value & 1) === 0 ? 2 : 4);
          break;
        case 5: {
          // Virtual time passes: up to 255 * 4096 TSC ticks, firing every timer due.
          const end = m.clock.ticks + value * 4096;
          for (let next = m.clock.nextDeadline(); next <= end; next = m.clock.nextDeadline()) {
            m.clock.skipTo(next);
            m.clock.runDueTimers();
          }
          m.clock.skipTo(end);
          break;
        }
        case 6:
          if (m.bus.interrupts.hasPendingInterrupt()) m.bus.interrupts.acknowledge();
          break;
        default:
          ports.write(port, 4, (value * 0x01010101) >>> 0);
      }
    }
  } catch (e) {
    throw new Finding("device exception", (e as Error).stack ?? String(e));
  }
}
