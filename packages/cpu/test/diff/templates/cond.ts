import { fullReg, hex, le, modrm, osPrefix, REG32, regName, type OpSize } from "../encoding.js";
import { CF, ECX, ESP, OF, PF, SF, STATUS_FLAGS, ZF } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import type { Family, Template } from "../template.js";
import { rmOperand } from "./alu.js";

export const CC_NAMES = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"] as const;

/** Flags a condition code tests (SDM vol.1 table B-1). */
export function ccReads(cc: number): number {
  return [OF, CF, ZF, CF | ZF, SF, PF, SF | OF, SF | OF | ZF][cc >> 1]!;
}

/** Sometimes put a flag-setting CMP/SUB/ADD of random registers first, so conditions vary. */
function maybeSetFlags(b: SequenceBuilder): void {
  if (!b.rng.chance(0.5)) return;
  const op = b.rng.pick([0, 5, 7]);
  const a = b.srcReg();
  const c = b.srcReg();
  const name = ["add", "", "", "", "", "sub", "", "cmp"][op]!;
  const writes = op === 7 ? [] : a === ESP ? null : [a];
  if (writes === null) return;
  b.insn([op * 8 + 1, modrm(3, c, a)], `${name} ${REG32[a]}, ${REG32[c]}`, { mnemonic: name, writes: STATUS_FLAGS, regs: writes });
}

/** Flag-neutral, memory-free filler instructions for the bodies of branches and loops. */
interface Filler {
  bytes: number[];
  parts: { bytes: number[]; note: string; reg: number }[];
  regs: number[];
}

function filler(b: SequenceBuilder, maxBytes: number, avoid: number[] = []): Filler {
  const f: Filler = { bytes: [], parts: [], regs: [] };
  for (;;) {
    const r = b.dstReg(32, avoid);
    const kind = b.rng.below(4);
    let enc: number[];
    let note: string;
    if (kind === 0) {
      const v = b.rng.edge(32);
      enc = [0xb8 + r, ...le(v, 4)];
      note = `mov ${REG32[r]}, ${hex(v)}`;
    } else if (kind === 1) {
      const d = b.rng.u32() & 0xff;
      enc = [0x8d, modrm(1, r, r), d];
      note = `lea ${REG32[r]}, [${REG32[r]}+${hex(d)}]`;
    } else if (kind === 2) {
      enc = [0xf7, modrm(3, 2, r)];
      note = `not ${REG32[r]}`;
    } else {
      enc = [0x0f, 0xc8 + r];
      note = `bswap ${REG32[r]}`;
    }
    if (f.bytes.length + enc.length > maxBytes) break;
    f.bytes.push(...enc);
    f.parts.push({ bytes: enc, note, reg: r });
    f.regs.push(r);
  }
  return f;
}

/** Emits a filler body (its registers become unknown: the body may or may not run). */
function emitFiller(b: SequenceBuilder, f: Filler): void {
  for (const p of f.parts) b.insn(p.bytes, p.note, { mnemonic: "filler", regs: [p.reg] });
}

const setcc: Template = {
  name: "setcc r/m8",
  gen(b) {
    maybeSetFlags(b);
    const cc = b.rng.below(16);
    const rm = rmOperand(b, 8, true);
    const bytes = [...(rm.mem?.prefix ?? []), 0x0f, 0x90 + cc, ...(rm.mem ? rm.mem.encode(0) : [modrm(3, 0, rm.reg!)])];
    b.insn(bytes, `set${CC_NAMES[cc]} ${rm.mem ? rm.mem.text(8) : regName(rm.reg!, 8)}`, {
      mnemonic: "setcc",
      reads: ccReads(cc),
      regs: rm.reg === undefined ? [] : [fullReg(rm.reg, 8)],
    });
  },
};

const cmovcc: Template = {
  name: "cmovcc r, r/m",
  gen(b) {
    maybeSetFlags(b);
    const cc = b.rng.below(16);
    const size: OpSize = b.rng.chance(0.6) ? 32 : 16;
    const dst = b.dstReg(size);
    const rm = rmOperand(b, size, false);
    const bytes = [...osPrefix(size), ...(rm.mem?.prefix ?? []), 0x0f, 0x40 + cc, ...(rm.mem ? rm.mem.encode(dst) : [modrm(3, dst, rm.reg!)])];
    b.insn(bytes, `cmov${CC_NAMES[cc]} ${regName(dst, size)}, ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}`, { mnemonic: "cmovcc", reads: ccReads(cc), regs: [dst] });
  },
};

