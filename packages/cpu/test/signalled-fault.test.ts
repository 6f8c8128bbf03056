import { describe, expect, it } from "vitest";
import { catchEvents, firstEvent, pm, RING3_CODE, toRing3 } from "./pm-harness.js";

/**
 * Faults a handler signals (Cpu.signalFault) instead of throwing — the privilege, IOPL and
 * I/O-bitmap checks a deprivileging monitor meets on every exit — must be indistinguishable
 * from thrown ones: EIP at the faulting instruction, nothing changed, not retired, and the
 * same through the hot loop, single steps (executeOne) and the trap flag.
 */

// ring 3: mov eax,0x1234; <insn>; nop
const ring3 = (insn: number[]) => [0xb8, 0x34, 0x12, 0, 0, ...insn, 0x90];
const AT = RING3_CODE + 5;

const cases: [string, number[]][] = [
  ["HLT", [0xf4]],
  ["MOV CR0,EAX", [0x0f, 0x22, 0xc0]],
  ["RDMSR", [0x0f, 0x32]],
  ["CLI with IOPL 0", [0xfa]],
  ["STI with IOPL 0", [0xfb]],
  ["IN AL,0x60 outside the I/O bitmap", [0xe4, 0x60]],
  ["OUT DX,AL outside the I/O bitmap", [0xee]],
];

describe("signalled faults", () => {
  for (const [what, insn] of cases) {
    it(`${what} at CPL 3 is #GP(0) at its own EIP, not retired, registers unchanged`, () => {
      const m = pm([], ring3(insn));
      toRing3(m);
      const before = m.cpu.clock.instructions;
      const ev = firstEvent(m);
      expect(ev).toMatchObject({ vector: 13, errorCode: 0, kind: "fault", eip: AT });
      expect(m.cpu.eip).toBe(AT);
      expect(m.cpu.getReg32(0)).toBe(0x1234);
      expect(m.cpu.clock.instructions - before).toBe(1); // the MOV only
      // The next run starts at the same instruction and faults again (nothing left pending).
      expect(firstEvent(m)).toMatchObject({ vector: 13, eip: AT });
    });

    it(`${what} through executeOne: the fault is delivered and the step reports it`, () => {
      const m = pm([], ring3(insn));
      toRing3(m);
      const events = catchEvents(m);
      expect(m.cpu.executeOne().kind).toBe("budget"); // the MOV
      const before = m.cpu.clock.instructions;
      expect(m.cpu.executeOne().kind).toBe("exception");
      expect(m.cpu.lastStepFaulted).toBe(true);
      expect(m.cpu.lastStepFaultVector).toBe(13);
      expect(events.at(-1)).toMatchObject({ vector: 13, errorCode: 0, eip: AT });
      expect(m.cpu.clock.instructions).toBe(before);
      expect(m.cpu.eip).toBe(AT);
    });
  }

  it("with TF set, a signalled fault is delivered and no single-step trap follows", () => {
    const m = pm([], ring3([0xf4]));
    toRing3(m, RING3_CODE, 0x302); // IF | TF
    const events = catchEvents(m, true);
    expect(m.cpu.run(10).kind).toBe("exception"); // each claimed event ends the run
    expect(m.cpu.run(10).kind).toBe("exception");
    // #DB after the MOV (DR6.BS), then #GP at the HLT; never a #DB for the HLT itself.
    expect(events.map((e) => [e.vector, e.eip])).toEqual([
      [1, AT],
      [13, AT],
    ]);
  });
});
