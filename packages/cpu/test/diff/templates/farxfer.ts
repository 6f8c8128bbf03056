import { hex, le, modrm, REG32 } from "../encoding.js";
import { ESP } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import type { Family, Template } from "../template.js";
import { conforming, dpl, effLimit, encodeDesc, GDT_BASE, isCode, isPresent, type Desc } from "./descriptors.js";

/**
 * Far JMP / CALL / RETF between same-privilege (CPL 0) code segments of a GDT the case fills
 * in. All code segments have base 0, so linear = offset and every target stays in the block.
 * Outcomes follow the protected-mode pseudo-code of SDM vol.2 "JMP", "CALL" and "RET"
 * (far forms): selector, type, privilege, presence, then the offset against the limit.
 */

interface FarState {
  gdt: Desc[];
}

const states = new WeakMap<SequenceBuilder, FarState>();

/**
 * System types that JMP/CALL/RET reject outright with #GP(selector): the reserved types, LDT
 * and interrupt/trap gates. Call/task gates and TSSs (gate transfers, task switches) are
 * not generated.
 */
const REJECTED_SYSTEM_TYPES = [0x0, 0x2, 0x8, 0xa, 0xd, 0xe, 0xf];

function randomCodeDesc(b: SequenceBuilder): Desc {
  const r = b.rng;
  // Mostly accessed already: Unicorn does not set the bit when a far transfer loads CS
  // (excluded as unicorn-cs-accessed-bit), so only some descriptors start with A = 0.
  const acc = r.chance(0.85) ? 1 : 0;
  const read = r.chance(0.5) ? 2 : 0;
  const big: Desc = { base: 0, limit: 0xfffff, access: 0x80 | 0x10 | 0x8 | read | acc, g: true, big: true };
  if (r.chance(0.3)) {
    big.g = false;
    big.limit = r.range(0x3000, 0xfffff);
  }
  switch (r.below(10)) {
    case 4: // conforming, any DPL (DPL > CPL is #GP)
      return { ...big, access: big.access | 0x4 | (r.range(0, 3) << 5) };
    case 5: // nonconforming, DPL != CPL
      return { ...big, access: big.access | (r.range(1, 3) << 5) };
    case 6: // limit below every target: #GP(0) on the transfer
      return { ...big, g: false, limit: r.range(0, 0xfff) };
    case 7: // data segment
      return { ...big, access: 0x80 | 0x10 | r.range(0, 7) };
    case 8: // system descriptor
      return { ...big, access: 0x80 | r.pick(REJECTED_SYSTEM_TYPES) };
    case 9: // not present
      return { ...big, access: big.access & ~0x80 };
    default:
      return big;
  }
}

function state(b: SequenceBuilder): FarState {
  let st = states.get(b);
  if (st) return st;
  const gdt: Desc[] = [
    { base: 0, limit: 0, access: 0, g: false, big: false },
    { base: 0, limit: 0xfffff, access: 0x9b, g: true, big: true },
    { base: 0, limit: 0xfffff, access: 0x93, g: true, big: true },
  ];
  const n = b.rng.range(3, 10);
  for (let i = 0; i < n; i++) gdt.push(randomCodeDesc(b));
  b.fillBytes(GDT_BASE, gdt.flatMap(encodeDesc));
  b.gdt = [GDT_BASE, gdt.length * 8 - 1];
  st = { gdt };
  states.set(b, st);
  return st;
}

/** A target selector: mostly a GDT entry; sometimes null, past the limit, or with RPL > 0. */
function pickSelector(b: SequenceBuilder, st: FarState, rplOk: boolean): number {
  const r = b.rng;
  if (r.chance(0.05)) return rplOk ? r.range(0, 3) : 0;
  if (r.chance(0.04)) return ((st.gdt.length + r.range(0, 3)) << 3) | (rplOk ? r.range(0, 3) : 0);
  const idx = r.chance(0.25) ? 1 : r.range(2, st.gdt.length - 1);
  return (idx << 3) | (rplOk && r.chance(0.25) ? r.range(1, 3) : 0);
}

/**
 * The fault a far JMP/CALL (`ret` false) or a same-privilege far RET (`ret` true, RPL 0) to
 * sel:off raises at CPL 0, as [vector, error code]; undefined = it transfers.
 */
