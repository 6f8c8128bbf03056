import type { DiffCase, MachineResult } from "./diff-case.js";
import { hex, REG32 } from "./encoding.js";
import { AF, CF, COMPARED_FLAGS, DF, IF, OF, PF, SF, TF, ZF } from "./layout.js";

const SREG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"] as const;

/** One field where the two machines disagree. */
export interface FieldDiff {
  field: string;
  unicorn: string;
  cpu: string;
}

const FLAG_NAMES: [number, string][] = [[CF, "CF"], [PF, "PF"], [AF, "AF"], [ZF, "ZF"], [SF, "SF"], [TF, "TF"], [IF, "IF"], [DF, "DF"], [OF, "OF"]];

/** `CF ZF` for the named flags set in `v`, plus any other bits in hex. */
export function flagText(v: number): string {
  const names = FLAG_NAMES.filter(([bit]) => v & bit).map(([, n]) => n);
  const known = FLAG_NAMES.reduce((a, [bit]) => a | bit, 0) | 0x2;
  const other = v & ~known;
  return `${hex(v)}${names.length ? ` [${names.join(" ")}]` : ""}${other ? ` other=${hex(other)}` : ""}`;
}

function stopText(r: MachineResult): string {
  const s = r.stop;
  return s.kind === "exception" ? `exception #${s.vector}` : s.kind === "error" ? `error: ${s.message}` : s.kind === "crash" ? `crash (${s.signal})` : s.kind;
}

function inMasked(c: DiffCase, addr: number): boolean {
  return c.mask.mem.some(([a, n]) => addr >= a && addr < a + n);
}

/**
 * Compares two final states field by field. Masked: flags in `c.mask.flags` (SDM-undefined),
 * registers in `c.mask.regs`, memory in `c.mask.mem`. Everything else must be identical.
 */
export function compareResults(c: DiffCase, u: MachineResult, r: MachineResult): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const us = stopText(u), rs = stopText(r);
  if (us !== rs) diffs.push({ field: "stop", unicorn: us, cpu: rs });
  for (let i = 0; i < 8; i++) {
    if (c.mask.regs.includes(i)) continue;
    if (u.regs[i] !== r.regs[i]) diffs.push({ field: REG32[i]!, unicorn: hex(u.regs[i]!), cpu: hex(r.regs[i]!) });
  }
  if (u.eip !== r.eip) diffs.push({ field: "eip", unicorn: hex(u.eip), cpu: hex(r.eip) });
  const fm = COMPARED_FLAGS & ~c.mask.flags;
  if ((u.eflags & fm) !== (r.eflags & fm)) {
    diffs.push({ field: "eflags", unicorn: flagText(u.eflags & fm), cpu: flagText(r.eflags & fm) + ` (differ: ${flagText((u.eflags ^ r.eflags) & fm)})` });
  }
  if (c.gdt) {
    for (let i = 0; i < 6; i++) {
      const a = u.sregs?.[i], b = r.sregs?.[i];
      if (a !== b) diffs.push({ field: SREG_NAMES[i]!, unicorn: a === undefined ? "?" : hex(a), cpu: b === undefined ? "?" : hex(b) });
    }
  }
  if (c.paging && u.cr2 !== r.cr2) diffs.push({ field: "cr2", unicorn: u.cr2 === undefined ? "?" : hex(u.cr2), cpu: r.cr2 === undefined ? "?" : hex(r.cr2) });
  if (c.expectErrorCode !== undefined && r.stop.kind === "exception" && r.errorCode !== c.expectErrorCode) {
    // Unicorn's interrupt hook has no error code: ringlab is checked against the SDM's.
    diffs.push({ field: "error code (vs the SDM; Unicorn cannot report it)", unicorn: hex(c.expectErrorCode), cpu: r.errorCode === undefined ? "none" : hex(r.errorCode) });
  }
  const addrs = new Set([...u.mem.keys(), ...r.mem.keys()]);
  const bad = [...addrs].filter((a) => !inMasked(c, a) && u.mem.get(a) !== r.mem.get(a)).sort((a, b) => a - b);
  if (bad.length) {
    const show = (m: Map<number, number>) =>
      bad.slice(0, 16).map((a) => `${hex(a)}=${m.has(a) ? m.get(a)!.toString(16).padStart(2, "0") : "(unchanged)"}`).join(" ") + (bad.length > 16 ? ` ... (${bad.length} bytes)` : "");
    diffs.push({ field: "memory", unicorn: show(u.mem), cpu: show(r.mem) });
  }
  return diffs;
}
