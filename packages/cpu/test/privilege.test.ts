import { describe, expect, it } from "vitest";
import { runToHalt, wr32 } from "./harness.js";
import {
  dwords,
  firstEvent,
  gate,
  GATE_TARGET,
  HANDLER,
  pm,
  RING0_STACK,
  RING3_CODE,
  RING3_STACK,
  SEL,
  seg,
  toRing3,
  TSS,
  writeDescriptor,
  GDT,
} from "./pm-harness.js";

/**
 * Privilege-level transfers (SDM vol.3 §5.8-5.9, §6.12; vol.2 "INT n", "IRET", "CALL",
 * "RET"): the inner-stack switch through the TSS, the frames pushed, the checks and their
 * exact error codes, and the data-segment nulling on returns to an outer level.
 */

const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
const IF = 0x200;

describe("IRET to an outer privilege level", () => {
  it("pops SS:ESP, sets CPL 3, lets CPL 0 set IOPL, nulls data segments of DPL 0", () => {
    // mov ax,0x23; mov es,ax; mov ax,0x48; mov fs,ax
    // push 0x23; push 0x6000; push 0x3202; push 0x1b; push 0x2000; iretd
    const code = [
      0x66, 0xb8, 0x23, 0x00, 0x8e, 0xc0, 0x66, 0xb8, 0x48, 0x00, 0x8e, 0xe0, 0x6a, 0x23, 0x68, 0x00, 0x60, 0x00, 0x00,
      0x68, 0x02, 0x32, 0x00, 0x00, 0x6a, 0x1b, 0x68, 0x00, 0x20, 0x00, 0x00, 0xcf,
    ];
    const m = pm(code, [0xa1, 0x00, 0x01, 0x00, 0x00]); // ring 3: mov eax,[0x100]
    expect(m.cpu.run(10).kind).toBe("budget");
    const c = m.cpu;
    expect(c.cpl).toBe(3);
    expect(c.segSel[CS]).toBe(0x1b);
    expect(c.eip).toBe(RING3_CODE);
    expect(c.segSel[SS]).toBe(0x23);
    expect(c.getReg32(4)).toBe(RING3_STACK);
    expect(c.getEflags()).toBe(0x3202);
    // DS and GS held the DPL-0 data segment: nulled. ES (DPL 3) and FS (conforming code) stay.
    expect([c.segSel[ES], c.segSel[DS], c.segSel[FS], c.segSel[GS]]).toEqual([0x23, 0, 0x48, 0]);
    // The nulled DS is unusable at ring 3: #GP(0) on the first access.
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: RING3_CODE });
  });

  const frameCases: [string, number[], number, number][] = [
    ["SS with RPL other than the return CS's RPL", [RING3_CODE, 0x1b, 0x202, RING3_STACK, 0x20], 13, 0x20],
    ["SS not present", [RING3_CODE, 0x1b, 0x202, RING3_STACK, SEL.notPresent3], 12, 0x70],
    ["SS that is a code segment", [RING3_CODE, 0x1b, 0x202, RING3_STACK, 0x1b], 13, 0x18],
    ["null SS", [RING3_CODE, 0x1b, 0x202, RING3_STACK, 3], 13, 0],
    ["CS whose DPL differs from its RPL", [RING3_CODE, 0x0b, 0x202, RING3_STACK, 0x23], 13, 0x08],
    ["null CS", [RING3_CODE, 0, 0x202, RING3_STACK, 0x23], 13, 0],
    ["CS that is data", [RING3_CODE, 0x23, 0x202, RING3_STACK, 0x23], 13, 0x20],
    ["CS outside the GDT", [RING3_CODE, 0x3fb, 0x202, RING3_STACK, 0x23], 13, 0x3f8],
  ];
  for (const [what, frame, vector, errorCode] of frameCases) {
    it(`faults on ${what}: ${vector === 12 ? "#SS" : "#GP"}(${errorCode.toString(16)}), nothing changed`, () => {
      const m = pm([0xcf]);
      m.cpu.setReg32(4, 0x8800);
      frame.forEach((v, k) => wr32(m, 0x8800 + 4 * k, v));
      expect(firstEvent(m)).toMatchObject({ vector, errorCode, eip: 0x1000 });
      expect(m.cpu.cpl).toBe(0);
      expect(m.cpu.getReg32(4)).toBe(0x8800);
      expect(m.cpu.segSel[SS]).toBe(0x10);
    });
  }

  it("IRET at CPL 3 to CPL 0 is #GP(selector)", () => {
    const m = pm([], [0xcf]);
    toRing3(m);
    [0x1000, 0x08, 0x202].forEach((v, k) => wr32(m, RING3_STACK + 4 * k, v));
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0x08, eip: RING3_CODE });
  });

  it("IRET at CPL 3 (IOPL 0) changes the status flags but silently keeps IF and IOPL", () => {
    const m = pm([], [0xcf, 0x90]);
    toRing3(m, RING3_CODE, 0x202);
    [RING3_CODE + 1, 0x1b, 0x3001].forEach((v, k) => wr32(m, RING3_STACK + 4 * k, v)); // IF=0 IOPL=3 CF=1
    m.cpu.run(1);
    expect(m.cpu.getEflags()).toBe(0x203);
    expect(m.cpu.eip).toBe(RING3_CODE + 1);
    expect(m.cpu.getReg32(4)).toBe(RING3_STACK + 12);
  });
});

