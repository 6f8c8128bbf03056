import { hex, le, modrm, REG16, REG32 } from "../encoding.js";
import { ESP } from "../layout.js";
import { conforming, dpl, effLimit, encodeDesc, expandDown, GDT_BASE, isPresent, readable, writableData, type Desc } from "./descriptors.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import type { Family, Template } from "../template.js";

/**
 * Segment loads in 32-bit protected mode at CPL 0, against a GDT the case fills in at
 * DATA_BASE (below the builder's operand area, DATA_BASE+0x100 up): MOV Sreg, PUSH/POP Sreg,
 * LDS/LES/LFS/LGS/LSS, then accesses through the loaded segment (its base added). Expected
 * outcomes follow SDM vol.2 "MOV—Move" / "POP" / "LDS/LES/LFS/LGS/LSS" protected-mode
 * pseudo-code and vol.3 5.3-5.6 (limit, type and privilege checks).
 */

const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
const SREG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"] as const;
/** Segment-override prefix of each segment register (SDM vol.2 2.1.1). */
const OVERRIDE = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

/** Per-case state the templates share: the GDT and which segment registers hold what. */
interface SegState {
  gdt: Desc[];
  /** Descriptor index loaded in each segment register (null selector: 0; flat: 2; CS: 1). */
  loaded: number[];
}

const states = new WeakMap<SequenceBuilder, SegState>();

/** Random descriptor of one of the kinds the checks distinguish. */
function randomDesc(b: SequenceBuilder): Desc {
  const r = b.rng;
  const kind = r.below(10);
  const base = r.range(0x3000, 0x5000) & ~r.pick([0, 3, 0xfff]);
  const g = r.chance(0.2);
  // Mostly large enough for the data region (accesses in the limit compare with Unicorn),
  // sometimes short (limit violations: ringlab checked against the SDM only).
  const limit = g ? r.pick([0xfffff, 0xfffff, 0xfffff, 0, 1, 3]) : r.chance(0.75) ? r.range(0x3000, 0xfffff) : r.range(0x400, 0x3000);
  const p = r.chance(0.88) ? 0x80 : 0;
  const dplBits = (r.chance(0.6) ? 0 : r.range(0, 3)) << 5;
  const acc = r.chance(0.5) ? 1 : 0;
  let type: number;
  let s = 0x10;
  if (kind <= 3) type = 0x2 | acc; // read/write data
  else if (kind === 4) type = acc; // read-only data
  else if (kind === 5) type = 0x4 | r.pick([0, 2]) | acc; // expand-down, RO or RW
  else if (kind === 6) type = 0xa | r.pick([0, 4]) | acc; // readable code, conforming or not
  else if (kind === 7) type = 0x8 | r.pick([0, 4]) | acc; // execute-only code
  else if (kind === 8) {
    s = 0; // system descriptor: LDT, TSS, gates
    type = r.pick([0x1, 0x2, 0x3, 0x9, 0xb, 0xc, 0x5, 0xe, 0xf]);
  } else type = 0x2 | acc;
  return { base, limit, access: p | dplBits | s | type, g, big: r.chance(0.85) };
}

function state(b: SequenceBuilder): SegState {
  let st = states.get(b);
  if (st) return st;
  const flatCode: Desc = { base: 0, limit: 0xfffff, access: 0x9b, g: true, big: true };
  const flatData: Desc = { base: 0, limit: 0xfffff, access: 0x93, g: true, big: true };
  const gdt: Desc[] = [{ base: 0, limit: 0, access: 0, g: false, big: false }, flatCode, flatData];
  const n = b.rng.range(3, 12);
  for (let i = 0; i < n; i++) gdt.push(randomDesc(b));
  b.fillBytes(GDT_BASE, gdt.flatMap(encodeDesc));
  st = { gdt, loaded: [2, 1, 2, 2, 2, 2] };
  states.set(b, st);
  b.gdt = [GDT_BASE, gdt.length * 8 - 1];
  return st;
}

/** A selector to load: mostly a GDT entry with a random RPL; sometimes null or past the limit. */
function pickSelector(b: SequenceBuilder, st: SegState): number {
  const r = b.rng;
  if (r.chance(0.1)) return r.range(0, 3); // null selector, any RPL
  if (r.chance(0.05)) return ((st.gdt.length + r.range(0, 3)) << 3) | r.range(0, 3); // beyond the GDT limit
  const idx = r.chance(0.15) ? r.range(1, 2) : r.range(3, st.gdt.length - 1);
  const rpl = r.chance(0.6) ? 0 : r.range(0, 3);
  return (idx << 3) | rpl;
}

/**
 * What loading `sel` into `seg` does at CPL 0 (SDM vol.2 MOV, protected-mode pseudo-code):
 * undefined = loads; otherwise [vector, error code].
 */
