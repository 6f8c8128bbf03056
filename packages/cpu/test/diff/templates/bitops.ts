import { fullReg, hex, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { CF, ZF } from "../layout.js";
import type { Family, Template } from "../template.js";
import { undefinedFlags } from "../undefined-flags.js";

const BT_OPS = ["bt", "bts", "btr", "btc"] as const;

const btReg: Template = {
  name: "bt/bts/btr/btc r/m, r",
  gen(b) {
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const which = b.rng.below(4);
    const name = BT_OPS[which]!;
    const off = b.srcReg([4]);
    let rmEnc: number[];
    let rmText: string;
    let pre: number[] = [];
    let dst: number | undefined;
    if (b.rng.chance(0.5)) {
      // Memory bit string: the signed register offset reaches outside the operand
      // (SDM vol.2 BT: "the bit offset ... can range from -2^31 to 2^31 - 1").
      const m = b.mem({ size: size / 8, avoid: [off], around: [48, 48], readOnly: name === "bt" });
      const bitOff = b.rng.range(-300, 300);
      if (size === 16) b.pin16(off, bitOff);
      else b.pin32(off, bitOff >>> 0);
      rmEnc = m.encode(off);
      rmText = m.text(size);
      pre = m.prefix;
    } else {
      dst = b.dstReg(size, [off]);
      rmEnc = [modrm(3, off, dst)];
      rmText = regName(dst, size);
    }
    const opcode = [0xa3, 0xab, 0xb3, 0xbb][which]!;
    b.insn([...osPrefix(size), ...pre, 0x0f, opcode, ...rmEnc], `${name} ${rmText}, ${regName(off, size)}`, {
      mnemonic: name,
      writes: CF,
      undef: undefinedFlags(name),
      regs: name === "bt" || dst === undefined ? [] : [dst],
    });
  },
};

const btImm: Template = {
  name: "bt/bts/btr/btc r/m, imm8",
  gen(b) {
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const which = b.rng.below(4);
    const name = BT_OPS[which]!;
    const m = b.rng.chance(0.5) ? b.mem({ size: size / 8, readOnly: name === "bt" }) : undefined;
    const dst = m ? undefined : b.dstReg(size);
    const bit = b.rng.chance(0.8) ? b.rng.range(0, 40) : b.rng.u32() & 0xff;
    const field = 4 + which;
    const bytes = [...osPrefix(size), ...(m?.prefix ?? []), 0x0f, 0xba, ...(m ? m.encode(field) : [modrm(3, field, dst!)]), bit];
    b.insn(bytes, `${name} ${m ? m.text(size) : regName(dst!, size)}, ${hex(bit)}`, {
      mnemonic: name,
      writes: CF,
      undef: undefinedFlags(name),
      regs: name === "bt" || dst === undefined ? [] : [dst],
    });
  },
};

const bsfBsr: Template = {
  name: "bsf/bsr r, r/m",
  gen(b) {
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const rev = b.rng.chance(0.5);
    const name = rev ? "bsr" : "bsf";
    const value = b.rng.chance(0.15) ? 0 : b.rng.edge(size);
    const dst = b.dstReg(size);
    let enc: number[];
    let text: string;
    let pre: number[] = [];
    if (b.rng.chance(0.4)) {
      const m = b.mem({ size: size / 8, readOnly: true });
      b.fillValue(m.ea, value, size / 8);
      enc = m.encode(dst);
      text = m.text(size);
      pre = m.prefix;
    } else {
      const src = b.dstReg(size);
      if (size === 16) b.pin16(src, value);
      else b.pin32(src, value);
      enc = [modrm(3, dst, src)];
      text = regName(src, size);
    }
    const undef = undefinedFlags(name);
    b.insn([...osPrefix(size), ...pre, 0x0f, rev ? 0xbd : 0xbc, ...enc], `${name} ${regName(dst, size)}, ${text}`, { mnemonic: name, writes: ZF, undef, regs: [dst] });
    // "If the content of the source operand is 0, the content of the destination operand is undefined."
    if (value === 0) b.taintReg(fullReg(dst, size));
  },
};

/** Bit test/modify and bit scan. */
export const bitopsFamily: Family = { name: "bitops", description: "BT/BTS/BTR/BTC (reg and imm offsets, memory bit strings), BSF/BSR", templates: [btReg, btImm, bsfBsr] };
