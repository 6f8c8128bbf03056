import { disassemble } from "../../src/index.js";
import { notOnModelledCpu, OBJDUMP_UNNAMED } from "./disasm-corpus.js";
import { isInvalidText, normaliseDisasm } from "./disasm-normalise.js";
import { objdumpMany } from "./objdump.js";

/** One encoding to disassemble, tagged with the group it is reported under. */
export interface DisasmItem {
  group: string;
  bytes: number[];
  why: string;
}

export interface DisasmMismatch {
  item: DisasmItem;
  addr: number;
  objdump: string;
  ours: string;
  objdumpLength: number;
  oursLength: number;
}

/** Where the compared blob is placed (objdump --adjust-vma, and ringlab's origin). */
export const DISASM_ORG = 0x1000;
const ORG = DISASM_ORG;

/**
 * Disassembles every item with objdump and with ringlab's `disassemble` (the same blob at the
 * same origin, one item per 16-byte-aligned slot padded with NOPs), and compares the first
 * instruction of each slot: length, and normalised text (disasm-normalise.ts). `objdump`
 * gives objdump's answer: live by default, or recorded (fixtures.ts).
 */
export type ObjdumpAnswerer = (chunks: readonly (readonly number[])[], org: number) => ReturnType<typeof objdumpMany>;

export function compareDisassembly(items: readonly DisasmItem[], objdump: ObjdumpAnswerer = objdumpMany): { compared: number; mismatches: DisasmMismatch[] } {
  const ob = objdump(items.map((i) => i.bytes), ORG);
  const blob: number[] = [];
  for (const it of items) {
    blob.push(...it.bytes);
    const pad = 16 + ((16 - ((blob.length + 16) % 16)) % 16);
    for (let i = 0; i < pad; i++) blob.push(0x90);
  }
  const ours = new Map(disassemble(Uint8Array.from(blob), ORG).map((d) => [d.addr, d]));
  const mismatches: DisasmMismatch[] = [];
  items.forEach((item, k) => {
    const { addr, lines } = ob[k]!;
    const o = lines[0];
    const r = ours.get(addr);
    const objText = o ? o.text : "(no instruction)";
    const ourText = r ? r.text : "(no instruction at this address)";
    const objLen = o ? o.bytes.length : 0;
    const ourLen = r ? r.length : 0;
    const notHere = notOnModelledCpu(item.bytes);
    if (notHere !== undefined) {
      // objdump decodes a later processor's instruction here; the Pentium raises #UD.
      if (!isInvalidText(ourText)) mismatches.push({ item, addr, objdump: `(bad) expected: ${notHere}`, ours: ourText, objdumpLength: objLen, oursLength: ourLen });
      return;
    }
    const unnamed = OBJDUMP_UNNAMED.get(Buffer.from(item.bytes).toString("hex"));
    if (unnamed !== undefined) {
      if (normaliseDisasm(ourText) !== unnamed) mismatches.push({ item, addr, objdump: `${unnamed} expected (objdump: ${objText})`, ours: ourText, objdumpLength: objLen, oursLength: ourLen });
      return;
    }
    const bothInvalid = isInvalidText(objText) && isInvalidText(ourText);
    if (!bothInvalid && (objLen !== ourLen || normaliseDisasm(objText) !== normaliseDisasm(ourText))) {
      mismatches.push({ item, addr, objdump: objText, ours: ourText, objdumpLength: objLen, oursLength: ourLen });
    }
  });
  return { compared: items.length, mismatches };
}

export function formatDisasmMismatch(m: DisasmMismatch): string {
  const hexb = Buffer.from(m.item.bytes).toString("hex");
  return `[${m.item.group}] ${hexb} (${m.item.why}) @${m.addr.toString(16)}\n    objdump (${m.objdumpLength} bytes): ${m.objdump}\n    ringlab (${m.oursLength} bytes): ${m.ours}\n    normalised: '${normaliseDisasm(m.objdump)}' vs '${normaliseDisasm(m.ours)}'`;
}
