import { extra, itNeeds, skipWithReason } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { disassemble } from "../../src/index.js";
import { DISASM_CORPUS, disasmItems } from "./corpora.js";
import { compareDisassembly, type DisasmItem, formatDisasmMismatch, type ObjdumpAnswerer } from "./disasm-compare.js";
import { NOT_ON_MODELLED_CPU } from "./disasm-corpus.js";
import { normaliseDisasm } from "./disasm-normalise.js";
import { DISASM_IN_SUITE } from "./families.js";
import { loadObjdumpAnswers, objdumpRecheck, RECORD_COMMAND, recordedObjdumpMany } from "./fixtures.js";
import { objdumpMany } from "./objdump.js";

const fromHex = (h: string) => [...Buffer.from(h, "hex")];

/**
 * The corpus (corpora.ts: the tricky encodings and every distinct instruction of generated
 * cases) is compared with objdump's recorded answers (fixtures.ts), so it needs no objdump;
 * where objdump is installed, the recording is re-checked against it. RINGLAB_DISASM_SEED /
 * RINGLAB_DISASM_CASES ask for another corpus, which only live objdump can answer.
 */
const seedOverride = process.env.RINGLAB_DISASM_SEED;
const casesOverride = process.env.RINGLAB_DISASM_CASES;
const CUSTOM = seedOverride !== undefined || casesOverride !== undefined;

function expectAgreement(items: readonly DisasmItem[], objdump: ObjdumpAnswerer): void {
  const { compared, mismatches } = compareDisassembly(items, objdump);
  const inSuite = mismatches.filter((m) => DISASM_IN_SUITE.includes(m.item.group));
  const others = mismatches.filter((m) => !DISASM_IN_SUITE.includes(m.item.group));
  if (others.length) {
    // Known disagreements in groups not yet in DISASM_IN_SUITE: printed, so they stay visible.
    console.log(`disassembler: ${others.length} mismatches outside the in-suite groups (of ${compared} encodings):\n` + others.slice(0, 40).map(formatDisasmMismatch).join("\n"));
  }
  expect(compared).toBeGreaterThan(1000);
  expect(inSuite.map(formatDisasmMismatch)).toEqual([]);
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

  if (!CUSTOM) {
    it("agrees with objdump's recorded answers on the in-suite groups (mnemonic, operands, length)", () => {
      expectAgreement(disasmItems(), (chunks, org) => recordedObjdumpMany("disasm-corpus", chunks, org));
    }, 120_000);

    itNeeds("objdump", "objdump still gives exactly the recorded answers for the corpus (live re-check)", (ctx) => {
      const version = extra("objdump").version!;
      const rec = loadObjdumpAnswers("disasm-corpus");
      if (version !== rec.objdump) skipWithReason(ctx, `the answers were recorded with ${rec.objdump}, this machine has ${version} (re-record with \`${RECORD_COMMAND}\` if it is to be the reference)`);
      const { differ, shown } = objdumpRecheck("disasm-corpus", version);
      expect(shown, `${differ} recorded answers are not what ${version} gives now: re-record with \`${RECORD_COMMAND}\``).toEqual([]);
    }, 120_000);
  } else {
    itNeeds("objdump", `agrees with live objdump on the in-suite groups (seed ${seedOverride ?? DISASM_CORPUS.seed}, ${casesOverride ?? DISASM_CORPUS.flatCases} cases)`, () => {
      expectAgreement(disasmItems(Number(seedOverride ?? DISASM_CORPUS.seed), Number(casesOverride ?? DISASM_CORPUS.flatCases)), objdumpMany);
    }, 120_000);
  }

  it("prints (bad) for encodings the modelled Pentium does not have", () => {
    for (const [h, why] of NOT_ON_MODELLED_CPU) {
      const [d] = disassemble(Uint8Array.from(fromHex(h)), 0);
      expect(d!.text, `${h}: ${why}`).toBe("(bad)");
    }
  });
});
