import { AF, CF, EAX, EDX, PF, SF, ZF } from "../layout.js";
import type { Family, Template } from "../template.js";

const lahfSahf: Template = {
  name: "lahf/sahf",
  gen(b) {
    if (b.rng.chance(0.5)) {
      // LAHF: "AH ← EFLAGS(SF:ZF:0:AF:0:PF:1:CF)".
      b.insn([0x9f], "lahf", { mnemonic: "lahf", reads: SF | ZF | AF | PF | CF, regs: [EAX] });
    } else {
      b.pin8(4, b.rng.u32());
      // SAHF loads SF, ZF, AF, PF, CF from AH (bits 7, 6, 4, 2, 0); OF is unaffected.
      b.insn([0x9e], "sahf", { mnemonic: "sahf", writes: SF | ZF | AF | PF | CF });
    }
  },
};

const convert: Template = {
  name: "cbw/cwde/cwd/cdq",
  gen(b) {
    const [bytes, text, regs] = b.rng.pick([
      [[0x66, 0x98], "cbw", [EAX]],
      [[0x98], "cwde", [EAX]],
      [[0x66, 0x99], "cwd", [EDX]],
      [[0x99], "cdq", [EDX]],
    ] as const);
    b.insn([...bytes], text, { mnemonic: text, regs: [...regs] });
  },
};

const flagOps: Template = {
  name: "clc/stc/cmc/cld/std/nop",
  gen(b) {
    const [op, name] = b.rng.pick([[0xf8, "clc"], [0xf9, "stc"], [0xf5, "cmc"], [0xfc, "cld"], [0xfd, "std"], [0x90, "nop"]] as const);
    b.insn([op], name, {
      mnemonic: name,
      reads: name === "cmc" ? CF : 0,
      writes: name === "clc" || name === "stc" || name === "cmc" ? CF : 0,
      ...(name === "cld" ? { df: false } : name === "std" ? { df: true } : {}),
    });
  },
};

const oddities: Template = {
  name: "arpl / salc / pause / 82 alias / 0F 1F nop",
  gen(b) {
    const k = b.rng.below(5);
    if (k === 4) {
      // 0F 1F /0: hint NOP with a memory operand (decoded, never accessed).
      const m = b.mem({ size: 4, noAccess: true });
      b.insn([...m.prefix, 0x0f, 0x1f, ...m.encode(0)], `nop ${m.text(32)}`, { mnemonic: "nop" });
      return;
    }
    if (k === 0) {
      // ARPL r/m16, r16 (protected mode): raises the RPL of the destination selector to the
      // source's; ZF = 1 if it changed, else 0 (SDM vol.2 ARPL). Register form here.
      const d = b.dstReg(16);
      const s = b.srcReg();
      b.insn([0x63, 0xc0 | (s << 3) | d], `arpl ${["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"][d]}, ${["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"][s]}`, { mnemonic: "arpl", writes: ZF, regs: [d] });
    } else if (k === 1) {
      // SALC (D6, undocumented but present since the 8086): AL = CF ? 0xFF : 0.
      b.insn([0xd6], "salc", { mnemonic: "salc", reads: CF, regs: [EAX] });
    } else if (k === 2) {
      b.insn([0xf3, 0x90], "pause", { mnemonic: "pause" });
    } else {
      // 82 /op ib: the 8-bit group-1 alias of 80, valid outside 64-bit mode (SDM vol.2 A.3).
      const op = b.rng.below(8);
      const r = b.dstReg(8);
      const v = b.rng.edge(8);
      const name = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"][op]!;
      const logic = op === 1 || op === 4 || op === 6;
      b.insn([0x82, 0xc0 | (op << 3) | r, v], `${name} r8, ${v} (82 alias)`, {
        mnemonic: name,
        reads: op === 2 || op === 3 ? CF : 0,
        writes: logic ? CF | PF | ZF | SF | 0x800 : CF | PF | AF | ZF | SF | 0x800,
        undef: logic ? AF : 0,
        regs: op === 7 ? [] : [r & 3],
      });
    }
  },
};

/**
 * Prefixes that do not apply to the instruction: segment overrides and REP/REPNE before
 * register-only one-byte-map instructions, repeated operand-size prefixes. They are ignored
 * (SDM vol.2 2.1.1: "Use of repeat prefixes ... with non-string instructions ... is
 * reserved" in general; for these one-byte opcodes processors ignore them).
 */
const redundantPrefixes: Template = {
  name: "unused segment/REP prefixes, repeated 0x66",
  gen(b) {
    const pre = b.rng.pick([[0x2e], [0x3e], [0x26], [0x36], [0x64], [0x65], [0xf3], [0xf2], [0x66, 0x66], [0x3e, 0x26], [0x2e, 0xf3]]);
    const o16 = pre.includes(0x66);
    const r = b.dstReg(32);
    const s2 = b.srcReg();
    const k = b.rng.below(3);
    if (k === 0) b.insn([...pre, 0x01, 0xc0 | (s2 << 3) | r], `add ${o16 ? "r16" : "r32"} (prefixes ${pre.map((x) => x.toString(16)).join(" ")})`, { mnemonic: "add", writes: CF | PF | AF | ZF | SF | 0x800, regs: [r] });
    else if (k === 1) b.insn([...pre, 0x40 + r], `inc (prefixes ${pre.map((x) => x.toString(16)).join(" ")})`, { mnemonic: "inc", writes: PF | AF | ZF | SF | 0x800, regs: [r] });
    else b.insn([...pre, 0x89, 0xc0 | (s2 << 3) | r], `mov (prefixes ${pre.map((x) => x.toString(16)).join(" ")})`, { mnemonic: "mov", regs: [r] });
  },
};

/** Flag and accumulator odds and ends. */
export const miscFamily: Family = { name: "misc", description: "LAHF/SAHF, CBW/CWDE/CWD/CDQ, CLC/STC/CMC/CLD/STD, NOP, ARPL, SALC, PAUSE, 82 alias", templates: [lahfSahf, convert, flagOps, oddities, redundantPrefixes] };
