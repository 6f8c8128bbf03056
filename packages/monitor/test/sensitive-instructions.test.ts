import { decodeInstruction } from "@ringlab/cpu";
import { describe, expect, it } from "vitest";
import { ioInstruction, msrTrappedInstruction, privilegedInstruction, sensitiveInstruction } from "../src/index.js";

/** Decodes 32-bit code bytes (encodings as nasm emits them). */
function insn(...bytes: number[]) {
  const d = decodeInstruction(Uint8Array.from(bytes), true);
  if (d === null) throw new Error("undecodable");
  return d;
}

describe("the sensitive-instruction table (Robin & Irvine 2000)", () => {
  const cases: [string, number[]][] = [
    ["sgdt", [0x0f, 0x01, 0x00]], // sgdt [eax]
    ["sidt", [0x0f, 0x01, 0x08]], // sidt [eax]
    ["sldt", [0x0f, 0x00, 0xc0]], // sldt eax
    ["smsw", [0x0f, 0x01, 0xe0]], // smsw eax
    ["str", [0x0f, 0x00, 0xc8]], // str eax
    ["pushf", [0x9c]],
    ["popf", [0x9d]],
    ["lar", [0x0f, 0x02, 0xc1]], // lar eax, ecx
    ["lsl", [0x0f, 0x03, 0xc1]],
    ["verr", [0x0f, 0x00, 0xe0]],
    ["verw", [0x0f, 0x00, 0xe8]],
    ["mov r/m,sreg", [0x8c, 0xc8]], // mov eax, cs
    ["mov sreg,r/m", [0x8e, 0xd8]], // mov ds, eax
    ["push sreg", [0x0e]], // push cs
    ["push sreg", [0x0f, 0xa8]], // push gs
    ["pop sreg", [0x1f]], // pop ds
    ["pop sreg", [0x0f, 0xa1]], // pop fs
    ["call far", [0x9a, 0, 0, 0, 0, 8, 0]],
    ["call far", [0xff, 0x18]], // call far [eax]
    ["jmp far", [0xea, 0, 0, 0, 0, 8, 0]],
    ["jmp far", [0xff, 0x28]], // jmp far [eax]
    ["retf", [0xcb]],
    ["retf", [0xca, 4, 0]],
    ["int", [0xcd, 0x80]],
    ["int3", [0xcc]],
    ["into", [0xce]],
    ["iret", [0xcf]],
    ["lss", [0x0f, 0xb2, 0x20]], // lss esp, [eax]
    ["fnstenv", [0xd9, 0x30]], // fnstenv [eax]: stores FCS with its RPL
    ["fnsave", [0xdd, 0x30]], // fnsave [eax]
    ["fxsave", [0x0f, 0xae, 0x00]], // fxsave [eax]: stores FCS too
  ];
  for (const [name, bytes] of cases) {
    it(`${bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ")} is ${name}`, () => {
      expect(sensitiveInstruction(insn(...bytes))).toBe(name);
    });
  }

  it("leaves ordinary and privileged instructions alone", () => {
    for (const bytes of [[0x90], [0x89, 0xc8], [0xff, 0xd0] /* call eax */, [0xff, 0x10] /* call [eax] */, [0xc3], [0xfa], [0xf4], [0x0f, 0x01, 0x10] /* lgdt */, [0x0f, 0x00, 0xd0] /* lldt */, [0xc5, 0x00] /* lds */, [0xd9, 0x38] /* fnstcw */, [0xdd, 0x38] /* fnstsw */, [0xd9, 0xf6] /* fdecstp */, [0xdd, 0x20] /* frstor */, [0x0f, 0xae, 0x08] /* fxrstor */]) {
      expect(sensitiveInstruction(insn(...bytes)), bytes.join(",")).toBeNull();
    }
  });

  it("sgdt/sidt register forms are #UD encodings, not sensitive; smsw's register form is", () => {
    expect(sensitiveInstruction(insn(0x0f, 0x01, 0xc0))).toBeNull();
    expect(sensitiveInstruction(insn(0x0f, 0x01, 0xe0))).toBe("smsw");
  });
});

describe("instructions trapped through the monitor's MSR values", () => {
  it("SYSENTER is trapped by a null SYSENTER_CS, not patched; nothing else is", () => {
    expect(msrTrappedInstruction(insn(0x0f, 0x34))).toBe("sysenter");
    expect(sensitiveInstruction(insn(0x0f, 0x34))).toBeNull();
    for (const bytes of [[0x0f, 0x35], [0x0f, 0x30], [0x0f, 0x05] /* #UD here */, [0x90]]) expect(msrTrappedInstruction(insn(...bytes))).toBeNull();
  });
});

describe("privileged and I/O instruction tables", () => {
  it("names the privileged instructions (SDM vol.3 §5.9)", () => {
    const cases: [string, number[]][] = [
      ["hlt", [0xf4]],
      ["cli", [0xfa]],
      ["sti", [0xfb]],
      ["lgdt", [0x0f, 0x01, 0x10]],
      ["lidt", [0x0f, 0x01, 0x18]],
      ["lmsw", [0x0f, 0x01, 0xf0]],
      ["invlpg", [0x0f, 0x01, 0x38]],
      ["lldt", [0x0f, 0x00, 0xd0]],
      ["ltr", [0x0f, 0x00, 0xd8]],
      ["clts", [0x0f, 0x06]],
      ["mov cr", [0x0f, 0x22, 0xc0]],
      ["mov cr", [0x0f, 0x20, 0xc0]],
      ["mov dr", [0x0f, 0x23, 0xc0]],
      ["wrmsr", [0x0f, 0x30]],
      ["rdmsr", [0x0f, 0x32]],
      ["sysexit", [0x0f, 0x35]],
      ["wbinvd", [0x0f, 0x09]],
    ];
    for (const [name, bytes] of cases) expect(privilegedInstruction(insn(...bytes)), name).toBe(name);
    expect(privilegedInstruction(insn(0x90))).toBeNull();
    expect(privilegedInstruction(insn(0x0f, 0x01, 0x00))).toBeNull(); // sgdt
  });

  it("names port I/O", () => {
    expect(ioInstruction(insn(0xe4, 0x40))).toBe("in");
    expect(ioInstruction(insn(0xec))).toBe("in");
    expect(ioInstruction(insn(0xe6, 0xe9))).toBe("out");
    expect(ioInstruction(insn(0x66, 0xef))).toBe("out");
    expect(ioInstruction(insn(0xf3, 0x6c))).toBe("ins");
    expect(ioInstruction(insn(0x6f))).toBe("outs");
    expect(ioInstruction(insn(0x90))).toBeNull();
  });
});
