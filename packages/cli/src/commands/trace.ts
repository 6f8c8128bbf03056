import { closeSync, openSync, writeSync } from "node:fs";
import { decodeInstruction, disassemble, x87TraceLine } from "@ringlab/cpu";
import type { Machine } from "@ringlab/machine";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";

/** Lines buffered before a write: tracing is slow anyway, but not one syscall a line. */
const FLUSH_LINES = 4096;

/**
 * `--trace FILE`: one line per instruction before it runs — its number (instructions retired
 * before it, plus one), CS:EIP, linear address and disassembly. The CPU steps one instruction
 * at a time while tracing. Under scan-patch and pvi an instruction that exits shows twice
 * with the same number: first as the guest ran it deprivileged (CS's RPL is the ring it
 * ran in), then as the monitor ran it in the guest's own view. An x87 instruction (D8-DF,
 * or WAIT) is followed by an indented line with the x87 state it left (the stack registers in
 * use, as 80-bit images and values), so a trace shows what each FPU instruction computed. Returns a function that flushes and closes the file.
 */
export function startTrace(machine: Machine, path: string): () => void {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new UserError(`--trace: cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, ExitCode.cannotWrite);
  }
  const cpu = machine.cpu;
  const hex = (v: number, n: number) => (v >>> 0).toString(16).toUpperCase().padStart(n, "0");
  let lines: string[] = [];
  const flush = () => {
    if (lines.length) writeSync(fd, lines.join("\n") + "\n");
    lines = [];
  };
  // The state an x87 instruction leaves is known only when the next one is about to start
  // (or when the trace ends).
  let afterX87 = false;
  const x87Lines = () => {
    if (afterX87) lines.push(`            ${x87TraceLine(cpu.fpu)}`);
    afterX87 = false;
  };
  cpu.traceHook = (lin, eip) => {
    x87Lines();
    const count = machine.clock.instructions + 1;
    const bytes = cpu.peekLinear(lin, 16);
    const text = disassemble(bytes, lin, cpu.code32)[0]?.text ?? "(not mapped)";
    const opcode = decodeInstruction(bytes, cpu.code32)?.opcode ?? -1;
    afterX87 = (opcode >= 0xd8 && opcode <= 0xdf) || opcode === 0x9b;
    lines.push(`${String(count).padStart(10)}  ${hex(cpu.segSel[1]!, 4)}:${hex(eip, cpu.code32 ? 8 : 4)}  ${hex(lin, 8)}  ${text}`);
    if (lines.length >= FLUSH_LINES) flush();
  };
  return () => {
    cpu.traceHook = undefined;
    x87Lines();
    flush();
    closeSync(fd);
  };
}