const jcc: Template = {
  name: "jcc/jmp forward over a body (rel8, rel32, rel16)",
  gen(b) {
    maybeSetFlags(b);
    const cc = b.rng.below(17); // 16 = unconditional JMP
    if (cc < 16) b.defineFlags(ccReads(cc));
    const body = filler(b, b.rng.range(0, 20));
    const form = b.rng.below(3); // 0 rel8, 1 rel32, 2 rel16 (0x66: EIP is truncated to 16 bits, still inside the block)
    const d = body.bytes.length;
    let bytes: number[];
    if (cc === 16) bytes = form === 0 ? [0xeb, d] : form === 1 ? [0xe9, ...le(d, 4)] : [0x66, 0xe9, ...le(d, 2)];
    else bytes = form === 0 ? [0x70 + cc, d] : form === 1 ? [0x0f, 0x80 + cc, ...le(d, 4)] : [0x66, 0x0f, 0x80 + cc, ...le(d, 2)];
    // Branch hints (2E not taken, 3E taken; SDM vol.2 2.1.1): no effect on the result.
    if (cc < 16 && b.rng.chance(0.15)) bytes = [b.rng.pick([0x2e, 0x3e]), ...bytes];
    const target = b.pc + bytes.length + d;
    b.insn(bytes, `${cc === 16 ? "jmp" : "j" + CC_NAMES[cc]} ${hex(target)}`, { mnemonic: cc === 16 ? "jmp" : "jcc", reads: cc === 16 ? 0 : ccReads(cc) });
    emitFiller(b, body);
  },
};

const jecxz: Template = {
  name: "jecxz/jcxz forward",
  gen(b) {
    const a16 = b.rng.chance(0.3);
    const zero = b.rng.chance(0.5);
    if (a16) b.pin16(ECX, zero ? 0 : b.rng.range(1, 0xffff));
    else b.pin32(ECX, zero ? 0 : b.rng.edge(32) || 1);
    const body = filler(b, b.rng.range(0, 20));
    const bytes = [...(a16 ? [0x67] : []), 0xe3, body.bytes.length];
    b.insn(bytes, `${a16 ? "jcxz" : "jecxz"} ${hex(b.pc + bytes.length + body.bytes.length)}`, { mnemonic: "jecxz" });
    emitFiller(b, body);
  },
};

const loop: Template = {
  name: "loop/loope/loopne backwards",
  gen(b) {
    const kind = b.rng.below(3); // E2 loop, E1 loope, E0 loopne
    const a16 = b.rng.chance(0.25);
    const n = b.rng.range(1, 6);
    // LOOPE/LOOPNE test ZF, so give it a defined value before the body (a CMP inserted
    // between the body and the LOOP would break the backward displacement).
    if (kind !== 0) {
      maybeSetFlags(b);
      b.defineFlags(ZF);
    }
    if (a16) b.pin16(ECX, n);
    else b.pin32(ECX, n);
    const body = filler(b, b.rng.range(0, 12), [ECX]);
    const start = b.pc;
    const len = (a16 ? 1 : 0) + 2;
    const rel = -(body.bytes.length + len);
    emitFiller(b, body);
    const name = ["loop", "loope", "loopne"][kind]!;
    b.insn([...(a16 ? [0x67] : []), [0xe2, 0xe1, 0xe0][kind]!, rel & 0xff], `${name} ${hex(start)}${a16 ? " (cx)" : ""}`, {
      mnemonic: name,
      reads: kind === 0 ? 0 : ZF,
      regs: [ECX],
    });
  },
};

