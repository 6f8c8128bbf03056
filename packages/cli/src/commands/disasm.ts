import { readFileSync } from "node:fs";
import { disassemble } from "@ringlab/cpu";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";

/** `ringlab disasm`: one line per instruction, `address: bytes  text`, as objdump lays it out. */
export function disasmCommand(image: string, org: number, code32: boolean): string {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(image));
  } catch (e) {
    throw new UserError(`${image}: cannot read the image (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.noInput);
  }
  const lines: string[] = [];
  for (const insn of disassemble(bytes, org, code32)) {
    const off = insn.addr - org;
    const hexBytes = [...bytes.subarray(off, off + insn.length)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    lines.push(`${(insn.addr >>> 0).toString(16).padStart(8, " ")}:\t${hexBytes.padEnd(21)}\t${insn.text}`);
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}
