import { hex } from "../encoding.js";
import { AF, CF, EAX, PF, SF, STATUS_FLAGS, ZF } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import type { Family, Template } from "../template.js";
import { undefinedFlags } from "../undefined-flags.js";

/** AL/AH values around the BCD decision points (digits > 9, AL > 0x99, AL >= 0xFA ...). */
function bcdByte(b: SequenceBuilder): number {
  return b.rng.chance(0.5)
    ? b.rng.pick([0x00, 0x09, 0x0a, 0x0f, 0x10, 0x19, 0x1a, 0x90, 0x99, 0x9a, 0x9f, 0xa0, 0xf9, 0xfa, 0xff, 0x66, 0x06, 0x60])
    : b.rng.u32() & 0xff;
}

const adjust: Template = {
  name: "daa/das/aaa/aas",
  gen(b) {
    const [op, name] = b.rng.pick([[0x27, "daa"], [0x2f, "das"], [0x37, "aaa"], [0x3f, "aas"]] as const);
    b.pin8(0, bcdByte(b));
    if (name === "aaa" || name === "aas") b.pin8(4, bcdByte(b));
    // Usually after the ADD/SUB it corrects, with whatever AF/CF that leaves.
    if (b.rng.chance(0.5)) {
      const v = bcdByte(b);
      const sub = name === "das" || name === "aas";
      b.insn([sub ? 0x2c : 0x04, v], `${sub ? "sub" : "add"} al, ${hex(v)}`, { mnemonic: sub ? "sub" : "add", writes: STATUS_FLAGS, regs: [EAX] });
    }
    const undef = undefinedFlags(name);
    // DAA/DAS/AAA/AAS read AF and CF (SDM vol.2 pseudo-code).
    b.insn([op], name, { mnemonic: name, reads: AF | CF, writes: STATUS_FLAGS & ~undef, undef, regs: [EAX] });
  },
};

const aamAad: Template = {
  name: "aam/aad imm8",
  gen(b) {
    const aam = b.rng.chance(0.5);
    const base = b.rng.chance(0.6) ? 10 : b.rng.range(1, 255);
    b.pin8(0, bcdByte(b));
    b.pin8(4, bcdByte(b));
    const name = aam ? "aam" : "aad";
    const undef = undefinedFlags(name);
    b.insn([aam ? 0xd4 : 0xd5, base], base === 10 ? name : `${name} ${hex(base)}`, { mnemonic: name, writes: (SF | ZF | PF) & ~undef, undef, regs: [EAX] });
  },
};

/** AAM 0: #DE (SDM vol.2 AAM: "If an immediate value of 0 is used, it will cause a #DE"). */
export const aamZero: Template = {
  name: "aam 0",
  gen(b) {
    b.pin16(0, b.rng.u32());
    b.insn([0xd4, 0x00], "aam 0x0", { mnemonic: "aam", regs: [EAX] });
    b.expectVector = 0;
    b.ended = true;
  },
};

/** Decimal adjusts. */
export const bcdFamily: Family = { name: "bcd", description: "DAA, DAS, AAA, AAS, AAM, AAD", templates: [adjust, adjust, aamAad] };
