import { undefinedOpcode } from "../exec/system.js";
import { decode } from "./decoder.js";
import { type DecodedInsn, Insn } from "./insn.js";

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

/** The Intel mnemonic of a decoded instruction for its operand size (`cwde`, not `cbw|cwde`). */
export function mnemonicOf(insn: DecodedInsn): string {
  const m = insn.def?.mnem ?? "(bad)";
  const bar = m.indexOf("|");
  if (bar < 0) return m;
  return insn.opSize === 16 ? m.slice(0, bar) : m.slice(bar + 1);
}