describe("interrupts and exceptions from ring 3", () => {
  it("INT 0x80 through a DPL-3 interrupt gate switches to SS0:ESP0 and pushes SS, ESP, EFLAGS, CS, EIP", () => {
    const m = pm([], [0xcd, 0x80]);
    gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
    toRing3(m, RING3_CODE, 0x202 | 0x4000); // NT is cleared by delivery
    runToHalt(m.cpu);
    const c = m.cpu;
    expect(c.cpl).toBe(0);
    expect(c.segSel[CS]).toBe(0x08);
    expect(c.segSel[SS]).toBe(0x10);
    expect(c.getReg32(4)).toBe(RING0_STACK - 20);
    expect(dwords(m, RING0_STACK - 20, 5)).toEqual([RING3_CODE + 2, 0x1b, 0x4202, RING3_STACK, 0x23]);
    expect(c.getEflags() & (IF | 0x4000)).toBe(0); // interrupt gate: IF and NT clear
    expect(c.segSel[DS]).toBe(0x23); // delivery to ring 0 keeps the data segments
  });

  it("a trap gate keeps IF; IRETD returns to ring 3 and the old stack", () => {
    const m = pm([], [0xcd, 0x80, 0x90], [0xcf]);
    gate(m, 0x80, SEL.code0, HANDLER, 0xf, 3);
    toRing3(m);
    m.cpu.run(1);
    expect(m.cpu.getEflags() & IF).toBe(IF);
    m.cpu.run(1);
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.eip).toBe(RING3_CODE + 2);
    expect(m.cpu.getReg32(4)).toBe(RING3_STACK);
    expect(m.cpu.segSel[SS]).toBe(0x23);
    expect(m.cpu.segSel[CS]).toBe(0x1b);
  });

  it("a 16-bit interrupt gate pushes a 16-bit frame on the inner stack", () => {
    const m = pm([], [0xcd, 0x80]);
    gate(m, 0x80, SEL.code0, HANDLER, 0x6, 3);
    toRing3(m);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(RING0_STACK - 10);
    const w = (k: number) => m.ram[RING0_STACK - 10 + 2 * k]! | (m.ram[RING0_STACK - 9 + 2 * k]! << 8);
    expect([0, 1, 2, 3, 4].map(w)).toEqual([RING3_CODE + 2, 0x1b, 0x202, RING3_STACK & 0xffff, 0x23]);
  });

  it("a fault at CPL 3 pushes its error code after the ring-3 frame", () => {
    const m = pm([], [0xfa]); // cli with IOPL 0
    gate(m, 13, SEL.code0, HANDLER);
    toRing3(m);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(RING0_STACK - 24);
    expect(dwords(m, RING0_STACK - 24, 6)).toEqual([0, RING3_CODE, 0x1b, 0x202, RING3_STACK, 0x23]);
  });

  it("INT n, INT3 and INTO through a gate with DPL < CPL are #GP(vector*8+2)", () => {
    for (const [code, vector] of [[[0xcd, 0x80], 0x80], [[0xcc], 3], [[0xce], 4]] as const) {
      const m = pm([], [...code]);
      gate(m, vector, SEL.code0, HANDLER, 0xe, 0);
      toRing3(m, RING3_CODE, 0xa02); // OF=1 for INTO
      expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: vector * 8 + 2, eip: RING3_CODE });
    }
  });

  it("a gate to a DPL-3 handler from CPL 3 needs no stack switch", () => {
    const m = pm([], [0xcd, 0x80, 0x90]);
    gate(m, 0x80, SEL.code3, RING3_CODE + 2, 0xe, 3);
    toRing3(m);
    m.cpu.run(1);
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.segSel[SS]).toBe(0x23);
    expect(dwords(m, RING3_STACK - 12, 3)).toEqual([RING3_CODE + 2, 0x1b, 0x202]);
  });

  const stackCases: [string, (m: ReturnType<typeof pm>) => void, number, number][] = [
    ["a null SS0", (m) => wr32(m, TSS + 8, 0), 10, 0],
    ["an SS0 with RPL 3", (m) => wr32(m, TSS + 8, SEL.data3), 10, 0x20],
    ["an SS0 that is code", (m) => wr32(m, TSS + 8, SEL.code0), 10, 0x08],
    ["a read-only SS0", (m) => wr32(m, TSS + 8, SEL.readOnly), 10, 0x60],
    ["an SS0 of DPL 1", (m) => wr32(m, TSS + 8, 0x38), 10, 0x38],
    ["an SS0 outside the GDT", (m) => wr32(m, TSS + 8, 0x3f8), 10, 0x3f8],
    ["an SS0 not present", (m) => wr32(m, TSS + 8, SEL.notPresent), 12, 0x58],
    ["a TSS too short for SS0:ESP0", (m) => (m.cpu.segLimit[7] = 7), 10, 0x28],
    [
      "an ESP0 with no room for the frame",
      (m) => {
        writeDescriptor(m, GDT, 0x58, seg(0, 0xfff, 0x93, 0x4));
        wr32(m, TSS + 4, 0x1010);
        wr32(m, TSS + 8, 0x58);
      },
      12,
      0x58,
    ],
  ];
  for (const [what, setup, vector, errorCode] of stackCases) {
    it(`INT n with ${what}: ${vector === 10 ? "#TS" : "#SS"}(${errorCode.toString(16)}), ring 3 state kept`, () => {
      const m = pm([], [0xcd, 0x80]);
      gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
      toRing3(m);
      setup(m);
      expect(firstEvent(m)).toMatchObject({ vector, errorCode, eip: RING3_CODE });
      expect(m.cpu.cpl).toBe(3);
      expect(m.cpu.segSel[SS]).toBe(0x23);
      expect(m.cpu.getReg32(4)).toBe(RING3_STACK);
    });
  }

  it("an exception's stack-switch fault carries EXT=1: #UD with a null SS0 gives #TS(1)", () => {
    const m = pm([], [0x0f, 0x0b]);
    gate(m, 6, SEL.code0, HANDLER);
    toRing3(m);
    wr32(m, TSS + 8, 0);
    const events: { vector: number; errorCode?: number }[] = [];
    m.cpu.exitHook = (e) => {
      events.push(e);
      return e.vector !== 6;
    };
    m.cpu.run(10);
    expect(events.map((e) => [e.vector, e.errorCode])).toEqual([[6, undefined], [10, 1]]);
  });

  it("a #GP whose delivery raises #TS becomes a double fault", () => {
    const m = pm([], [0xfa]);
    gate(m, 13, SEL.code0, HANDLER);
    toRing3(m);
    wr32(m, TSS + 8, 0);
    const events: number[] = [];
    m.cpu.exitHook = (e) => {
      events.push(e.vector);
      return e.vector === 8;
    };
    m.cpu.run(10);
    expect(events).toEqual([13, 8]);
  });

  it("a gate whose code segment is not present is #NP(selector + EXT) for an exception", () => {
    const m = pm([], [0x0f, 0x0b]);
    writeDescriptor(m, GDT, 0x58, seg(0, 0xfffff, 0x1b));
    gate(m, 6, 0x58, HANDLER);
    toRing3(m);
    const events: [number, number | undefined][] = [];
    m.cpu.exitHook = (e) => {
      events.push([e.vector, e.errorCode]);
      return e.vector !== 6;
    };
    m.cpu.run(10);
    expect(events).toEqual([[6, undefined], [11, 0x59]]);
  });
});

