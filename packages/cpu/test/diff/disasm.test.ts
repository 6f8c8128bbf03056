import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/index.js";
import { compareDisassembly, formatDisasmMismatch, type DisasmItem } from "./disasm-compare.js";
import { NOT_ON_MODELLED_CPU, TRICKY_ENCODINGS } from "./disasm-corpus.js";
import { normaliseDisasm } from "./disasm-normalise.js";
import { ALL_FAMILIES, PROTECTED_MODE_FAMILIES } from "./family-registry.js";
import { DISASM_IN_SUITE } from "./families.js";
import { generateCases } from "./generator.js";
import { assertObjdumpAvailable } from "./objdump.js";

const fromHex = (h: string) => [...Buffer.from(h, "hex")];

function corpus(): DisasmItem[] {
  const items: DisasmItem[] = TRICKY_ENCODINGS.map(([h, why]) => ({ group: "tricky", bytes: fromHex(h), why }));
  const seen = new Set<string>();
  const seed = Number(process.env.RINGLAB_DISASM_SEED ?? 99);
  const flat = ALL_FAMILIES.filter((f) => !PROTECTED_MODE_FAMILIES.includes(f)).map((f) => f.name);
  const cases = [
    ...generateCases(seed, Number(process.env.RINGLAB_DISASM_CASES ?? 1800), flat),
    ...generateCases(seed, 240, PROTECTED_MODE_FAMILIES.map((f) => f.name)),
  ];
  for (const c of cases) {
    for (const i of c.insns) {
      const k = Buffer.from(i.bytes).toString("hex");
      if (seen.has(k)) continue;
      seen.add(k);
      items.push({ group: c.family, bytes: i.bytes, why: i.note });
    }
  }
  return items;
}

describe("disassembler vs objdump -D -b binary -mi386 -Mintel", () => {
  it("normalises only cosmetic differences", () => {
    expect(normaliseDisasm("mov    eax,DWORD PTR [ebx+eiz*1-0x4]")).toBe("mov eax,dword ptr [ebx+0xfffffffc]");
    expect(normaliseDisasm("div DWORD PTR [eiz*1+0x5e5c]")).toBe(normaliseDisasm("div DWORD PTR ds:0x5e5c"));
    expect(normaliseDisasm("mov al,es:0x10")).toBe("mov al,es:[0x10]");
    expect(normaliseDisasm("mov ax,WORD PTR [bx+si-0x2]")).toBe("mov ax,word ptr [bx+si+0xfffe]");
    expect(normaliseDisasm("lgdtd [eax]")).toBe("lgdt [eax]");
    expect(normaliseDisasm("notrack call DWORD PTR [eax]")).toBe("call dword ptr ds:[eax]");
    // Not cosmetic: operand-size suffixes and addr16 stay.
    expect(normaliseDisasm("pushw 0x1")).not.toBe(normaliseDisasm("push 0x1"));
    expect(normaliseDisasm("addr16 loop 0x10")).not.toBe(normaliseDisasm("loop 0x10"));
  });

  it("agrees with objdump on the in-suite groups (mnemonic, operands, length)", () => {
    assertObjdumpAvailable();
    const { compared, mismatches } = compareDisassembly(corpus());
    const inSuite = mismatches.filter((m) => DISASM_IN_SUITE.includes(m.item.group));
    const others = mismatches.filter((m) => !DISASM_IN_SUITE.includes(m.item.group));
    if (others.length) {
      // Known disagreements in groups not yet in DISASM_IN_SUITE: printed, so they stay visible.
      console.log(`disassembler: ${others.length} mismatches outside the in-suite groups (of ${compared} encodings):\n` + others.slice(0, 40).map(formatDisasmMismatch).join("\n"));
    }
    expect(compared).toBeGreaterThan(1000);
    expect(inSuite.map(formatDisasmMismatch)).toEqual([]);
  }, 120_000);

  it("prints (bad) for encodings the modelled Pentium does not have", () => {
    for (const [h, why] of NOT_ON_MODELLED_CPU) {
      const [d] = disassemble(Uint8Array.from(fromHex(h)), 0);
      expect(d!.text, `${h}: ${why}`).toBe("(bad)");
    }
  });
});