function loadOutcome(st: SegState, seg: number, sel: number): [number, number] | undefined {
  const idx = sel >> 3;
  const rpl = sel & 3;
  if (idx === 0) return seg === SS ? [13, 0] : undefined;
  if (idx * 8 + 7 > st.gdt.length * 8 - 1) return [13, sel & 0xfffc];
  const d = st.gdt[idx]!;
  if (seg === SS) {
    if (rpl !== 0 || !writableData(d) || dpl(d) !== 0) return [13, sel & 0xfffc];
    if (!isPresent(d)) return [12, sel & 0xfffc];
    return undefined;
  }
  if (!readable(d)) return [13, sel & 0xfffc];
  if (!conforming(d) && (rpl > dpl(d) || 0 > dpl(d))) return [13, sel & 0xfffc];
  if (!isPresent(d)) return [11, sel & 0xfffc];
  return undefined;
}

/** A flat segment register to read generator data through (CS stays flat in this family). */
function flatOverride(st: SegState): number[] {
  return st.loaded[DS] === 2 ? [] : [0x2e];
}

/** Emits a load of `sel` into `seg` by one of the instruction forms, with the fault the SDM gives it. */
function emitLoad(b: SequenceBuilder, st: SegState, seg: number, sel: number): void {
  const r = b.rng;
  const outcome = loadOutcome(st, seg, sel);
  const forms = seg === CS ? [0] : [0, 1, 2, 3, 3];
  let form = r.pick(forms);
  if (form === 2 && (st.loaded[SS] !== 2 || b.esp === undefined)) form = 0;
  switch (form) {
    case 0: {
      // MOV Sreg, r/m16 with a register; the upper bits of a 32-bit register are ignored.
      const reg = b.dstReg(32, [ESP]);
      const o16 = r.chance(0.3);
      b.pin32(reg, (sel | (r.chance(0.5) ? r.u32() & 0xffff0000 : 0)) >>> 0);
      b.insn([...(o16 ? [0x66] : []), 0x8e, modrm(3, seg, reg)], `mov ${SREG_NAMES[seg]}, ${o16 ? REG16[reg] : REG32[reg]}`, { mnemonic: "mov sreg" });
      break;
    }
    case 1: {
      const t = b.dataTarget(2);
      b.fillValue(t, sel, 2);
      const pre = flatOverride(st);
      b.insn([...pre, 0x8e, modrm(0, seg, 5), ...le(t, 4)], `mov ${SREG_NAMES[seg]}, word ptr ${pre.length ? "cs:" : ""}[${hex(t)}]`, { mnemonic: "mov sreg" });
      break;
    }
    case 2: {
      // PUSH imm32 then POP Sreg (POP reads the 32-bit slot and uses its low 16 bits).
      const v = (sel | (r.chance(0.5) ? r.u32() & 0xffff0000 : 0)) >>> 0;
      b.insn([0x68, ...le(v, 4)], `push ${hex(v)}`, { mnemonic: "push", esp: -4 });
      const pop: Record<number, number[]> = { [ES]: [0x07], [SS]: [0x17], [DS]: [0x1f], [FS]: [0x0f, 0xa1], [GS]: [0x0f, 0xa9] };
      // A faulting POP leaves ESP as it was (SDM vol.2 POP: the fault happens before ESP changes).
      b.insn(pop[seg]!, `pop ${SREG_NAMES[seg]}`, { mnemonic: "pop sreg", esp: outcome ? 0 : 4 });
      break;
    }
    default: {
      // LDS/LES/LFS/LGS/LSS r, m16:32 (or m16:16 with 0x66).
      const o16 = r.chance(0.25);
      const w = o16 ? 2 : 4;
      const t = b.dataTarget(w + 2);
      const off = r.u32();
      b.fillBytes(t, [...le(off, w), ...le(sel, 2)]);
      const reg = b.dstReg(32, [ESP]);
      const op: Record<number, number[]> = { [ES]: [0xc4], [DS]: [0xc5], [SS]: [0x0f, 0xb2], [FS]: [0x0f, 0xb4], [GS]: [0x0f, 0xb5] };
      const pre = flatOverride(st);
      const name = `l${SREG_NAMES[seg]![0]}${seg === SS ? "s" : SREG_NAMES[seg]![1]}`;
      b.insn([...(o16 ? [0x66] : []), ...pre, ...op[seg]!, modrm(0, reg, 5), ...le(t, 4)], `${name} ${o16 ? REG16[reg] : REG32[reg]}, ${pre.length ? "cs:" : ""}[${hex(t)}]`, {
        mnemonic: name,
        regs: [reg],
      });
    }
  }
  if (outcome) {
    b.expectVector = outcome[0];
    b.expectErrorCode = outcome[1];
    b.ended = true;
    return;
  }
  st.loaded[seg] = sel >> 3;
}

