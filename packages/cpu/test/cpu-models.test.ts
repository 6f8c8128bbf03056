import { describe, expect, it } from "vitest";
import {
  Cpu,
  CPU_MODELS,
  type CpuModel,
  cpuidLeaf,
  edxFeatureNames,
  type ExitEvent,
  findCpuModel,
  IMPLEMENTED_EDX,
  INSN_GROUPS,
  type InsnGroup,
  RINGLAB,
} from "../src/index.js";
import { CODE, machine, type TestMachine } from "./harness.js";

function model(name: string): CpuModel {
  const m = findCpuModel(name);
  if (m === undefined) throw new Error(`no model ${name}`);
  return m;
}

/** A flat 32-bit CPU of model `m` at CODE with `code` loaded. */
function machineOf(m: CpuModel, code: ArrayLike<number>): TestMachine {
  return machine(code, CODE, m);
}

/** Runs to HLT, or to the first exception (claimed, so nothing is delivered). */
function runUntilEvent(t: TestMachine, max = 1000): ExitEvent | "halt" {
  let ev: ExitEvent | undefined;
  t.cpu.exitHook = (e) => {
    ev = e;
    return true;
  };
  const stop = t.cpu.run(max);
  if (ev !== undefined) return ev;
  if (stop.kind !== "halt") throw new Error(`stopped: ${JSON.stringify(stop)}`);
  return "halt";
}

/** What `cpuid` leaves in EAX, EBX, ECX, EDX for EAX = `leaf`, run on the CPU itself. */
function runCpuid(m: CpuModel, leaf: number): number[] {
  // mov eax,leaf; cpuid; hlt
  const t = machineOf(m, [0xb8, leaf & 0xff, (leaf >>> 8) & 0xff, (leaf >>> 16) & 0xff, leaf >>> 24, 0x0f, 0xa2, 0xf4]);
  expect(runUntilEvent(t)).toBe("halt");
  return [0, 3, 1, 2].map((r) => t.cpu.getReg32(r));
}

