import { describe, expect, it } from "vitest";
import { type CpuModel, decodeInstruction, disassemble, type ExitEvent, findCpuModel, SYS, systemClassOf } from "../src/index.js";
import { refreshSegCheck } from "../src/mmu/segmentation.js";
import { CODE, machine, type TestMachine } from "./harness.js";

/**
 * FXSAVE/FXRSTOR (exec/x87-fxsave.ts) on the Pentium II model: the image's layout, what is
 * left unwritten, the faults (#UD without FXSR, #NM, alignment #GP(0), segment limit, page
 * faults that change nothing), and the round trip. The image bytes themselves are checked
 * against the host's FXSAVE in fpu/fxsave-host.test.ts.
 */
const P2 = findCpuModel("pentium2") as CpuModel;
const DATA = 0x20000;

function run(code: number[], m: CpuModel = P2, setup?: (t: TestMachine) => void): { t: TestMachine; ev: ExitEvent | "halt" } {
  const t = machine([...code, 0xf4], CODE, m);
  t.ram.fill(0xaa, DATA, DATA + 0x1000);
  t.cpu.setReg32(3, DATA); // EBX
  setup?.(t);
  let ev: ExitEvent | undefined;
  t.cpu.exitHook = (e) => {
    ev = e;
    return true;
  };
  const stop = t.cpu.run(1000);
  if (ev !== undefined) return { t, ev };
  if (stop.kind !== "halt") throw new Error(`stopped: ${JSON.stringify(stop)}`);
  return { t, ev: "halt" };
}

const FNINIT = [0xdb, 0xe3];
const FLD1 = [0xd9, 0xe8];
const FLDPI = [0xd9, 0xeb];
const FXSAVE_EBX = [0x0f, 0xae, 0x03];
const FXRSTOR_EBX = [0x0f, 0xae, 0x0b];
/** fxsave [ebx+disp32] */
const fxsaveAt = (d: number) => [0x0f, 0xae, 0x83, d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, d >>> 24];

const bytesAt = (t: TestMachine, at: number, n: number) => Array.from(t.ram.subarray(at, at + n));
const u16 = (t: TestMachine, at: number) => t.ram[at]! | (t.ram[at + 1]! << 8);
const u32 = (t: TestMachine, at: number) => (u16(t, at) | (u16(t, at + 2) << 16)) >>> 0;

