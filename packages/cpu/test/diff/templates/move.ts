import { fullReg, hex, imm, le, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { EAX, EBX } from "../layout.js";
import type { Family, Template } from "../template.js";
import { pickSize } from "../template.js";
import { rmOperand } from "./alu.js";

const movx: Template = {
  name: "movzx/movsx r, r/m8|r/m16",
  gen(b) {
    const dsize: OpSize = b.rng.chance(0.65) ? 32 : 16;
    const ssize: OpSize = dsize === 16 || b.rng.chance(0.5) ? 8 : 16;
    const signed = b.rng.chance(0.5);
    const dst = b.dstReg(dsize);
    const rm = rmOperand(b, ssize, false);
    const opcode = (signed ? 0xbe : 0xb6) + (ssize === 16 ? 1 : 0);
    b.insn([...osPrefix(dsize), ...(rm.mem?.prefix ?? []), 0x0f, opcode, ...(rm.mem ? rm.mem.encode(dst) : [modrm(3, dst, rm.reg!)])],
      `${signed ? "movsx" : "movzx"} ${regName(dst, dsize)}, ${rm.mem ? rm.mem.text(ssize) : regName(rm.reg!, ssize)}`, { mnemonic: signed ? "movsx" : "movzx", regs: [dst] });
  },
};

const mov: Template = {
  name: "mov r/m, r | r, r/m | r/m, imm | r, imm | moffs",
  gen(b) {
    const size = pickSize(b);
    const form = b.rng.below(5);
    if (form === 3) {
      const r = b.dstReg(size);
      const v = b.rng.edge(size);
      b.insn([...osPrefix(size), (size === 8 ? 0xb0 : 0xb8) + r, ...imm(v, size)], `mov ${regName(r, size)}, ${hex(v)}`, { mnemonic: "mov", regs: [fullReg(r, size)] });
      return;
    }
    if (form === 4) {
      // moffs (A0-A3): absolute offset, 32-bit, or 16-bit with 0x67.
      const a16 = b.rng.chance(0.3);
      const addr = b.dataTarget(size / 8);
      b.fillRandom(addr - 4, size / 8 + 8);
      const store = b.rng.chance(0.5);
      const opcode = (store ? 0xa2 : 0xa0) + (size === 8 ? 0 : 1);
      const seg = b.rng.chance(0.15) ? [b.rng.pick(store ? [0x26, 0x36, 0x3e, 0x64, 0x65] : [0x26, 0x36, 0x3e, 0x64, 0x65, 0x2e])] : [];
      b.insn([...seg, ...(a16 ? [0x67] : []), ...osPrefix(size), opcode, ...le(addr, a16 ? 2 : 4)],
        store ? `mov [${hex(addr)}], ${regName(0, size)}` : `mov ${regName(0, size)}, [${hex(addr)}]`, { mnemonic: "mov", regs: store ? [] : [EAX] });
      return;
    }
    if (form === 2) {
      const rm = rmOperand(b, size, true);
      const v = b.rng.edge(size);
      b.insn([...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0xc6 : 0xc7, ...(rm.mem ? rm.mem.encode(0) : [modrm(3, 0, rm.reg!)]), ...imm(v, size)],
        `mov ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}, ${hex(v)}`, { mnemonic: "mov", regs: rm.reg === undefined ? [] : [fullReg(rm.reg, size)] });
      return;
    }
    const toRm = form === 0;
    const rm = rmOperand(b, size, toRm);
    const r = toRm ? b.srcReg() : b.dstReg(size);
    const opcode = 0x88 + (toRm ? 0 : 2) + (size === 8 ? 0 : 1);
    const rmText = rm.mem ? rm.mem.text(size) : regName(rm.reg!, size);
    const dest = toRm ? rm.reg : r;
    b.insn([...osPrefix(size), ...(rm.mem?.prefix ?? []), opcode, ...(rm.mem ? rm.mem.encode(r) : [modrm(3, r, rm.reg!)])],
      toRm ? `mov ${rmText}, ${regName(r, size)}` : `mov ${regName(r, size)}, ${rmText}`, { mnemonic: "mov", regs: dest === undefined ? [] : [fullReg(dest, size)] });
  },
};

const lea: Template = {
  name: "lea r, m (every addressing form, 16/32-bit operand and address size)",
  gen(b) {
    const size: OpSize = b.rng.chance(0.7) ? 32 : 16;
    const m = b.mem({ size: 1, noAccess: true, noSegment: true });
    const dst = b.dstReg(size);
    b.insn([...osPrefix(size), ...m.prefix, 0x8d, ...m.encode(dst)], `lea ${regName(dst, size)}, ${m.addr}${m.asz === 16 ? " (a16)" : ""}`, { mnemonic: "lea", regs: [dst] });
  },
};

const xlat: Template = {
  name: "xlat",
  gen(b) {
    const a16 = b.rng.chance(0.3);
    let table = b.rng.range(0x4100, 0x5e00);
    for (let i = 0; i < 100 && !b.isFresh(table, table + 256); i++) table = b.rng.range(0x4100, 0x5e00);
    b.fillRandom(table, 256);
    if (a16) b.pin16(EBX, table);
    else b.pin32(EBX, table);
    b.insn([...(a16 ? [0x67] : []), 0xd7], `xlat${a16 ? " (a16)" : ""}`, { mnemonic: "xlat", regs: [EAX] });
  },
};

/** Data movement. */
export const moveFamily: Family = { name: "move", description: "MOV (all forms, moffs), MOVZX/MOVSX, LEA (all addressing forms), XLAT", templates: [movx, mov, mov, lea, lea, xlat] };
