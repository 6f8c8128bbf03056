import { hex, modrm, REG32 } from "../encoding.js";
import { OF, STATUS_FLAGS } from "../layout.js";
import type { Family, Template } from "../template.js";

/** INT n / INT3 / INTO: trap-like, reported with EIP after the instruction (SDM vol.3 6.5). */
const softInt: Template = {
  name: "int n / int3 / into",
  gen(b) {
    const k = b.rng.below(4);
    if (k === 0) {
      const v = b.rng.chance(0.5) ? b.rng.range(0x20, 0xff) : b.rng.range(0, 0x1f);
      b.insn([0xcd, v], `int ${hex(v)}`, { mnemonic: "int" });
      b.expectVector = v;
    } else if (k === 1) {
      b.insn([0xcc], "int3", { mnemonic: "int3" });
      b.expectVector = 3;
    } else {
      // INTO traps only when OF = 1: set OF with an ADD that does or does not overflow.
      const overflow = b.rng.chance(0.6);
      const r = b.dstReg(32);
      b.pin32(r, overflow ? 0x7fffffff : 1);
      b.insn([0x83, modrm(3, 0, r), 1], `add ${REG32[r]}, 1`, { mnemonic: "add", writes: STATUS_FLAGS, regs: [r] });
      b.insn([0xce], "into", { mnemonic: "into", reads: OF });
      if (overflow) b.expectVector = 4;
    }
    if (b.expectVector !== undefined) b.ended = true;
  },
};

/** BOUND r32, m32&32: #BR (vector 5) when the index is outside [lower, upper] (signed). */
const bound: Template = {
  name: "bound r, m",
  gen(b) {
    const o16 = b.rng.chance(0.3);
    const w = o16 ? 2 : 4;
    const r = b.dstReg(32);
    const m = b.mem({ size: 2 * w, avoid: [r], readOnly: true });
    const lo = b.rng.range(-100, 100);
    const hi = lo + b.rng.range(0, 100);
    const idx = b.rng.range(lo - 20, hi + 20);
    b.fillValue(m.ea, lo >>> 0, w);
    b.fillValue(m.ea + w, hi >>> 0, w);
    if (o16) b.pin16(r, idx);
    else b.pin32(r, idx >>> 0);
    b.insn([...(o16 ? [0x66] : []), ...m.prefix, 0x62, ...m.encode(r)], `bound ${o16 ? REG32[r]!.slice(1) : REG32[r]}, ${m.text(o16 ? 32 : 64)}`, { mnemonic: "bound" });
    if (idx < lo || idx > hi) {
      b.expectVector = 5;
      b.ended = true;
    }
  },
};

/** Encodings that must raise #UD (vector 6) at the instruction itself. */
const invalid: Template = {
  name: "#UD encodings",
  gen(b) {
    const [bytes, note] = b.rng.pick([
      [[0x0f, 0x0b], "ud2"],
      [[0x8d, 0xc0 + b.rng.below(64)], "lea with a register operand"],
      [[0xf0, 0x01, 0xc0 + b.rng.below(64)], "lock add with a register destination"],
      [[0xf0, 0x90], "lock nop"],
      [[0xf0, 0x89, 0x00], "lock mov"],
      [[0xc4, 0xc0 + b.rng.below(64)], "les with a register operand"],
      [[0xc5, 0xc0 + b.rng.below(64)], "lds with a register operand"],
      [[0x0f, 0xc7, 0xc8 + b.rng.below(8)], "cmpxchg8b with a register operand"],
      [[0x0f, 0xb2, 0xc0 + b.rng.below(64)], "lss with a register operand"],
      [[0x62, 0xc0 + b.rng.below(64)], "bound with a register operand"],
      [[0x0f, 0xff], "ud0"],
      [[0x0f, 0xb9, 0xc0], "ud1"],
    ] as const);
    b.insn([...bytes], note, { mnemonic: "ud" });
    b.expectVector = 6;
    b.ended = true;
  },
};

/**
 * Encodings where Unicorn disagrees with real hardware (checked on the host CPU, see
 * diff-harness.md). They are generated so the disagreement stays visible: every such case
 * is excluded by a named entry of unicorn-known-issues.ts and counted in the report.
 */
const disputed: Template = {
  name: "icebp / 8F /1-7 / F6-F7 /1 (Unicorn differs from hardware)",
  gen(b) {
    const k = b.rng.below(3);
    if (k === 0) {
      // ICEBP/INT1 (F1): a #DB trap, EIP after the instruction (SDM vol.2 INT n/INTO/INT3/INT1).
      b.insn([0xf1], "int1", { mnemonic: "int1" });
      b.expectVector = 1;
      b.ended = true;
    } else if (k === 1) {
      // 8F with ModRM.reg != 0 is undefined in IA-32 (only 8F /0 POP r/m32 exists): #UD.
      b.insn([0x8f, 0xc0 | (b.rng.range(1, 7) << 3) | b.rng.below(8)], "8f /1-7 (undefined)", { mnemonic: "ud" });
      b.expectVector = 6;
      b.ended = true;
    } else {
      // F6/F7 /1: undocumented alias of TEST r/m, imm that processors execute as TEST.
      const r = b.srcReg();
      const v = b.rng.edge(32);
      b.insn([0xf7, 0xc8 | r, ...[0, 8, 16, 24].map((sh) => (v >>> sh) & 0xff)], `test ${REG32[r]}, ${hex(v)} (F7 /1 alias)`, { mnemonic: "test", writes: STATUS_FLAGS & ~0x10, undef: 0x10 });
    }
  },
};

/** Exceptions and software interrupts, claimed by the harness instead of an IDT. */
export const exceptionsFamily: Family = {
  name: "exceptions",
  description: "INT n, INT3, INTO, BOUND (#BR), #UD encodings (UD2, LOCK misuse, register operands to memory-only ops)",
  templates: [softInt, bound, bound, invalid, invalid, disputed],
  maxLength: 3,
};