function farOutcome(st: FarState, sel: number, off: number, ret: boolean): [number, number] | undefined {
  const idx = sel >> 3, rpl = sel & 3, err = sel & 0xfffc;
  if (idx === 0) return [13, 0];
  if (idx * 8 + 7 > st.gdt.length * 8 - 1) return [13, err];
  const d = st.gdt[idx]!;
  if (!isCode(d)) return [13, err];
  if (ret) {
    // RET: conforming needs DPL <= RPL, nonconforming DPL = RPL (RPL = CPL = 0 here).
    if (conforming(d) ? dpl(d) > rpl : dpl(d) !== rpl) return [13, err];
  } else if (conforming(d) ? dpl(d) > 0 : rpl > 0 || dpl(d) !== 0) return [13, err];
  if (!isPresent(d)) return [11, err];
  if (off > effLimit(d)) return [13, 0];
  return undefined;
}

/** 0-2 `mov r32, imm32` that a taken transfer skips (or a callee runs). */
function body(b: SequenceBuilder): { bytes: number[]; note: string; reg: number }[] {
  const out: { bytes: number[]; note: string; reg: number }[] = [];
  for (let i = b.rng.below(3); i > 0; i--) {
    const reg = b.dstReg(32, [ESP]);
    const v = b.rng.edge(32);
    out.push({ bytes: [0xb8 + reg, ...le(v, 4)], note: `mov ${REG32[reg]}, ${hex(v)}`, reg });
  }
  return out;
}

const len = (parts: { bytes: number[] }[]) => parts.reduce((n, p) => n + p.bytes.length, 0);

function emitBody(b: SequenceBuilder, parts: { bytes: number[]; note: string; reg: number }[]): void {
  for (const p of parts) b.insn(p.bytes, p.note, { mnemonic: "mov", regs: [p.reg] });
}

/**
 * After a transfer that loaded CS from `sel`: a descriptor with A = 0 gets it set (SDM vol.3
 * 3.4.5.1), which Unicorn omits: the case is tagged for the unicorn-cs-accessed-bit exclusion.
 */
function loadedCs(b: SequenceBuilder, st: FarState, sel: number): void {
  if (!((st.gdt[sel >> 3]!.access & 1))) b.tags.push("cs-accessed-bit");
}

function expect(b: SequenceBuilder, outcome: [number, number]): void {
  b.expectVector = outcome[0];
  b.expectErrorCode = outcome[1];
  b.ended = true;
}

/** The far pointer operand of JMP/CALL: ptr16:32 (ptr16:16) in the instruction, or m16:32 (m16:16) in data. */
function farOperand(b: SequenceBuilder, o16: boolean, direct: boolean, directOp: number, group: number, target: number, sel: number): number[] {
  const p = o16 ? [0x66] : [];
  const w = o16 ? 2 : 4;
  if (direct) return [...p, directOp, ...le(target, w), ...le(sel, 2)];
  const t = b.dataTarget(w + 2);
  b.fillBytes(t, [...le(target, w), ...le(sel, 2)]);
  return [...p, 0xff, modrm(0, group, 5), ...le(t, 4)];
}

const farJmp: Template = {
  name: "jmp far ptr16:32 | m16:32 (16-bit forms too)",
  gen(b) {
    const st = state(b);
    const o16 = b.rng.chance(0.2);
    const direct = b.rng.chance(0.5);
    const sel = pickSelector(b, st, true);
    const skip = body(b);
    const insnLen = (o16 ? 1 : 0) + (direct ? 1 + (o16 ? 2 : 4) + 2 : 6);
    const target = b.pc + insnLen + len(skip);
    const bytes = farOperand(b, o16, direct, 0xea, 5, target, sel);
    b.insn(bytes, `jmp far ${direct ? `${hex(sel)}:${hex(target)}` : "[m16:" + (o16 ? "16" : "32") + "]"}`, { mnemonic: "jmp far" });
    const outcome = farOutcome(st, sel, target, false);
    if (outcome) return expect(b, outcome);
    loadedCs(b, st, sel);
    emitBody(b, skip);
  },
};

