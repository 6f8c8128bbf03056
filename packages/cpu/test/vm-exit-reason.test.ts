import { describe, expect, it } from "vitest";
import { isGroup, type OpDef } from "../src/decode/opcode-def.js";
import { OPCODES } from "../src/decode/opcode-table.js";
import { SYS } from "../src/decode/system-class.js";
import { VMX_EXIT, VMX_EXIT_NAMES } from "../src/decode/vm-exit-reason.js";

/** Every form of the table with its VT-x exit reason: `mnemonic reason`. */
function exitForms(): string[] {
  const out = new Set<string>();
  const note = (d: OpDef | null | undefined) => {
    if (d?.sys && d.sys.vmExit >= 0) {
      const name = VMX_EXIT_NAMES.find((n) => VMX_EXIT[n] === d.sys!.vmExit);
      out.add(`${d.sys.name} ${name}${d.sys.bits & SYS.vmExitAlways ? " always" : ""}`);
    }
  };
  for (const e of OPCODES) {
    if (e === null) continue;
    if (!isGroup(e)) note(e);
    else for (const d of [...e.group, ...(e.regForms ?? [])]) note(d);
  }
  return [...out].sort();
}

describe("the VT-x exit reasons on the opcode table (SDM vol.3 §25.1.2-3)", () => {
  it("names every reason once, in numeric order", () => {
    expect(new Set(Object.values(VMX_EXIT)).size).toBe(VMX_EXIT_NAMES.length);
    expect(VMX_EXIT_NAMES.map((n) => VMX_EXIT[n])).toEqual([...Object.values(VMX_EXIT)].sort((a, b) => a - b));
    expect([VMX_EXIT.CPUID, VMX_EXIT.HLT, VMX_EXIT.IO_INSTRUCTION, VMX_EXIT.CR_ACCESS, VMX_EXIT.EPT_VIOLATION]).toEqual([10, 12, 30, 28, 48]);
  });

  it("states which forms can exit, and that only CPUID and INVD exit unconditionally", () => {
    expect(exitForms()).toEqual(
      [
        "clts CR_ACCESS",
        "cpuid CPUID always",
        "hlt HLT",
        "in IO_INSTRUCTION",
        "ins IO_INSTRUCTION",
        "invd INVD always",
        "invlpg INVLPG",
        "lgdt GDTR_IDTR",
        "lidt GDTR_IDTR",
        "lldt LDTR_TR",
        "lmsw CR_ACCESS",
        "ltr LDTR_TR",
        "mov cr CR_ACCESS",
        "mov dr DR_ACCESS",
        "out IO_INSTRUCTION",
        "outs IO_INSTRUCTION",
        "rdmsr RDMSR",
        "rdtsc RDTSC",
        "sgdt GDTR_IDTR",
        "sidt GDTR_IDTR",
        "sldt LDTR_TR",
        "str LDTR_TR",
        "wbinvd WBINVD",
        "wrmsr WRMSR",
      ].sort(),
    );
  });
});