describe("call gates and far returns", () => {
  it("CALL through a DPL-3 gate from ring 3 switches stacks and copies the parameters", () => {
    // push 0x11111111; push 0x22222222; call 0x33:0
    const ring3 = [0x68, 0x11, 0x11, 0x11, 0x11, 0x68, 0x22, 0x22, 0x22, 0x22, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x33, 0x00];
    const m = pm([], ring3);
    m.ram[GATE_TARGET] = 0xf4;
    toRing3(m);
    runToHalt(m.cpu);
    const c = m.cpu;
    expect(c.cpl).toBe(0);
    expect(c.segSel[CS]).toBe(0x08);
    expect(c.eip).toBe(GATE_TARGET + 1);
    expect(c.segSel[SS]).toBe(0x10);
    expect(c.getReg32(4)).toBe(RING0_STACK - 24);
    expect(dwords(m, RING0_STACK - 24, 6)).toEqual([RING3_CODE + 17, 0x1b, 0x22222222, 0x11111111, RING3_STACK - 8, 0x23]);
  });

  it("RETF 8 returns to ring 3, releasing the parameters from the outer stack", () => {
    const ring3 = [0x68, 0x11, 0x11, 0x11, 0x11, 0x68, 0x22, 0x22, 0x22, 0x22, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x33, 0x00];
    const m = pm([], ring3);
    m.ram.set([0xca, 0x08, 0x00], GATE_TARGET); // retf 8
    toRing3(m);
    m.cpu.run(4);
    const c = m.cpu;
    expect(c.cpl).toBe(3);
    expect(c.segSel[CS]).toBe(0x1b);
    expect(c.eip).toBe(RING3_CODE + 17);
    expect(c.segSel[SS]).toBe(0x23);
    expect(c.getReg32(4)).toBe(RING3_STACK);
  });

  it("CALL through a gate at the same level pushes only CS:EIP", () => {
    const m = pm([0x9a, 0x00, 0x00, 0x00, 0x00, 0x33, 0x00]);
    m.ram[GATE_TARGET] = 0xf4;
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(0x9000 - 8);
    expect(dwords(m, 0x9000 - 8, 2)).toEqual([0x1007, 0x08]);
    expect(m.cpu.segSel[SS]).toBe(0x10);
  });

  const farCases: [string, number[], boolean, number, number][] = [
    ["CALL to a DPL-0 gate from ring 3", [0x9a, 0, 0, 0, 0, 0x6b, 0x00], true, 13, 0x68],
    ["CALL to a DPL-0 gate with RPL 3 from ring 0", [0x9a, 0, 0, 0, 0, 0x6b, 0x00], false, 13, 0x68],
    ["CALL to a gate that is not present", [0x9a, 0, 0, 0, 0, 0x7b, 0x00], true, 11, 0x78],
    ["JMP through a gate to more privileged code", [0xea, 0, 0, 0, 0, 0x33, 0x00], true, 13, 0x08],
    ["CALL to DPL-0 code from ring 3", [0x9a, 0x00, 0x18, 0x00, 0x00, 0x08, 0x00], true, 13, 0x08],
    ["CALL to a data segment", [0x9a, 0, 0, 0, 0, 0x23, 0x00], true, 13, 0x20],
    ["CALL to a busy TSS", [0x9a, 0, 0, 0, 0, 0x28, 0x00], false, 13, 0x28],
    ["CALL to the null selector", [0x9a, 0, 0, 0, 0, 0, 0x00], false, 13, 0],
    ["CALL to DPL-3 code from ring 0", [0x9a, 0, 0x20, 0, 0, 0x1b, 0x00], false, 13, 0x18],
  ];
  for (const [what, code, ring3, vector, errorCode] of farCases) {
    it(`${what}: ${vector === 11 ? "#NP" : "#GP"}(${errorCode.toString(16)})`, () => {
      const m = pm(ring3 ? [] : code, ring3 ? code : []);
      if (ring3) toRing3(m);
      const start = m.cpu.eip;
      const esp = m.cpu.getReg32(4);
      expect(firstEvent(m)).toMatchObject({ vector, errorCode, eip: start });
      expect(m.cpu.getReg32(4)).toBe(esp);
    });
  }

  it("CALL to conforming DPL-0 code from ring 3 stays at CPL 3 (CS.RPL = 3)", () => {
    const m = pm([], [0x9a, 0x00, 0x18, 0x00, 0x00, 0x48, 0x00]);
    toRing3(m);
    m.cpu.run(1);
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.segSel[CS]).toBe(0x4b);
    expect(m.cpu.eip).toBe(GATE_TARGET);
    expect(dwords(m, RING3_STACK - 8, 2)).toEqual([RING3_CODE + 7, 0x1b]);
  });

  it("RETF from ring 0 to ring 3 loads SS:ESP and nulls DPL-0 data segments", () => {
    // push 0x23; push 0x6000; push 0x1b; push 0x2000; retf
    const m = pm([0x6a, 0x23, 0x68, 0x00, 0x60, 0x00, 0x00, 0x6a, 0x1b, 0x68, 0x00, 0x20, 0x00, 0x00, 0xcb]);
    m.cpu.run(5);
    const c = m.cpu;
    expect([c.cpl, c.segSel[CS], c.eip, c.segSel[SS], c.getReg32(4)]).toEqual([3, 0x1b, RING3_CODE, 0x23, RING3_STACK]);
    expect([c.segSel[ES], c.segSel[DS], c.segSel[FS], c.segSel[GS]]).toEqual([0, 0, 0, 0]);
  });

  it("RETF from ring 3 to ring 0 is #GP(selector)", () => {
    const m = pm([], [0xcb]);
    toRing3(m);
    [0x1000, 0x08].forEach((v, k) => wr32(m, RING3_STACK + 4 * k, v));
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0x08, eip: RING3_CODE });
  });
});