const farCallRet: Template = {
  name: "call far ptr | m; jmp short over the callee; callee: retf [imm16]",
  gen(b) {
    const st = state(b);
    if (b.esp === undefined) return;
    const o16 = b.rng.chance(0.2);
    const w = o16 ? 2 : 4;
    const direct = b.rng.chance(0.5);
    const sel = pickSelector(b, st, true);
    const callee = body(b);
    const imm = b.rng.chance(0.4) ? b.rng.range(0, 24) : undefined;
    const retf = [...(o16 ? [0x66] : []), ...(imm === undefined ? [0xcb] : [0xca, ...le(imm, 2)])];
    const insnLen = (o16 ? 1 : 0) + (direct ? 1 + w + 2 : 6);
    const target = b.pc + insnLen + 2;
    // CALL pushes CS "padded" to the operand size (SDM vol.2 CALL): zeros in the slots make a
    // zero-extending push and a 16-bit write leave the same bytes.
    b.fillBytes(b.esp - 2 * w, new Array(2 * w).fill(0));
    const bytes = farOperand(b, o16, direct, 0x9a, 3, target, sel);
    b.insn(bytes, `call far ${direct ? `${hex(sel)}:${hex(target)}` : "[m16:" + (o16 ? "16" : "32") + "]"}`, { mnemonic: "call far", esp: -2 * w });
    const outcome = farOutcome(st, sel, target, false);
    if (outcome) return expect(b, outcome);
    loadedCs(b, st, sel);
    const over = len(callee) + retf.length;
    b.insn([0xeb, over], `jmp ${hex(b.pc + 2 + over)}`, { mnemonic: "jmp" });
    emitBody(b, callee);
    b.insn(retf, `retf${o16 ? "w" : ""}${imm === undefined ? "" : " " + hex(imm)}`, { mnemonic: "retf", esp: 2 * w + (imm ?? 0) });
  },
};

const retfJump: Template = {
  name: "push sel; push off; retf [imm16] (a far transfer through RET)",
  gen(b) {
    const st = state(b);
    if (b.esp === undefined) return;
    const o16 = b.rng.chance(0.2);
    const w = o16 ? 2 : 4;
    const p = o16 ? [0x66] : [];
    // RPL 0 only: RPL > CPL would be a return to an outer level (SS:ESP popped too).
    const sel = pickSelector(b, st, false);
    const imm = b.rng.chance(0.3) ? b.rng.range(0, 16) : undefined;
    const retf = [...p, ...(imm === undefined ? [0xcb] : [0xca, ...le(imm, 2)])];
    const skip = body(b);
    const pushSelLen = p.length + 1 + w;
    const pushOffLen = p.length + 1 + w;
    const target = b.pc + pushSelLen + pushOffLen + retf.length + len(skip);
    // With a 32-bit slot, RETF uses the low 16 bits of the selector's slot (SDM vol.2 RET).
    const selSlot = o16 ? sel : (sel | (b.rng.u32() & 0xffff0000)) >>> 0;
    b.insn([...p, 0x68, ...le(selSlot, w)], `push${o16 ? "w" : ""} ${hex(selSlot)}`, { mnemonic: "push", esp: -w });
    b.insn([...p, 0x68, ...le(target, w)], `push${o16 ? "w" : ""} ${hex(target)}`, { mnemonic: "push", esp: -w });
    b.insn(retf, `retf${o16 ? "w" : ""}${imm === undefined ? "" : " " + hex(imm)}`, { mnemonic: "retf", esp: 2 * w + (imm ?? 0) });
    const outcome = farOutcome(st, sel, target, true);
    // Unicorn's far RET does not check the new EIP against the CS limit (nor does it check
    // fetches against it): unicorn-retf-no-limit-check.
    if (outcome && outcome[0] === 13 && outcome[1] === 0 && sel >> 3 !== 0) b.tags.push("retf-limit");
    if (outcome) return expect(b, outcome);
    loadedCs(b, st, sel);
    emitBody(b, skip);
  },
};

/** Far transfers between CPL-0 code segments. */
export const farxferFamily: Family = {
  name: "farxfer",
  description: "JMP/CALL far (ptr16:32, m16:32, 16-bit forms), RETF and RETF imm16 at CPL 0 with varied code descriptors (#GP, #NP, limit)",
  templates: [farJmp, farCallRet, farCallRet, retfJump],
};
