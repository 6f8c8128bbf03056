import { VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { Cpu, RINGLAB } from "../src/index.js";
import { CODE, installGdt, installIdt, machine, rd32, runToHalt, setGate, wr32 } from "./harness.js";

const HANDLER = 0x1800;
const RECORD_EIP = [0x8b, 0x1c, 0x24, 0xf4];

function ascii(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

describe("CPUID", () => {
  it("reports the vendor string and honest feature bits", () => {
    // xor eax,eax; cpuid; mov esi,eax; mov eax,1; cpuid; hlt
    const m = machine([0x31, 0xc0, 0x0f, 0xa2, 0x89, 0xc6, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xf4]);
    m.cpu.run(2);
    const vendor = ascii(m.cpu.getReg32(3)) + ascii(m.cpu.getReg32(2)) + ascii(m.cpu.getReg32(1));
    expect(vendor).toBe("RinglabIA32x");
    expect(m.cpu.getReg32(0)).toBe(1);
    runToHalt(m.cpu);
    const edx = m.cpu.getReg32(2);
    expect(edx).toBe(RINGLAB.featuresEdx);
    expect(edx & 1).toBe(1); // FPU: the x87 is on the chip (CPUID.1:EDX bit 0)
    expect(edx & (1 << 4)).not.toBe(0); // TSC
    expect(edx & (1 << 8)).not.toBe(0); // CX8
    expect(edx & (1 << 15)).not.toBe(0); // CMOV
    expect(m.cpu.getReg32(0) >> 8 & 0xf).toBe(5); // family 5
  });
});

describe("time-stamp counter", () => {
  it("RDTSC includes the instructions retired earlier in the same slice", () => {
    const m = machine([0x90, 0x90, 0x90, 0x0f, 0x31, 0xf4]);
    m.clock.retire(1000); // time already elapsed before this slice
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1003);
    expect(m.cpu.getReg32(2)).toBe(0);
  });

  it("scales with cycles per instruction", () => {
    const m = machine([0x90, 0x90, 0x0f, 0x31, 0xf4]);
    const clock = new VirtualClock({ cyclesPerInstruction: 3 });
    const cpu = new Cpu(m.bus, clock);
    cpu.setFlat32(CODE);
    runToHalt(cpu);
    expect(cpu.getReg32(0)).toBe(6);
  });

  it("WRMSR 0x10 sets the TSC and RDMSR 0x10 reads it", () => {
    // mov ecx,0x10; mov eax,1000; xor edx,edx; wrmsr; nop; rdmsr; hlt
    const m = machine([0xb9, 0x10, 0, 0, 0, 0xb8, 0xe8, 0x03, 0, 0, 0x31, 0xd2, 0x0f, 0x30, 0x90, 0x0f, 0x32, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1002); // 1000 when WRMSR ran, then WRMSR and NOP retired
    expect(m.cpu.getReg32(2)).toBe(0);
  });
});

describe("x87 availability (SDM vol.3 table 2-2, CR0.EM/MP/TS)", () => {
  it("an x87 instruction runs with EM=0 TS=0 and raises #NM with EM=1 or TS=1", () => {
    for (const [cr0bits, vector] of [
      [0, -1],
      [4, 7],
      [8, 7],
    ] as const) {
      // fninit; fld1; hlt — FNINIT first: at reset every tag is "valid zero" and every
      // exception unmasked (SDM vol.3 table 9-1), so a bare FLD would overflow the stack.
      const m = machine([0xdb, 0xe3, 0xd9, 0xe8, 0xf4]);
      installIdt(m);
      m.ram.set(RECORD_EIP, HANDLER);
      setGate(m, 7, HANDLER);
      m.cpu.cr0 |= cr0bits;
      runToHalt(m.cpu);
      if (vector < 0) {
        expect(m.cpu.eip, "fld1 retired").toBe(CODE + 5);
        expect(m.cpu.fpu.top, "fld1 pushed").toBe(7);
      } else {
        expect(m.cpu.getReg32(3), `cr0 bits ${cr0bits}`).toBe(CODE);
        expect(m.cpu.fpu.top, "nothing pushed").toBe(0);
      }
    }
  });

  it("WAIT raises #NM only when MP=1 and TS=1", () => {
    const a = machine([0x9b, 0xf4]);
    a.cpu.cr0 |= 8; // TS only
    runToHalt(a.cpu);
    expect(a.cpu.eip).toBe(CODE + 2);
    const b = machine([0x9b, 0xf4]);
    installIdt(b);
    b.ram.set(RECORD_EIP, HANDLER);
    setGate(b, 7, HANDLER);
    b.cpu.cr0 |= 0xa;
    runToHalt(b.cpu);
    expect(b.cpu.getReg32(3)).toBe(CODE);
  });
});

describe("port I/O", () => {
  it("IN and OUT in every width go through bus.ports", () => {
    // mov dx,0x3f8; mov al,0x41; out dx,al; in al,0x60; in ax,dx; out 0x70,eax; hlt
    const m = machine([0x66, 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0xe4, 0x60, 0x66, 0xed, 0xe7, 0x70, 0xf4]);
    const log: string[] = [];
    m.bus.ports.claim({
      owner: "test",
      base: 0x3f8,
      count: 1,
      handlers: { write8: (o, v) => log.push(`w8 ${o} ${v}`), read16: () => 0xbeef },
    });
    m.bus.ports.claim({ owner: "kbd", base: 0x60, count: 1, handlers: { read8: () => 0x5a } });
    m.bus.ports.claim({ owner: "cmos", base: 0x70, count: 4, handlers: { write32: (o, v) => log.push(`w32 ${o} ${v.toString(16)}`) } });
    m.cpu.setReg32(0, 0x12340000);
    runToHalt(m.cpu);
    expect(log).toEqual(["w8 0 65", "w32 0 1234beef"]);
    expect(m.cpu.getReg32(0)).toBe(0x1234beef);
  });

  it("REP OUTSB and REP INSW", () => {
    const m = machine([
      0x66, 0xba, 0x80, 0x00, 0xbe, 0x00, 0x20, 0x00, 0x00, 0xb9, 0x03, 0x00, 0x00, 0x00, 0xf3, 0x6e, 0xbf, 0x00, 0x30, 0x00,
      0x00, 0xb9, 0x02, 0x00, 0x00, 0x00, 0xf3, 0x66, 0x6d, 0xf4,
    ]);
    const out: number[] = [];
    let next = 0x100;
    m.bus.ports.claim({ owner: "post", base: 0x80, count: 1, handlers: { write8: (_o, v) => out.push(v), read16: () => next++ } });
    wr32(m, 0x2000, 0x00636261);
    runToHalt(m.cpu);
    expect(out).toEqual([0x61, 0x62, 0x63]);
    expect(rd32(m, 0x3000)).toBe(0x01010100);
    expect(m.cpu.getReg32(7)).toBe(0x3004);
  });
});

describe("string instructions and the budget", () => {
  it("a REP string retires one instruction per iteration and resumes across slices", () => {
    const m = machine([0xf3, 0xa5, 0xf4]); // rep movsd; hlt
    for (let k = 0; k < 10; k++) wr32(m, 0x2000 + 4 * k, k + 1);
    m.cpu.setReg32(1, 10);
    m.cpu.setReg32(6, 0x2000);
    m.cpu.setReg32(7, 0x3000);
    expect(m.cpu.run(4)).toEqual({ kind: "budget" });
    expect(m.cpu.getReg32(1)).toBe(6);
    expect(m.cpu.eip).toBe(CODE); // still on the REP MOVSD
    expect(m.clock.instructions).toBe(4);
    runToHalt(m.cpu);
    expect(m.clock.instructions).toBe(11);
    for (let k = 0; k < 10; k++) expect(rd32(m, 0x3000 + 4 * k)).toBe(k + 1);
  });
});

describe("control registers and descriptor tables", () => {
  it("MOV CR0, CLTS and SMSW", () => {
    // mov eax,cr0; or eax,8; mov cr0,eax; clts; mov ebx,cr0; smsw ecx; hlt
    const m = machine([0x0f, 0x20, 0xc0, 0x83, 0xc8, 0x08, 0x0f, 0x22, 0xc0, 0x0f, 0x06, 0x0f, 0x20, 0xc3, 0x0f, 0x01, 0xe1, 0xf4]);
    m.cpu.run(3);
    expect(m.cpu.cr0 & 8).toBe(8);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3) & 8).toBe(0);
    expect(m.cpu.getReg32(3) & 0x11).toBe(0x11); // PE, ET
    expect(m.cpu.getReg32(1)).toBe(m.cpu.getReg32(3));
  });

  it("CR4 bits for features CPUID does not report are #GP(0)", () => {
    const m = machine([0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0xf4]);
    installIdt(m);
    m.ram.set([0x5a, 0x8b, 0x1c, 0x24, 0xf4], HANDLER);
    setGate(m, 13, HANDLER);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(CODE + 6);
  });

  it("DR4/DR5 alias DR6/DR7 with CR4.DE clear and are #UD with it set (SDM vol.3 §17.2.2)", () => {
    // mov eax,0x11223344; mov dr7,eax; mov ebx,dr5; mov esi,ebx;
    // mov eax,cr4; or eax,8; mov cr4,eax; mov edx,dr4 (#UD); hlt
    const m = machine([
      0xb8, 0x44, 0x33, 0x22, 0x11, 0x0f, 0x23, 0xf8, 0x0f, 0x21, 0xeb, 0x89, 0xde, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x08,
      0x0f, 0x22, 0xe0, 0x0f, 0x21, 0xe2, 0xf4,
    ]);
    installIdt(m);
    m.ram.set(RECORD_EIP, HANDLER);
    setGate(m, 6, HANDLER);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(6)).toBe(0x11223344);
    expect(m.cpu.getReg32(3)).toBe(CODE + 22);
    expect(m.cpu.cr4 & 8).toBe(8);
  });

  it("LGDT/SGDT and LIDT/SIDT", () => {
    const m = machine([
      0x0f, 0x01, 0x15, 0x00, 0x20, 0x00, 0x00, 0x0f, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00, 0x0f, 0x01, 0x1d, 0x10, 0x20, 0x00,
      0x00, 0x0f, 0x01, 0x0d, 0x10, 0x30, 0x00, 0x00, 0xf4,
    ]);
    m.ram.set([0x27, 0x00, 0x00, 0x05, 0x01, 0x00], 0x2000);
    m.ram.set([0xff, 0x07, 0x00, 0x08, 0x02, 0x00], 0x2010);
    runToHalt(m.cpu);
    expect([m.cpu.gdtrBase, m.cpu.gdtrLimit, m.cpu.idtrBase, m.cpu.idtrLimit]).toEqual([0x10500, 0x27, 0x20800, 0x7ff]);
    expect([...m.ram.subarray(0x3000, 0x3006)]).toEqual([0x27, 0x00, 0x00, 0x05, 0x01, 0x00]);
    expect([...m.ram.subarray(0x3010, 0x3016)]).toEqual([0xff, 0x07, 0x00, 0x08, 0x02, 0x00]);
  });

  it("MOV DRn stores and reads back", () => {
    const m = machine([0xb8, 0x34, 0x12, 0x00, 0x00, 0x0f, 0x23, 0xf8, 0x0f, 0x21, 0xfb, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(0x1234);
  });

  it("setting CR0.PG turns translation on: with an empty page directory the next fetch is #PF", () => {
    // mov eax,0x80000011; mov cr0,eax   (CR3 = 0: a zeroed directory, nothing present)
    const m = machine([0xb8, 0x11, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xf4]);
    const events: { vector: number; errorCode?: number }[] = [];
    m.cpu.exitHook = (e) => (events.push(e), true);
    const stop = m.cpu.run(10);
    expect(stop).toEqual({ kind: "exception", vector: 14, errorCode: 0 });
    expect(m.cpu.cr2 >>> 0).toBe(CODE + 8);
  });
});

describe("segments", () => {
  it("MOV/PUSH/POP Sreg load descriptors from the GDT", () => {
    const m = machine([0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd0, 0x8e, 0xd8, 0x1e, 0x07, 0xf4]);
    installGdt(m);
    runToHalt(m.cpu);
    expect(m.cpu.segSel[0]).toBe(0x10); // ES
    expect(m.cpu.segLimit[0]! >>> 0).toBe(0xffffffff);
  });

  it("an override uses the segment's base and its limit is checked (#GP(0))", () => {
    // mov ax,0x18; mov es,ax; mov eax,[es:0x10]; hlt
    const m = machine([0x66, 0xb8, 0x18, 0x00, 0x8e, 0xc0, 0x26, 0xa1, 0x10, 0x00, 0x00, 0x00, 0xf4]);
    installIdt(m);
    wr32(m, 0x10010, 0xfeedface);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0xfeedface);
    // mov ax,0x18; mov ds,ax; mov eax,[0x10]; mov ebx,[0xffe]; hlt -> #GP on the second load
    const g = machine([0x66, 0xb8, 0x18, 0x00, 0x8e, 0xd8, 0xa1, 0x10, 0x00, 0x00, 0x00, 0x8b, 0x1d, 0xfe, 0x0f, 0x00, 0x00, 0xf4]);
    installIdt(g);
    g.ram.set([0x5a, 0x8b, 0x1c, 0x24, 0xf4], HANDLER);
    setGate(g, 13, HANDLER);
    runToHalt(g.cpu);
    expect(g.cpu.getReg32(3)).toBe(CODE + 11);
    expect(g.cpu.getReg32(2)).toBe(0);
  });

  it("a null data selector loads but any access through it is #GP(0)", () => {
    const m = machine([0x31, 0xc0, 0x8e, 0xd8, 0xa1, 0x00, 0x00, 0x00, 0x00, 0xf4]);
    installIdt(m);
    m.ram.set([0x5a, 0x8b, 0x1c, 0x24, 0xf4], HANDLER);
    setGate(m, 13, HANDLER);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(CODE + 4);
  });

  it("LSS loads SS:ESP from a far pointer", () => {
    const m = machine([0x0f, 0xb2, 0x25, 0x00, 0x20, 0x00, 0x00, 0xf4]);
    installGdt(m);
    m.ram.set([0x00, 0x80, 0x00, 0x00, 0x10, 0x00], 0x2000);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(4)).toBe(0x8000);
    expect(m.cpu.segSel[2]).toBe(0x10);
  });

  it("a far call and RETF at the same privilege level", () => {
    const m = machine([
      0x9a, 0x10, 0x10, 0x00, 0x00, 0x08, 0x00, 0xf4, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xb8, 0x07, 0x00, 0x00,
      0x00, 0xcb,
    ]);
    installGdt(m);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(7);
    expect(m.cpu.eip).toBe(CODE + 8);
  });

  it("a far jump to a 16-bit code segment switches the default operand size", () => {
    // jmp 0x20:0x1008; hlt; [bits 16] mov ax,0x1234; mov ebx,0x56789abc; hlt
    const m = machine([0xea, 0x08, 0x10, 0x00, 0x00, 0x20, 0x00, 0xf4, 0xb8, 0x34, 0x12, 0x66, 0xbb, 0xbc, 0x9a, 0x78, 0x56, 0xf4]);
    installGdt(m);
    m.cpu.setReg32(0, 0xffff0000);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0xffff1234);
    expect(m.cpu.getReg32(3)).toBe(0x56789abc);
    expect(m.cpu.segSel[1]).toBe(0x20);
  });
});
