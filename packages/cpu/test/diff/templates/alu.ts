import { fullReg, hex, imm, mask, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { AF, CF, OF, PF, SF, STATUS_FLAGS, ZF } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import { pickSize, type Family, type Template } from "../template.js";
import { undefinedFlags } from "../undefined-flags.js";

/** ADD OR ADC SBB AND SUB XOR CMP, in opcode order (SDM vol.2 appendix A, group 1). */
export const ALU_OPS = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;

/** Flags an ALU op reads and defines (SDM vol.2 "Flags Affected" of each instruction). */
export function aluFlags(op: string): { reads: number; writes: number; undef: number } {
  const undef = undefinedFlags(op);
  return { reads: op === "adc" || op === "sbb" ? CF : 0, writes: STATUS_FLAGS & ~undef, undef };
}

/** An r/m operand: a register or a memory operand filled with an edge value. */
export function rmOperand(b: SequenceBuilder, size: OpSize, dest: boolean, avoid: number[] = []) {
  if (b.rng.chance(0.45)) {
    const m = b.mem({ size: size / 8, avoid, espOk: true, readOnly: !dest });
    if (b.rng.chance(0.7)) b.fillValue(m.ea, b.rng.edge(size), size / 8);
    return { mem: m, reg: undefined as number | undefined };
  }
  const reg = dest ? b.dstReg(size, avoid) : b.srcReg(avoid);
  return { mem: undefined, reg };
}

const aluRm: Template = {
  name: "alu r/m, r | r, r/m",
  gen(b) {
    const op = b.rng.below(8);
    const name = ALU_OPS[op]!;
    const size = pickSize(b);
    const toRm = b.rng.chance(0.5);
    const rm = rmOperand(b, size, toRm && name !== "cmp");
    const reg = toRm || name === "cmp" ? b.srcReg() : b.dstReg(size);
    const lock = rm.mem && toRm && name !== "cmp" && b.rng.chance(0.15) ? [0xf0] : [];
    const opcode = op * 8 + (toRm ? 0 : 2) + (size === 8 ? 0 : 1);
    const bytes = [...lock, ...osPrefix(size), ...(rm.mem?.prefix ?? []), opcode, ...(rm.mem ? rm.mem.encode(reg) : [modrm(3, reg, rm.reg!)])];
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    const text = toRm ? `${name} ${rmText}, ${regName(reg, size)}` : `${name} ${regName(reg, size)}, ${rmText}`;
    const destReg = name === "cmp" ? undefined : toRm ? rm.reg : reg;
    b.insn(bytes, (lock.length ? "lock " : "") + text, { mnemonic: name, ...aluFlags(name), regs: destReg === undefined ? [] : [fullReg(destReg, size)] });
  },
};

const aluImm: Template = {
  name: "alu r/m, imm | acc, imm",
  gen(b) {
    const op = b.rng.below(8);
    const name = ALU_OPS[op]!;
    const size = pickSize(b);
    const form = b.rng.below(4); // 0: acc,imm  1: 80/81  2: 83 (sign-extended imm8)  3: 82 alias is invalid in 64-bit only; use 80
    if (form === 0) {
      const v = b.rng.edge(size);
      const bytes = [...osPrefix(size), op * 8 + (size === 8 ? 4 : 5), ...imm(v, size)];
      b.insn(bytes, `${name} ${regName(0, size)}, ${hex(v)}`, { mnemonic: name, ...aluFlags(name), regs: name === "cmp" ? [] : [0] });
      return;
    }
    const rm = rmOperand(b, size, name !== "cmp");
    const se8 = form === 2 && size !== 8;
    const v = se8 ? b.rng.edge(8) : b.rng.edge(size);
    const opcode = size === 8 ? 0x80 : se8 ? 0x83 : 0x81;
    const lock = rm.mem && name !== "cmp" && b.rng.chance(0.15) ? [0xf0] : [];
    const bytes = [...lock, ...osPrefix(size), ...(rm.mem?.prefix ?? []), opcode, ...(rm.mem ? rm.mem.encode(op) : [modrm(3, op, rm.reg!)]), ...(se8 ? [v] : imm(v, size))];
    const shown = se8 ? ((v << 24) >> 24) & mask(size) : v;
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    b.insn(bytes, `${lock.length ? "lock " : ""}${name} ${rmText}, ${hex(shown)}`, {
      mnemonic: name,
      ...aluFlags(name),
      regs: name === "cmp" || rm.reg === undefined ? [] : [fullReg(rm.reg, size)],
    });
  },
};

const testOp: Template = {
  name: "test",
  gen(b) {
    const size = pickSize(b);
    const fx = { mnemonic: "test", reads: 0, writes: CF | OF | SF | ZF | PF, undef: AF, regs: [] };
    const form = b.rng.below(3);
    if (form === 0) {
      const v = b.rng.edge(size);
      b.insn([...osPrefix(size), size === 8 ? 0xa8 : 0xa9, ...imm(v, size)], `test ${regName(0, size)}, ${hex(v)}`, fx);
      return;
    }
    const rm = rmOperand(b, size, false);
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    const enc = (reg: number) => (rm.mem ? rm.mem.encode(reg) : [modrm(3, reg, rm.reg!)]);
    if (form === 1) {
      const r = b.srcReg();
      b.insn([...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0x84 : 0x85, ...enc(r)], `test ${rmText}, ${regName(r, size)}`, fx);
    } else {
      const v = b.rng.edge(size);
      b.insn([...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0xf6 : 0xf7, ...enc(0), ...imm(v, size)], `test ${rmText}, ${hex(v)}`, fx);
    }
  },
};

const incDec: Template = {
  name: "inc/dec",
  gen(b) {
    const size = pickSize(b);
    const dec = b.rng.chance(0.5);
    const name = dec ? "dec" : "inc";
    // INC/DEC: "The CF flag is not affected. The OF, SF, ZF, AF, and PF flags are set according to the result."
    const fx = { mnemonic: name, writes: OF | SF | ZF | AF | PF };
    if (size !== 8 && b.rng.chance(0.4)) {
      const r = b.dstReg(size);
      b.insn([...osPrefix(size), (dec ? 0x48 : 0x40) + r], `${name} ${regName(r, size)}`, { ...fx, regs: [r] });
      return;
    }
    const rm = rmOperand(b, size, true);
    const lock = rm.mem && b.rng.chance(0.15) ? [0xf0] : [];
    const bytes = [...lock, ...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0xfe : 0xff, ...(rm.mem ? rm.mem.encode(dec ? 1 : 0) : [modrm(3, dec ? 1 : 0, rm.reg!)])];
    b.insn(bytes, `${lock.length ? "lock " : ""}${name} ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}`, { ...fx, regs: rm.reg === undefined ? [] : [fullReg(rm.reg, size)] });
  },
};

const negNot: Template = {
  name: "neg/not",
  gen(b) {
    const size = pickSize(b);
    const neg = b.rng.chance(0.5);
    const rm = rmOperand(b, size, true);
    const bytes = [...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0xf6 : 0xf7, ...(rm.mem ? rm.mem.encode(neg ? 3 : 2) : [modrm(3, neg ? 3 : 2, rm.reg!)])];
    // NEG: "CF is cleared to 0 if the source operand is 0; otherwise it is set to 1. The OF, SF, ZF, AF, and PF flags are set according to the result." NOT: none affected.
    b.insn(bytes, `${neg ? "neg" : "not"} ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}`, {
      mnemonic: neg ? "neg" : "not",
      writes: neg ? STATUS_FLAGS : 0,
      regs: rm.reg === undefined ? [] : [fullReg(rm.reg, size)],
    });
  },
};

/** Integer ALU: ADD..CMP in every ModRM/SIB form, TEST, INC/DEC, NEG/NOT, 8/16/32-bit, LOCK. */
export const aluFamily: Family = { name: "alu", description: "ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NEG/NOT", templates: [aluRm, aluRm, aluImm, testOp, incDec, negNot] };
