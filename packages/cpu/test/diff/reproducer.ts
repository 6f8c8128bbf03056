import type { FieldDiff } from "./compare.js";
import { flagText } from "./compare.js";
import type { DiffCase, MachineResult } from "./diff-case.js";
import { hex, REG32 } from "./encoding.js";
import { objdumpDisassemble } from "./objdump.js";

function stateText(r: MachineResult): string {
  const regs = r.regs.map((v, i) => `${REG32[i]}=${hex(v)}`).join(" ");
  const stop = r.stop.kind === "exception" ? `exception #${r.stop.vector}` : r.stop.kind === "error" ? `error (${r.stop.message})` : r.stop.kind === "crash" ? `crash (${r.stop.signal})` : r.stop.kind;
  return `${regs} eip=${hex(r.eip)} eflags=${flagText(r.eflags)} stop=${stop}`;
}

/**
 * A self-contained reproducer for one mismatch: the bytes (hex and objdump disassembly), the
 * initial state, the memory fills that matter, and both final states with the differing fields.
 */
export function formatReproducer(c: DiffCase, u: MachineResult, r: MachineResult, diffs: FieldDiff[]): string {
  const lines: string[] = [];
  const [base, cut] = c.id.split("/first");
  const [fam, seed, index] = base!.split(":");
  const regen = `generateCase(${seed}, ${index}, "${fam}")`;
  lines.push(`--- ${c.id} (family ${c.family}); regenerate: ${cut ? `prefixCase(${regen}, ${cut})` : regen}`);
  lines.push(`code @${hex(c.org)}: ${Buffer.from(c.code).toString("hex")}`);
  let dis: string[];
  try {
    dis = objdumpDisassemble(c.code, c.org).map((l) => `  ${l.addr.toString(16)}: ${Buffer.from(l.bytes).toString("hex").padEnd(24)} ${l.text}`);
  } catch (e) {
    dis = [`  (objdump unavailable: ${(e as Error).message})`, ...c.insns.map((i) => `  ${Buffer.from(i.bytes).toString("hex").padEnd(24)} ${i.note}`)];
  }
  lines.push("objdump:", ...dis);
  lines.push(`generator: ${c.insns.map((i) => i.note).join(" ; ")}`);
  lines.push(`initial: ${c.regs.map((v, i) => `${REG32[i]}=${hex(v)}`).join(" ")} eflags=${flagText(c.eflags)}`);
  // fill[0] is the random stack window every case starts with (sequence-builder.ts); the
  // others are the operands' surroundings. Long fills are shortened in the listing only.
  const fills = c.fill.slice(1).map(([a, b]) => `${hex(a)}:${Buffer.from(b.slice(0, 48)).toString("hex")}${b.length > 48 ? `..(${b.length} bytes)` : ""}`);
  lines.push(`memory: stack window ${hex(c.fill[0]?.[0] ?? 0)}+${c.fill[0]?.[1].length ?? 0} random bytes; fills ${fills.join(" ") || "(none)"}`);
  lines.push(`masked (SDM-undefined): flags=${flagText(c.mask.flags)} regs=[${c.mask.regs.map((i) => REG32[i]).join(",")}] mem=${JSON.stringify(c.mask.mem)}`);
  lines.push(`unicorn: ${stateText(u)}`);
  lines.push(`ringlab: ${stateText(r)}`);
  for (const d of diffs) lines.push(`  ${d.field}: unicorn ${d.unicorn} | ringlab ${d.cpu}`);
  return lines.join("\n");
}