describe("FXSAVE", () => {
  it("stores FCW, FSW, the abridged tags, FOP, FIP/FCS, FDP/FDS and ST0-7 in 16-byte slots", () => {
    // fninit; fld1; fldpi; fld dword [ebx+0x800]; fxsave [ebx]
    const { t, ev } = run([...FNINIT, ...FLD1, ...FLDPI, 0xd9, 0x83, 0x00, 0x08, 0, 0, ...FXSAVE_EBX], P2, (m) => {
      m.ram.set([0, 0, 0x40, 0x40], DATA + 0x800); // 3.0f
    });
    expect(ev).toBe("halt");
    expect(u16(t, DATA)).toBe(0x037f);
    expect(u16(t, DATA + 2)).toBe(5 << 11); // TOP = 5
    expect(t.ram[DATA + 4]).toBe(0xe0); // R5-R7 in use
    expect(t.ram[DATA + 5]).toBe(0);
    expect(u16(t, DATA + 6)).toBe(0x183); // D9 83: FOP = (1 << 8) | ModRM
    expect(u32(t, DATA + 8)).toBe(CODE + 6); // the FLD m32real
    expect(u32(t, DATA + 12)).toBe(0x08);
    expect(u32(t, DATA + 16)).toBe(DATA + 0x800);
    expect(u32(t, DATA + 20)).toBe(0x10);
    // ST0 = 3.0, ST1 = pi, ST2 = 1.0, each padded with six zero bytes.
    expect(bytesAt(t, DATA + 32, 16)).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x40, 0, 0, 0, 0, 0, 0]);
    expect(bytesAt(t, DATA + 48, 10)).toEqual([0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0x40]);
    expect(bytesAt(t, DATA + 64, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]);
  });

  it("leaves MXCSR, MXCSR_MASK (24-31) and the XMM, reserved and software areas (160-511) unwritten: no SSE", () => {
    const { t } = run([...FNINIT, ...FLD1, ...FXSAVE_EBX]);
    expect(bytesAt(t, DATA + 24, 8)).toEqual(new Array(8).fill(0xaa));
    expect(bytesAt(t, DATA + 160, 352)).toEqual(new Array(352).fill(0xaa));
    expect(bytesAt(t, DATA + 512, 16)).toEqual(new Array(16).fill(0xaa));
  });

  it("neither waits nor changes the x87 state: a pending exception stays pending, FIP/FOP stay", () => {
    // fninit; fldcw [ebx+0x800] (ZE unmasked); fld1; fldz; fdivp; fxsave [ebx]; fxsave [ebx+0x200]
    const { t, ev } = run([...FNINIT, 0xd9, 0xab, 0x00, 0x08, 0, 0, ...FLD1, 0xd9, 0xee, 0xde, 0xf9, ...FXSAVE_EBX, ...fxsaveAt(0x200)], P2, (m) => {
      m.ram.set([0x7b, 0x03], DATA + 0x800);
      m.cpu.cr0 |= 0x20; // NE: a waiting instruction would raise #MF
    });
    expect(ev).toBe("halt");
    expect(u16(t, DATA + 2) & 0x8084).toBe(0x8084); // B, ES, ZE
    expect(bytesAt(t, DATA + 0x200, 24)).toEqual(bytesAt(t, DATA, 24));
    expect(u16(t, DATA + 6)).toBe(0x6f9);
    expect(t.cpu.fpu.pending).toBe(true);
  });

  it("is #GP(0) at a linear address not 16-byte aligned, before anything is stored", () => {
    for (const off of [1, 8, 15]) {
      const { t, ev } = run([...FNINIT, ...fxsaveAt(off)]);
      expect(ev, `+${off}`).toMatchObject({ vector: 13, errorCode: 0, eip: CODE + 2 });
      expect(bytesAt(t, DATA, 0x220)).toEqual(new Array(0x220).fill(0xaa));
    }
  });

  it("checks the segment limit over the whole 512 bytes", () => {
    // A DS limit of DATA + 0x1ff (byte granular): the image's last byte is DATA + 0x1ff — fits;
    // at DATA + 0x10 it does not.
    const limit = (t: TestMachine) => {
      t.cpu.segLimit[3] = DATA + 0x1ff;
      refreshSegCheck(t.cpu, 3);
    };
    expect(run([...FNINIT, ...FXSAVE_EBX], P2, limit).ev).toBe("halt");
    const { t, ev } = run([...FNINIT, ...fxsaveAt(0x10)], P2, limit);
    expect(ev).toMatchObject({ vector: 13, errorCode: 0 });
    expect(bytesAt(t, DATA + 0x10, 24)).toEqual(new Array(24).fill(0xaa));
  });

  it("#NM with CR0.TS = 1 or CR0.EM = 1 (not with MP alone); #UD on models without FXSR", () => {
    for (const [bits, vector] of [
      [0x8, 7],
      [0x4, 7],
      [0x2, null],
    ] as const) {
      for (const insn of [FXSAVE_EBX, FXRSTOR_EBX]) {
        const { ev } = run(insn, P2, (t) => (t.cpu.cr0 |= bits));
        if (vector === null) expect(ev).toBe("halt");
        else expect(ev, `cr0 ${bits} ${insn}`).toMatchObject({ vector, eip: CODE });
      }
    }
    for (const name of ["ringlab", "486", "pentium", "pentium-pro"]) {
      for (const insn of [FXSAVE_EBX, FXRSTOR_EBX]) {
        // #UD comes first, even with CR0.TS = 1 (the opcode does not exist there).
        const { ev } = run(insn, findCpuModel(name), (t) => (t.cpu.cr0 |= 8));
        expect(ev, name).toMatchObject({ vector: 6, eip: CODE });
      }
    }
  });

  it("the register forms, the SSE forms of group 15 and a LOCK prefix are #UD", () => {
    for (const code of [
      [0x0f, 0xae, 0xc0], // fxsave with mod = 3
      [0x0f, 0xae, 0xc8],
      [0x0f, 0xae, 0x13], // ldmxcsr [ebx]
      [0x0f, 0xae, 0x1b], // stmxcsr [ebx]
      [0x0f, 0xae, 0x3b], // clflush [ebx]
      [0x0f, 0xae, 0xf8], // sfence
      [0xf0, 0x0f, 0xae, 0x03], // lock fxsave
    ]) {
      expect(run(code).ev, code.map((b) => b.toString(16)).join(" ")).toMatchObject({ vector: 6 });
    }
  });

  it("a page fault on the image's second page stores nothing", () => {
    // Paging with identity 4 KiB pages over the first 1 MiB, the page after DATA not present.
    const PD = 0x80000;
    const PT = 0x81000;
    const setup = (t: TestMachine) => {
      const w32 = (a: number, v: number) => t.ram.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24], a);
      w32(PD, PT | 3);
      for (let p = 0; p < 256; p++) w32(PT + 4 * p, p === (DATA >> 12) + 1 ? 0 : (p << 12) | 3);
      t.cpu.cr3 = PD;
      t.cpu.cr0 |= 0x80000000;
      t.cpu.pagingChanged();
    };
    const { t, ev } = run([...FNINIT, ...fxsaveAt(0xf00)], P2, setup);
    expect(ev).toMatchObject({ vector: 14 });
    expect(t.cpu.cr2 >>> 0).toBe(DATA + 0x1000);
    expect(bytesAt(t, DATA + 0xf00, 0x100)).toEqual(new Array(0x100).fill(0xaa));
    // FXRSTOR reads the whole image first: the x87 state is unchanged by the fault.
    const r = run([...FNINIT, ...FLD1, 0x0f, 0xae, 0x8b, 0x00, 0x0f, 0, 0], P2, setup);
    expect(r.ev).toMatchObject({ vector: 14 });
    expect(r.t.cpu.fpu.top).toBe(7);
    expect(r.t.cpu.fpu.cw).toBe(0x037f);
  });
});

