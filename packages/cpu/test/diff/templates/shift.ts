import { fullReg, hex, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { AF, CF, ECX, OF, PF, SF, ZF } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import { pickSize, type Family, type Template } from "../template.js";
import { maskedCount, undefinedFlags } from "../undefined-flags.js";
import { rmOperand } from "./alu.js";

/** Group 2 by ModRM reg field; /6 is an undocumented alias of SHL and is not generated. */
const GROUP2 = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"] as const;

/** Counts 0..40 (beyond the 5-bit mask) plus a few large imm8 values. */
function pickCount(b: SequenceBuilder): number {
  return b.rng.chance(0.85) ? b.rng.range(0, 40) : b.rng.pick([0x20, 0x21, 0x3f, 0x7f, 0x80, 0xff, 0xe1]);
}

/** Flags read / defined / undefined by a group-2 op with a given count (SDM vol.2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR). */
function group2Flags(name: string, count: number, size: OpSize) {
  const c = maskedCount(count);
  const undef = undefinedFlags(name, { count, size });
  const rotate = name[0] === "r";
  const reads = name === "rcl" || name === "rcr" ? CF : 0;
  if (c === 0) return { reads, writes: 0, undef: 0 };
  const affected = rotate ? CF | (c === 1 ? OF : 0) : CF | OF | SF | ZF | PF | AF;
  return { reads, writes: affected & ~undef, undef };
}

const group2: Template = {
  name: "rol/ror/rcl/rcr/shl/shr/sar r/m, 1|cl|imm8",
  gen(b) {
    let field = b.rng.below(8);
    if (field === 6) field = 4;
    const name = GROUP2[field]!;
    const size = pickSize(b);
    const form = b.rng.below(3); // 0: by 1 (D0/D1), 1: by CL (D2/D3), 2: by imm8 (C0/C1)
    const rm = rmOperand(b, size, true, [ECX]);
    const count = form === 0 ? 1 : pickCount(b);
    if (form === 1) b.pin8(1, count);
    const opcode = (form === 0 ? 0xd0 : form === 1 ? 0xd2 : 0xc0) + (size === 8 ? 0 : 1);
    const bytes = [...osPrefix(size), ...(rm.mem?.prefix ?? []), opcode, ...(rm.mem ? rm.mem.encode(field) : [modrm(3, field, rm.reg!)]), ...(form === 2 ? [count] : [])];
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    b.insn(bytes, `${name} ${rmText}, ${form === 0 ? "1" : form === 1 ? "cl" : hex(count)}`, {
      mnemonic: name,
      ...group2Flags(name, count, size),
      regs: rm.reg === undefined ? [] : [fullReg(rm.reg, size)],
    });
  },
};

const doubleShift: Template = {
  name: "shld/shrd r/m, r, imm8|cl",
  gen(b) {
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const left = b.rng.chance(0.5);
    const name = left ? "shld" : "shrd";
    const byCl = b.rng.chance(0.5);
    const rm = rmOperand(b, size, true, [ECX]);
    const src = b.srcReg();
    const count = pickCount(b);
    if (byCl) b.pin8(1, count);
    const opcode = (left ? 0xa4 : 0xac) + (byCl ? 1 : 0);
    const bytes = [...osPrefix(size), ...(rm.mem?.prefix ?? []), 0x0f, opcode, ...(rm.mem ? rm.mem.encode(src) : [modrm(3, src, rm.reg!)]), ...(byCl ? [] : [count])];
    const c = maskedCount(count);
    const undef = undefinedFlags(name, { count, size });
    const writes = c === 0 ? 0 : (CF | OF | SF | ZF | PF) & ~undef;
    b.insn(bytes, `${name} ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}, ${regName(src, size)}, ${byCl ? "cl" : hex(count)}`, {
      mnemonic: name,
      writes,
      undef,
      regs: rm.reg === undefined ? [] : [fullReg(rm.reg, size)],
    });
    // SHLD/SHRD: "If the count is greater than the operand size, the result is undefined."
    if (c > size) {
      if (rm.reg !== undefined) b.taintReg(fullReg(rm.reg, size));
      else b.taintMem(rm.mem!.ea, size / 8);
    }
  },
};

/** Shifts and rotates with counts 0..40 and beyond (masking), 8/16/32-bit, SHLD/SHRD. */
export const shiftFamily: Family = { name: "shift", description: "ROL/ROR/RCL/RCR/SHL/SHR/SAR by 1/CL/imm8, SHLD/SHRD", templates: [group2, group2, group2, doubleShift] };