function ascii(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

describe("CPU models: CPUID", () => {
  const expected: Record<string, { vendor: string; max: number; sig: number; edx: number; leaf2?: number[] }> = {
    ringlab: { vendor: "RinglabIA32x", max: 1, sig: 0x520, edx: 0x0000a13f },
    // 486DX4: FPU (VME of the real part left out).
    "486": { vendor: "GenuineIntel", max: 1, sig: 0x480, edx: 0x00000001 },
    // P54C: FPU DE PSE TSC MSR CX8 (VME, MCE left out of 0x1BF).
    pentium: { vendor: "GenuineIntel", max: 1, sig: 0x52c, edx: 0x0000013d },
    // Pentium Pro: + PAE SEP MTRR PGE CMOV (MCE APIC MCA VME left out of 0xFBFF).
    "pentium-pro": { vendor: "GenuineIntel", max: 2, sig: 0x612, edx: 0x0000b97d, leaf2: [0x03020101, 0, 0, 0x06040a42] },
    // Pentium II (Deschutes): the same flags plus FXSR (MMX, PAT, PSE-36 also left out), its own caches.
    pentium2: { vendor: "GenuineIntel", max: 2, sig: 0x652, edx: 0x0100b97d, leaf2: [0x03020101, 0, 0, 0x0c040843] },
  };

  for (const m of CPU_MODELS) {
    const want = expected[m.name]!;
    it(`${m.name}: vendor, signature, feature flags and leaves as executed`, () => {
      const [max, b, c, d] = runCpuid(m, 0);
      expect(ascii(b!) + ascii(d!) + ascii(c!)).toBe(want.vendor);
      expect(max).toBe(want.max);
      const [sig, b1, c1, d1] = runCpuid(m, 1);
      expect(sig).toBe(want.sig);
      expect([b1, c1, d1]).toEqual([0, 0, want.edx]);
      if (want.leaf2) expect(runCpuid(m, 2)).toEqual(want.leaf2);
      // Above the last basic leaf, and for the extended leaves none of these parts had,
      // the highest basic leaf answers (SDM vol.2 "CPUID").
      const highest = runCpuid(m, want.max);
      expect(runCpuid(m, want.max + 1)).toEqual(highest);
      expect(runCpuid(m, 0x80000000)).toEqual(highest);
      expect(runCpuid(m, 0x80000004)).toEqual(highest);
    });
  }

  it("every model reports only flags ringlab implements (VME on the ringlab model: PVI) and its real part had", () => {
    for (const m of CPU_MODELS) {
      const extra = m === RINGLAB ? 1 << 1 : 0;
      expect(m.featuresEdx & ~(IMPLEMENTED_EDX | extra), m.name).toBe(0);
      expect(m.featuresEdx & ~m.realFeaturesEdx, m.name).toBe(0);
    }
    expect(edxFeatureNames(model("pentium2").realFeaturesEdx & ~model("pentium2").featuresEdx)).toEqual(["vme", "mce", "apic", "mca", "pat", "pse36", "mmx"]);
  });

  it("a model with a brand string answers the extended leaves with it", () => {
    const m: CpuModel = { ...model("pentium2"), brand: "Imaginary CPU @ 300MHz" };
    expect(cpuidLeaf(m, 0x80000000)[0] >>> 0).toBe(0x80000004);
    const text = [2, 3, 4].flatMap((k) => cpuidLeaf(m, 0x80000000 + k)).map(ascii).join("");
    expect(text.replace(/\0+$/, "")).toBe("Imaginary CPU @ 300MHz");
    expect(cpuidLeaf(m, 0x80000005)).toEqual(cpuidLeaf(m, 2));
  });

  it("EDX holds the model's signature after reset", () => {
    const t = machineOf(model("pentium2"), []);
    t.cpu.reset();
    expect(t.cpu.getReg32(2)).toBe(0x652);
  });
});

/** An instruction of each group, and what it raises where it exists (null: runs). */
const PROBES: Record<InsnGroup, { bytes: number[]; present: number | null }> = {
  cpuid: { bytes: [0x31, 0xc0, 0x0f, 0xa2], present: null }, // xor eax,eax; cpuid
  rdtsc: { bytes: [0x0f, 0x31], present: null },
  msr: { bytes: [0xb9, 0x10, 0, 0, 0, 0x0f, 0x32], present: null }, // mov ecx,0x10; rdmsr
  cmpxchg8b: { bytes: [0xbe, 0, 0x20, 0, 0, 0x0f, 0xc7, 0x0e], present: null }, // mov esi,0x2000; cmpxchg8b [esi]
  cmov: { bytes: [0x0f, 0x44, 0xc1], present: null }, // cmove eax,ecx
  fcmov: { bytes: [0xdb, 0xe3, 0xd9, 0xee, 0xd9, 0xe8, 0xdb, 0xf1], present: null }, // fninit; fldz; fld1; fcomi st,st(1)
  // SYSENTER with IA32_SYSENTER_CS = 0: #GP(0) where it exists, #UD where it does not.
  sysenter: { bytes: [0x0f, 0x34], present: 13 },
  "hint-nop": { bytes: [0x0f, 0x1f, 0x44, 0x00, 0x00, 0x0f, 0x18, 0x00, 0x0f, 0x19, 0xc0], present: null }, // nop [eax+eax]; prefetchnta [eax]; nop eax
  fxsr: { bytes: [0xbe, 0, 0x20, 0, 0, 0x0f, 0xae, 0x06, 0x0f, 0xae, 0x0e], present: null }, // mov esi,0x2000; fxsave [esi]; fxrstor [esi]
};

describe("CPU models: an instruction the model lacks is #UD", () => {
  for (const m of CPU_MODELS) {
    for (const g of INSN_GROUPS) {
      const has = m.instructions.includes(g);
      it(`${m.name}: ${g} ${has ? "executes" : "is #UD"}`, () => {
        const t = machineOf(m, [...PROBES[g].bytes, 0xf4]);
        const r = runUntilEvent(t);
        if (has) {
          const want = PROBES[g].present;
          if (want === null) expect(r).toBe("halt");
          else expect(r).toMatchObject({ vector: want, errorCode: 0 });
        } else {
          expect(r).toMatchObject({ vector: 6, kind: "fault" });
        }
      });
    }
  }

  it("the 486 faults #UD at a memory-form CMOV, and #UD precedes #NM for FCMOV (CR0.TS = 1)", () => {
    // cmove eax,[0xFFFFFFF0]; hlt — then fcmovb st,st(1) with CR0.TS = 1
    const t = machineOf(model("486"), [0x0f, 0x44, 0x05, 0xf0, 0xff, 0xff, 0xff, 0xf4]);
    expect(runUntilEvent(t)).toMatchObject({ vector: 6, eip: CODE });
    const u = machineOf(model("486"), [0xda, 0xc1, 0xf4]);
    u.cpu.cr0 |= 8; // TS
    expect(runUntilEvent(u)).toMatchObject({ vector: 6 });
    const p6 = machineOf(model("pentium2"), [0xda, 0xc1, 0xf4]);
    p6.cpu.cr0 |= 8;
    expect(runUntilEvent(p6)).toMatchObject({ vector: 7 });
  });

  it("x87 forms older than the P6 run on the 486 (FCOM, FUCOMPP, FNINIT)", () => {
    // fninit; fldz; fld1; fcom st(1); fucompp; hlt
    const t = machineOf(model("486"), [0xdb, 0xe3, 0xd9, 0xee, 0xd9, 0xe8, 0xd8, 0xd1, 0xda, 0xe9, 0xf4]);
    expect(runUntilEvent(t)).toBe("halt");
  });
});

/** mov ecx,index; rdmsr; hlt */
const rdmsrAt = (index: number) => [0xb9, index & 0xff, (index >>> 8) & 0xff, 0, 0, 0x0f, 0x32, 0xf4];
/** mov ecx,index; mov eax,lo; mov edx,hi; wrmsr; hlt */
const wrmsrAt = (index: number, lo: number, hi = 0) => [
  0xb9, index & 0xff, (index >>> 8) & 0xff, 0, 0,
  0xb8, lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24,
  0xba, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24,
  0x0f, 0x30, 0xf4,
];

describe("CPU models: MSRs", () => {
  it("the SYSENTER MSRs exist on the Pentium II: WRMSR then RDMSR gives the value back, EDX 0", () => {
    for (const [index, value] of [[0x174, 0x0008], [0x175, 0xc0001000], [0x176, 0x12345678]] as const) {
      const t = machineOf(model("pentium2"), [...wrmsrAt(index, value, 0xffffffff).slice(0, -1), ...rdmsrAt(index)]);
      expect(runUntilEvent(t)).toBe("halt");
      expect(t.cpu.getReg32(0)).toBe(value >>> 0);
      expect(t.cpu.getReg32(2)).toBe(0);
    }
  });

  it("a model without SYSENTER has no SYSENTER MSRs: #GP(0), also on the Pentium Pro that reports SEP", () => {
    for (const name of ["pentium", "pentium-pro", "ringlab"]) {
      expect(runUntilEvent(machineOf(model(name), rdmsrAt(0x174))), name).toMatchObject({ vector: 13, errorCode: 0 });
      expect(runUntilEvent(machineOf(model(name), wrmsrAt(0x176, 1))), name).toMatchObject({ vector: 13, errorCode: 0 });
    }
  });

  it("APIC_BASE (0x1B), PAT (0x277), the Pentium's CESR (0x11) and MTRRs past the last (0x210, 0x270) are #GP(0) everywhere", () => {
    for (const m of CPU_MODELS) {
      if (!m.instructions.includes("msr")) continue;
      for (const index of [0x1b, 0x277, 0x11, 0x210, 0x270, 0x251]) {
        expect(runUntilEvent(machineOf(m, rdmsrAt(index))), `${m.name} ${index}`).toMatchObject({ vector: 13, errorCode: 0 });
      }
    }
  });

  it("the TSC MSR works on every model with MSRs; RDMSR/WRMSR are #UD on the 486", () => {
    const t = machineOf(model("pentium"), [...wrmsrAt(0x10, 5000).slice(0, -1), ...rdmsrAt(0x10)]);
    expect(runUntilEvent(t)).toBe("halt");
    expect(t.cpu.getReg32(0)).toBe(5002);
    expect(runUntilEvent(machineOf(model("486"), rdmsrAt(0x10)))).toMatchObject({ vector: 6 });
    expect(runUntilEvent(machineOf(model("486"), wrmsrAt(0x10, 0)))).toMatchObject({ vector: 6 });
  });
});

describe("CPU models: MTRRs (SDM vol.3 §11.11) where CPUID reports MTRR", () => {
  const rd = (m: CpuModel, index: number) => {
    const t = machineOf(m, rdmsrAt(index));
    const r = runUntilEvent(t);
    return r === "halt" ? [t.cpu.getReg32(2), t.cpu.getReg32(0)] : r;
  };
  const wr = (m: CpuModel, index: number, lo: number, hi = 0) => {
    const t = machineOf(m, [...wrmsrAt(index, lo, hi).slice(0, -1), ...rdmsrAt(index)]);
    const r = runUntilEvent(t);
    return r === "halt" ? [t.cpu.getReg32(2), t.cpu.getReg32(0)] : r;
  };

  it("exist on the P6 models only: MTRRcap says 8 variable ranges, fixed ranges, WC; the rest read 0 after reset", () => {
    for (const name of ["pentium-pro", "pentium2"]) {
      expect(rd(model(name), 0xfe), name).toEqual([0, 0x508]);
      for (const index of [0x2ff, 0x200, 0x20f, 0x250, 0x258, 0x259, 0x268, 0x26f]) expect(rd(model(name), index), `${name} ${index}`).toEqual([0, 0]);
    }
    for (const name of ["pentium", "ringlab"]) {
      expect(rd(model(name), 0xfe), name).toMatchObject({ vector: 13, errorCode: 0 });
      expect(rd(model(name), 0x2ff), name).toMatchObject({ vector: 13, errorCode: 0 });
    }
  });

  it("keep what is written; MTRRcap is read-only", () => {
    const p2 = model("pentium2");
    expect(wr(p2, 0x2ff, 0xc06)).toEqual([0, 0xc06]); // E, FE, default WB
    expect(wr(p2, 0x200, 0x00000006, 0xf)).toEqual([0xf, 6]); // base 0xF00000000 WB
    expect(wr(p2, 0x201, 0xf0000800, 0xf)).toEqual([0xf, 0xf0000800]); // mask, valid
    expect(wr(p2, 0x250, 0x06060606, 0x06060606)).toEqual([0x06060606, 0x06060606]);
    expect(wr(p2, 0x26f, 0x05040100, 0x06060606)).toEqual([0x06060606, 0x05040100]);
    expect(wr(p2, 0xfe, 0x508)).toMatchObject({ vector: 13, errorCode: 0 });
  });

  it("reserved bits and invalid memory types are #GP(0)", () => {
    const p2 = model("pentium2");
    for (const [index, lo, hi] of [
      [0x2ff, 0x1006, 0], // bit 12 reserved
      [0x2ff, 0x002, 0], // type 2 reserved
      [0x2ff, 0x006, 1], // EDX reserved
      [0x200, 0x107, 0], // type 7, bit 8
      [0x200, 0x006, 0x10], // above 36 bits
      [0x201, 0x801, 0], // mask bit 0 reserved
      [0x250, 0x06060603, 0x06060606], // one type byte 3
      [0x259, 0x06060606, 0x08060606],
    ] as const) {
      expect(wr(p2, index, lo, hi), `${index.toString(16)} ${hi.toString(16)}:${lo.toString(16)}`).toMatchObject({ vector: 13, errorCode: 0 });
    }
  });
});

describe("CPU models: CR4 takes only the bits of reported features", () => {
  // mov eax,value; mov cr4,eax; hlt
  const movCr4 = (v: number) => [0xb8, v & 0xff, (v >>> 8) & 0xff, 0, 0, 0x0f, 0x22, 0xe0, 0xf4];
  const cases: [string, number, boolean][] = [
    ["ringlab", 0x9f, true],
    ["pentium2", 0x9c, true], // TSD DE PSE PGE
    ["pentium2", 0x01, false], // VME not offered
    ["pentium2", 0xbc, true], // TSD DE PSE PAE PGE
    ["pentium2", 0x200, true], // OSFXSR: FXSR is offered
    ["pentium-pro", 0x200, false], // no FXSR before Deschutes
    ["ringlab", 0x200, false],
    ["pentium2", 0x400, false], // OSXMMEXCPT: no SSE
    ["ringlab", 0x20, false], // PAE not offered by the default model
    ["pentium", 0x20, false], // nor by the P54C
    ["pentium", 0x1c, true],
    ["pentium", 0x80, false], // PGE came with the P6
    ["486", 0x10, false],
    ["486", 0x00, true],
  ];
  for (const [name, v, ok] of cases) {
    it(`${name}: CR4 = ${v.toString(16)} ${ok ? "is taken" : "is #GP(0)"}`, () => {
      const t = machineOf(model(name), movCr4(v));
      const r = runUntilEvent(t);
      if (ok) {
        expect(r).toBe("halt");
        expect(t.cpu.cr4).toBe(v);
      } else expect(r).toMatchObject({ vector: 13, errorCode: 0 });
    });
  }
});