describe("FXRSTOR", () => {
  it("round-trips the whole x87 state through FNINIT", () => {
    // fninit; fld1; fldpi; fxsave [ebx]; fninit; fxrstor [ebx]; fxsave [ebx+0x200]
    const { t, ev } = run([...FNINIT, ...FLD1, ...FLDPI, ...FXSAVE_EBX, ...FNINIT, ...FXRSTOR_EBX, ...fxsaveAt(0x200)]);
    expect(ev).toBe("halt");
    expect(bytesAt(t, DATA + 0x200, 24)).toEqual(bytesAt(t, DATA, 24));
    expect(bytesAt(t, DATA + 0x220, 128)).toEqual(bytesAt(t, DATA + 32, 128));
    expect(t.cpu.fpu.top).toBe(6);
  });

  it("loads the registers in stack order, the abridged tags by physical register, and ignores MXCSR", () => {
    const { t, ev } = run(FXRSTOR_EBX, P2, (m) => {
      const img = new Uint8Array(512);
      img.set([0x7f, 0x02], 0); // FCW 027F
      img.set([0x00, 0x30], 2); // FSW: TOP = 6
      img[4] = 0x40; // only R6 in use
      img.set([0xff, 0xff], 6); // FOP: the top five bits are not kept
      img.set([0xff, 0xff, 0xff, 0xff], 24); // MXCSR with reserved bits: no SSE, not examined
      img.set([0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f], 32); // ST0 = 1.0 (R6)
      img.set([0, 0, 0, 0, 0, 0, 0, 0x80, 0x00, 0x40], 48); // ST1 = 2.0 (R7, empty)
      m.ram.set(img, DATA);
    });
    expect(ev).toBe("halt");
    const f = t.cpu.fpu;
    expect(f.cw).toBe(0x027f);
    expect(f.top).toBe(6);
    expect(f.fop).toBe(0x7ff);
    expect(f.empty).toBe(0xbf);
    expect(f.st(0).exp).toBe(0x3fff);
    expect(f.isEmpty(1)).toBe(true);
    expect(f.st(1).exp).toBe(0x4000);
    // The full tag word is computed from the contents: R6 valid, the rest empty.
    expect(f.tagWord()).toBe(0xcfff);
  });
});

describe("FXSAVE under the monitors", () => {
  it("is sensitive (it stores FCS with its RPL, like FNSTENV and FNSAVE); FXRSTOR is not", () => {
    const text = (bytes: number[]) => disassemble(Uint8Array.from(bytes), 0, true)[0]!.text;
    expect(text(FXSAVE_EBX)).toBe("fxsave [ebx]");
    expect(text(FXRSTOR_EBX)).toBe("fxrstor [ebx]");
    const save = systemClassOf(decodeInstruction(Uint8Array.from(FXSAVE_EBX), true)!);
    expect(save?.name).toBe("fxsave");
    expect((save?.bits ?? 0) & SYS.sensitive).toBe(SYS.sensitive);
    expect(systemClassOf(decodeInstruction(Uint8Array.from(FXRSTOR_EBX), true)!)).toBe(null);
  });
});
