import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extraPath } from "@ringlab/testkit";

/**
 * GNU objdump (binutils) is the `objdump` extra of @ringlab/testkit: tests that run it live
 * call `needs(ctx, "objdump")` first; its recorded answers (fixtures.ts) need no objdump.
 * Without it these functions throw the extra's reason (which says how to install it).
 */

export interface ObjdumpLine {
  addr: number;
  /** Raw bytes objdump assigned to the instruction. */
  bytes: number[];
  /** Intel-syntax text exactly as objdump printed it (tabs collapsed to one space). */
  text: string;
}

/**
 * Disassembles raw 32-bit code with `objdump -D -b binary -mi386 -Mintel`.
 * objdump continues long encodings on extra lines (bytes only); those are merged back.
 */
export function objdumpDisassemble(bytes: Uint8Array | readonly number[], org: number): ObjdumpLine[] {
  const dir = mkdtempSync(join(tmpdir(), "ringlab-objdump-"));
  try {
    const file = join(dir, "code.bin");
    writeFileSync(file, Uint8Array.from(bytes));
    const r = spawnSync(extraPath("objdump"), ["-D", "-b", "binary", "-mi386", "-Mintel", `--adjust-vma=0x${org.toString(16)}`, file], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.error || r.status !== 0) throw new Error(`objdump failed: ${r.error?.message ?? r.stderr}`);
    const out: ObjdumpLine[] = [];
    for (const line of r.stdout.split("\n")) {
      const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*(?:\t(.*))?$/.exec(line);
      if (!m) continue;
      const addr = parseInt(m[1]!, 16);
      const bs = m[2]!.trim().split(" ").map((h) => parseInt(h, 16));
      const text = (m[3] ?? "").replace(/\s+/g, " ").trim();
      const prev = out[out.length - 1];
      if (m[3] === undefined && prev && prev.addr + prev.bytes.length === addr) prev.bytes.push(...bs);
      else out.push({ addr, bytes: bs, text });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Disassembles many independent chunks with one objdump process: each chunk is placed at a
 * 16-byte aligned offset from `org` followed by at least 16 NOPs, so objdump re-synchronises
 * at every chunk start whatever it made of the previous one. Returns, per chunk, the lines
 * that start inside it, and the chunk's address in the blob.
 */
export function objdumpMany(chunks: readonly (readonly number[])[], org = 0): { addr: number; lines: ObjdumpLine[] }[] {
  const blob: number[] = [];
  const starts: number[] = [];
  for (const c of chunks) {
    starts.push(org + blob.length);
    blob.push(...c);
    const pad = 16 + ((16 - ((blob.length + 16) % 16)) % 16);
    for (let i = 0; i < pad; i++) blob.push(0x90);
  }
  const lines = objdumpDisassemble(blob, org);
  const out = chunks.map((c, i) => ({ addr: starts[i]!, lines: [] as ObjdumpLine[], end: starts[i]! + c.length }));
  let k = 0;
  for (const l of lines) {
    while (k < out.length && l.addr >= out[k]!.end) k++;
    if (k === out.length) break;
    if (l.addr >= out[k]!.addr) out[k]!.lines.push(l);
  }
  return out.map(({ addr, lines: ls }) => ({ addr, lines: ls }));
}
