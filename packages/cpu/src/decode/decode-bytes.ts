import { undefinedOpcode } from "../exec/system.js";
import { decode } from "./decoder.js";
import { type DecodedInsn, Insn, REP_E } from "./insn.js";

/**
 * Decodes the instruction at the start of `bytes` (bytes past the end read as 0) for a host
 * that wants to know what an instruction is without running it — a monitor classifying the
 * instruction behind an exit. Returns null when it is longer than 15 bytes.
 */
export function decodeInstruction(bytes: Uint8Array, code32: boolean): DecodedInsn | null {
  const insn = new Insn(undefinedOpcode);
  try {
    decode((k) => bytes[k] ?? 0, code32, insn);
  } catch {
    return null;
  }
  return insn;
}

/**
 * The Intel mnemonic of a decoded instruction for its size (`cwde`, not `cbw|cwde`; JCXZ /
 * JECXZ go by the address size), and PAUSE for F3 90.
 */
export function mnemonicOf(insn: DecodedInsn): string {
  const m = insn.def?.mnem ?? "(bad)";
  if (insn.opcode === 0x90 && insn.rep === REP_E) return "pause";
  const bar = m.indexOf("|");
  if (bar < 0) return m;
  const size = insn.opcode === 0xe3 ? insn.adSize : insn.opSize;
  return size === 16 ? m.slice(0, bar) : m.slice(bar + 1);
}
