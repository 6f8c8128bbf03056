import { describe, expect, it } from "vitest";
import { RING3_CODE, firstEvent, pm, toRing3 } from "./pm-harness.js";

/**
 * #AC (SDM vol.3 §6.15, interrupt 17; table 6-7): with CR0.AM and EFLAGS.AC set, an unaligned
 * data access at CPL 3 faults with error code 0; at CPL 0-2, or with either bit clear, it
 * does not.
 */
const AM = 0x40000;
const AC = 0x40000;

/** ring 3: mov eax,[ebx]; mov ecx,[esi]; hlt — EBX unaligned, ESI aligned. */
const LOADS = [0x8b, 0x03, 0x8b, 0x0e, 0xf4];

function setup(cr0Am: boolean, eflagsAc: boolean, ring3 = true) {
  const m = pm([], LOADS);
  if (cr0Am) m.cpu.writeCr0(m.cpu.cr0 | AM);
  if (ring3) toRing3(m, RING3_CODE, 0x202 | (eflagsAc ? AC : 0));
  else {
    m.cpu.eip = RING3_CODE;
    m.cpu.setEflags(0x202 | (eflagsAc ? AC : 0));
  }
  m.cpu.setReg32(3, 0x3001);
  m.cpu.setReg32(6, 0x3004);
  return m;
}

describe("alignment check (#AC)", () => {
  it("faults an unaligned dword load at CPL 3 with AM and AC set, error code 0, EIP at the load", () => {
    const m = setup(true, true);
    const e = firstEvent(m);
    expect(e).toMatchObject({ vector: 17, errorCode: 0, kind: "fault", eip: RING3_CODE });
  });

  it("checks the alignment of the size accessed: an aligned dword passes", () => {
    const m = setup(true, true);
    m.cpu.setReg32(3, 0x3000);
    expect(m.cpu.run(2)).toEqual({ kind: "budget" });
    expect(m.cpu.eip).toBe(RING3_CODE + 4);
  });

  it("does not fault with AM clear, AC clear, or at CPL 0", () => {
    for (const [am, ac, r3] of [
      [false, true, true],
      [true, false, true],
      [true, true, false],
    ] as const) {
      const m = setup(am, ac, r3);
      const stop = m.cpu.run(2);
      expect(stop, `AM=${am} AC=${ac} ring3=${r3}`).toEqual({ kind: "budget" });
      expect(m.cpu.eip).toBe(RING3_CODE + 4);
    }
  });
});