const callRet: Template = {
  name: "call rel32 / ret [imm16] / call r/m",
  gen(b) {
    // call sub ; jmp over ; sub: <filler> ; ret [n] ; over:
    const body = filler(b, b.rng.range(0, 12));
    const retN = b.rng.chance(0.3) ? b.rng.pick([0, 2, 4, 8]) : -1;
    const ret = retN < 0 ? [0xc3] : [0xc2, ...le(retN, 2)];
    const sub = [...body.bytes, ...ret];
    const indirect = b.rng.chance(0.3);
    if (indirect) {
      const r = b.dstReg(32);
      const subAddr = b.pc + 5 + 2 + 2;
      b.insn([0xb8 + r, ...le(subAddr, 4)], `mov ${REG32[r]}, ${hex(subAddr)}`, { mnemonic: "mov", regs: [r] });
      b.insn([0xff, modrm(3, 2, r)], `call ${REG32[r]}`, { mnemonic: "call", esp: -4 });
    } else {
      b.insn([0xe8, ...le(2, 4)], `call ${hex(b.pc + 7)}`, { mnemonic: "call", esp: -4 });
    }
    b.insn([0xeb, sub.length], `jmp ${hex(b.pc + 2 + sub.length)}`, { mnemonic: "jmp" });
    emitFiller(b, body);
    b.insn(ret, retN < 0 ? "ret" : `ret ${hex(retN)}`, { mnemonic: "ret", esp: 4 + Math.max(retN, 0) });
  },
};

const callRetVariants: Template = {
  name: "16-bit call/ret (0x66), call/jmp through memory and registers",
  gen(b) {
    const kind = b.rng.below(3);
    if (kind === 0) {
      // 66 E8 rel16 pushes a 2-byte IP and truncates EIP to 16 bits; 66 C3 pops 2 bytes
      // (SDM vol.2 CALL/RET, operand size 16). The block lies below 64 KiB.
      const body = filler(b, b.rng.range(0, 10));
      const retN = b.rng.chance(0.3) ? b.rng.pick([0, 2, 4]) : -1;
      const ret = retN < 0 ? [0x66, 0xc3] : [0x66, 0xc2, ...le(retN, 2)];
      const sub = [...body.bytes, ...ret];
      b.insn([0x66, 0xe8, ...le(2, 2)], `callw ${hex(b.pc + 6)}`, { mnemonic: "call", esp: -2 });
      b.insn([0xeb, sub.length], `jmp ${hex(b.pc + 2 + sub.length)}`, { mnemonic: "jmp" });
      emitFiller(b, body);
      b.insn(ret, retN < 0 ? "retw" : `retw ${hex(retN)}`, { mnemonic: "ret", esp: 2 + Math.max(retN, 0) });
      return;
    }
    if (kind === 1) {
      // call dword ptr [m] ; jmp over ; sub: <filler> ; ret ; over:
      const m = b.mem({ size: 4, espOk: false, readOnly: true });
      const call = [...m.prefix, 0xff, ...m.encode(2)];
      const body = filler(b, b.rng.range(0, 10));
      const subAddr = b.pc + call.length + 2;
      b.fillValue(m.ea, subAddr, 4);
      b.insn(call, `call ${m.text(32)} ; = ${hex(subAddr)}`, { mnemonic: "call", esp: -4 });
      b.insn([0xeb, body.bytes.length + 1], `jmp ${hex(b.pc + 2 + body.bytes.length + 1)}`, { mnemonic: "jmp" });
      emitFiller(b, body);
      b.insn([0xc3], "ret", { mnemonic: "ret", esp: 4 });
      return;
    }
    // jmp r/m32 forward over a body.
    const body = filler(b, b.rng.range(0, 16));
    if (b.rng.chance(0.5)) {
      const m = b.mem({ size: 4, readOnly: true });
      const jmp = [...m.prefix, 0xff, ...m.encode(4)];
      const target = b.pc + jmp.length + body.bytes.length;
      b.fillValue(m.ea, target, 4);
      b.insn(jmp, `jmp ${m.text(32)} ; = ${hex(target)}`, { mnemonic: "jmp" });
    } else {
      const r = b.dstReg(32);
      const target = b.pc + 5 + 2 + body.bytes.length;
      b.insn([0xb8 + r, ...le(target, 4)], `mov ${REG32[r]}, ${hex(target)}`, { mnemonic: "mov", regs: [r] });
      b.insn([0xff, modrm(3, 4, r)], `jmp ${REG32[r]}`, { mnemonic: "jmp" });
    }
    emitFiller(b, body);
  },
};

/** Conditional ops and control transfer that stays inside the code block. */
export const condFamily: Family = {
  name: "cond",
  description: "SETcc, CMOVcc, Jcc/JMP rel8/rel16/rel32, JECXZ/JCXZ, LOOP/LOOPE/LOOPNE, CALL/RET (near, 16-bit, indirect), JMP r/m",
  templates: [setcc, cmovcc, jcc, jcc, jecxz, loop, callRet, callRetVariants],
};
