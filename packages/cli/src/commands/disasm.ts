import { disassemble } from "@ringlab/cpu";
import { readInputFile } from "../read-input.js";

/** `ringlab disasm`: one line per instruction, `address: bytes  text`, as objdump lays it out. */
export function disasmCommand(image: string, org: number, code32: boolean): string {
  const bytes = readInputFile(image, "the image");
  const lines: string[] = [];
  for (const insn of disassemble(bytes, org, code32)) {
    const off = insn.addr - org;
    const hexBytes = [...bytes.subarray(off, off + insn.length)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    lines.push(`${(insn.addr >>> 0).toString(16).padStart(8, " ")}:\t${hexBytes.padEnd(21)}\t${insn.text}`);
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}