describe("external interrupts at CPL 3", () => {
  function pic(m: ReturnType<typeof pm>, vector: number): void {
    let pending = true;
    m.bus.setInterruptController("test-pic", {
      hasPendingInterrupt: () => pending,
      acknowledge: () => {
        pending = false;
        return vector;
      },
    });
    m.bus.interruptRequestChanged();
  }

  it("ignore the gate's DPL and switch to the ring-0 stack", () => {
    const m = pm([], [0x90, 0x90]);
    gate(m, 0x20, SEL.code0, HANDLER, 0xe, 0);
    toRing3(m);
    pic(m, 0x20);
    runToHalt(m.cpu);
    expect(m.cpu.cpl).toBe(0);
    expect(dwords(m, RING0_STACK - 20, 5)).toEqual([RING3_CODE, 0x1b, 0x202, RING3_STACK, 0x23]);
  });

  it("a not-present gate is #NP(vector*8+2+EXT), a null SS0 #TS(EXT)", () => {
    const np = pm([], [0x90]);
    gate(np, 0x20, SEL.code0, HANDLER, 0xe, 0, false);
    toRing3(np);
    pic(np, 0x20);
    expect(firstEvent(np)).toMatchObject({ vector: 11, errorCode: 0x20 * 8 + 3 });
    const ts = pm([], [0x90]);
    gate(ts, 0x20, SEL.code0, HANDLER, 0xe, 0);
    toRing3(ts);
    wr32(ts, TSS + 8, 0);
    pic(ts, 0x20);
    expect(firstEvent(ts)).toMatchObject({ vector: 10, errorCode: 1 });
  });
});
