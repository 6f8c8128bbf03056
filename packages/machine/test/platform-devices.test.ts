import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { type Machine, builtinRegistry, createMachine, mapRomImage } from "../src/index.js";

const POLICIES = ["pure", "scan-patch", "pvi"] as const;
const CODE = 0x7000;

/** Flat 32-bit code: stores what 1 MiB reads at 0x500.., toggling A20 through 0xD1 and port 0x92, then `last`. */
function a20Program(last: number[]): number[] {
  const loadStore = (slot: number) => [0xa0, 0x00, 0x00, 0x10, 0x00, 0xa2, slot, 0x05, 0x00, 0x00]; // mov al,[0x100000] ; mov [0x5xx],al
  const kbc = (v: number) => [0xb0, 0xd1, 0xe6, 0x64, 0xb0, v, 0xe6, 0x60]; // out 0x64,0xD1 ; out 0x60,v
  return [
    ...[0xc6, 0x05, 0x00, 0x00, 0x00, 0x00, 0x11], // mov byte [0x000000], 0x11
    ...[0xc6, 0x05, 0x00, 0x00, 0x10, 0x00, 0x22], // mov byte [0x100000], 0x22
    ...kbc(0xdd), // A20 off through the keyboard controller's output port
    ...loadStore(0x00),
    ...[0xe4, 0x92, 0x0c, 0x02, 0xe6, 0x92], // in al,0x92 ; or al,2 ; out 0x92,al: fast A20 on
    ...loadStore(0x01),
    ...[0xe4, 0x92, 0x24, 0xfd, 0xe6, 0x92], // and al,0xFD: fast A20 off again
    ...loadStore(0x02),
    ...kbc(0xdf), // A20 on through the controller
    ...loadStore(0x03),
    ...last,
    0xf4, // hlt: never reached
  ];
}

function machineWith(policy: (typeof POLICIES)[number], code: number[]): Machine {
  const m = createMachine(
    { memory: { size: "4M" }, devices: ["i8042", "port92", "exit-port"], monitor: { policy }, maxInstructions: 1_000_000 },
    builtinRegistry(),
  );
  m.bus.memory.writeBytes(CODE, Uint8Array.from(code));
  m.cpu.setFlat32(CODE);
  return m;
}

describe("A20 and reset through the i8042 and port 0x92, in a machine", () => {
  for (const policy of POLICIES) {
    it(`${policy}: 1 MiB wraps to 0 exactly while both A20 inputs are off; 0xFE with no BIOS ends the run as a reset`, () => {
      const m = machineWith(policy, a20Program([0xb0, 0xfe, 0xe6, 0x64])); // out 0x64, 0xFE
      const outcome = m.run();
      expect(outcome).toEqual({ kind: "reset", reason: "i8042: command 0xFE pulsed the CPU reset line" });
      expect(Array.from(m.bus.memory.ram8.subarray(0x500, 0x504))).toEqual([0x11, 0x22, 0x11, 0x22]);
      expect([m.bus.memory.ram8[0], m.bus.memory.ram8[0x100000]]).toEqual([0x11, 0x22]);
      expect(m.bus.memory.a20Enabled).toBe(true);
    });
  }

  it("port 0x92's fast reset ends the run the same way", () => {
    const m = machineWith("pure", a20Program([0xb0, 0x01, 0xe6, 0x92])); // out 0x92, 1
    expect(m.run()).toEqual({ kind: "reset", reason: "port92: fast reset (0x01 written to port 0x92)" });
  });

  for (const policy of POLICIES) {
    it(`${policy}: with a BIOS ROM at the reset vector the CPU restarts there, RAM and time kept`, () => {
      const m = machineWith(policy, [0xc6, 0x05, 0x00, 0x06, 0x00, 0x00, 0x5a, 0xb0, 0xfe, 0xe6, 0x64, 0xf4]);
      const rom = new Uint8Array(0x10000).fill(0xf4);
      rom.set([0xb0, 0x07, 0xe6, 0xf4], 0xfff0); // F000:FFF0: mov al,7 ; out 0xF4,al
      mapRomImage(m.bus, "bios.bin", rom, 0xf0000);
      const outcome = m.run();
      expect(outcome).toMatchObject({ kind: "exit", status: 7 });
      expect(m.bus.memory.ram8[0x600]).toBe(0x5a);
      // 3 instructions before the reset, 2 after it: virtual time was not set back.
      expect(m.clock.instructions).toBe(5);
      expect(m.cpu.segSel[1]).toBe(0xf000);
    });
  }
});