/** A 4-byte read or write through segment `seg`, at an offset inside (or past) its limit. */
function emitAccess(b: SequenceBuilder, st: SegState, seg: number): void {
  const r = b.rng;
  const d = st.gdt[st.loaded[seg]!]!;
  const t = b.dataTarget(4);
  b.fillRandom(t, 4);
  const off = (t - d.base) >>> 0;
  const write = r.chance(writableData(d) ? 0.5 : 0.15);
  const reg = b.dstReg(32, [ESP]);
  const bytes = [OVERRIDE[seg]!, write ? 0x89 : 0x8b, modrm(0, reg, 5), ...le(off, 4)];
  const text = write ? `mov dword ptr ${SREG_NAMES[seg]}:[${hex(off)}], ${REG32[reg]}` : `mov ${REG32[reg]}, dword ptr ${SREG_NAMES[seg]}:[${hex(off)}]`;
  b.insn(bytes, text, { mnemonic: "mov", regs: write ? [] : [reg] });
  const stackFault = seg === SS ? 12 : 13;
  // SDM vol.3 5.3: expand-up offsets 0..limit; expand-down limit+1..FFFFFFFFh (B=1) / FFFFh.
  const top = d.big ? 0xffffffff : 0xffff;
  const L = effLimit(d);
  const inLimit = expandDown(d) ? off > L && off + 3 <= top : off + 3 <= L;
  if (st.loaded[seg] === 0) {
    // A null selector in DS/ES/FS/GS loads, but any access through it is #GP(0) (SDM vol.3 5.4.1).
    b.tags.push("null-seg-access");
    b.expectVector = 13;
    b.expectErrorCode = 0;
    b.ended = true;
  } else if (!inLimit) {
    b.tags.push("seg-limit");
    b.expectVector = stackFault;
    b.expectErrorCode = 0;
    b.ended = true;
  } else if (write && !writableData(d)) {
    b.tags.push("seg-readonly-write");
    b.expectVector = 13;
    b.expectErrorCode = 0;
    b.ended = true;
  }
}

const loadTemplate: Template = {
  name: "load a segment register (MOV/POP/LxS), maybe access through it",
  gen(b) {
    const st = state(b);
    const seg = b.rng.chance(0.02) ? CS : b.rng.pick([ES, SS, DS, FS, GS, DS, ES]);
    if (seg === CS) {
      // MOV CS is #UD (SDM vol.2 MOV: "If the DS, ES, FS, GS, or SS register is being loaded..."; CS as destination: #UD).
      const reg = b.dstReg(32, [ESP]);
      b.insn([0x8e, modrm(3, CS, reg)], `mov cs, ${REG16[reg]}`, { mnemonic: "mov sreg" });
      b.expectVector = 6;
      b.ended = true;
      return;
    }
    const sel = pickSelector(b, st);
    emitLoad(b, st, seg, sel);
    // Accesses through a null selector fault where Unicorn does not (excluded): fewer of them.
    if (!b.ended && b.rng.chance(st.loaded[seg] === 0 ? 0.25 : 0.7)) emitAccess(b, st, seg);
  },
};

const pushSreg: Template = {
  name: "push sreg; pop r32",
  gen(b) {
    const st = state(b);
    if (st.loaded[SS] !== 2 || b.esp === undefined) return;
    const seg = b.rng.pick([ES, CS, SS, DS, FS, GS]);
    const push: number[] = [[0x06], [0x0e], [0x16], [0x1e], [0x0f, 0xa0], [0x0f, 0xa8]][seg]!;
    // A 32-bit PUSH Sreg either zero-extends or writes only 16 bits (SDM vol.2 PUSH):
    // zeros in the slot make both behaviours leave the same bytes.
    b.fillBytes(b.esp - 4, [0, 0, 0, 0]);
    b.insn(push, `push ${SREG_NAMES[seg]}`, { mnemonic: "push", esp: -4 });
    if (b.rng.chance(0.5)) {
      const reg = b.dstReg(32, [ESP]);
      b.insn([0x58 + reg], `pop ${REG32[reg]}`, { mnemonic: "pop", esp: 4, regs: [reg] });
    }
  },
};

const readSreg: Template = {
  name: "mov r16, sreg",
  gen(b) {
    state(b);
    const seg = b.rng.below(6);
    const reg = b.dstReg(16, [ESP]);
    // 16-bit form: with a 32-bit register the upper half is undefined on the Pentium (SDM vol.2 MOV).
    b.insn([0x66, 0x8c, modrm(3, seg, reg)], `mov ${REG16[reg]}, ${SREG_NAMES[seg]}`, { mnemonic: "mov", regs: [reg] });
  },
};

const accessTemplate: Template = {
  name: "access through an already loaded segment",
  gen(b) {
    const st = state(b);
    const seg = b.rng.pick([ES, DS, FS, GS, SS]);
    if (st.loaded[seg] === 0 && b.rng.chance(0.7)) return;
    emitAccess(b, st, seg);
  },
};

/** Segment loads at CPL 0 against a generated GDT, and accesses through the loaded segments. */
export const segloadFamily: Family = {
  name: "segload",
  description: "MOV/POP Sreg, LDS/LES/LFS/LGS/LSS with varied descriptors (null, #NP, #GP, #SS, expand-down), PUSH Sreg, MOV r, Sreg, accesses through the segment",
  templates: [loadTemplate, loadTemplate, loadTemplate, pushSreg, readSreg, accessTemplate],
};
