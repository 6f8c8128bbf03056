import { fullReg, modrm, osPrefix, regName, type OpSize } from "../encoding.js";
import { EAX, EBX, ECX, EDX, STATUS_FLAGS, ZF } from "../layout.js";
import type { Family, Template } from "../template.js";
import { pickSize } from "../template.js";
import { rmOperand } from "./alu.js";

const xchg: Template = {
  name: "xchg r/m, r | xchg eax, r",
  gen(b) {
    const size = pickSize(b);
    if (size !== 8 && b.rng.chance(0.3)) {
      const r = b.dstReg(size);
      b.insn([...osPrefix(size), 0x90 + r], `xchg ${regName(0, size)}, ${regName(r, size)}`, { mnemonic: "xchg", regs: [EAX, r] });
      return;
    }
    const rm = rmOperand(b, size, true);
    const r = b.dstReg(size);
    const lock = rm.mem && b.rng.chance(0.2) ? [0xf0] : [];
    b.insn([...lock, ...osPrefix(size), ...(rm.mem?.prefix ?? []), size === 8 ? 0x86 : 0x87, ...(rm.mem ? rm.mem.encode(r) : [modrm(3, r, rm.reg!)])],
      `xchg ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}, ${regName(r, size)}`,
      { mnemonic: "xchg", regs: [fullReg(r, size), ...(rm.reg === undefined ? [] : [fullReg(rm.reg, size)])] });
  },
};

const xadd: Template = {
  name: "xadd r/m, r",
  gen(b) {
    const size = pickSize(b);
    const rm = rmOperand(b, size, true);
    const r = b.dstReg(size);
    const lock = rm.mem && b.rng.chance(0.2) ? [0xf0] : [];
    // XADD: "The CF, PF, AF, SF, ZF, and OF flags are set according to the result of the addition."
    b.insn([...lock, ...osPrefix(size), ...(rm.mem?.prefix ?? []), 0x0f, size === 8 ? 0xc0 : 0xc1, ...(rm.mem ? rm.mem.encode(r) : [modrm(3, r, rm.reg!)])],
      `xadd ${rm.mem ? rm.mem.text(size) : regName(rm.reg!, size)}, ${regName(r, size)}`,
      { mnemonic: "xadd", writes: STATUS_FLAGS, regs: [fullReg(r, size), ...(rm.reg === undefined ? [] : [fullReg(rm.reg, size)])] });
  },
};

const cmpxchg: Template = {
  name: "cmpxchg r/m, r",
  gen(b) {
    const size = pickSize(b);
    const useMem = b.rng.chance(0.6);
    const r = b.dstReg(size);
    const equal = b.rng.chance(0.5);
    const cur = b.rng.edge(size);
    let enc: number[];
    let text: string;
    let pre: number[] = [];
    let dst: number | undefined;
    if (useMem) {
      const m = b.mem({ size: size / 8, avoid: [EAX] });
      b.fillValue(m.ea, cur, size / 8);
      enc = m.encode(r);
      text = m.text(size);
      pre = m.prefix;
    } else {
      dst = b.dstReg(size, [EAX]);
      if (size === 8) b.pin8(dst, cur);
      else if (size === 16) b.pin16(dst, cur);
      else b.pin32(dst, cur);
      enc = [modrm(3, r, dst)];
      text = regName(dst, size);
    }
    const acc = equal ? cur : b.rng.edge(size);
    if (size === 8) b.pin8(0, acc);
    else if (size === 16) b.pin16(EAX, acc);
    else b.pin32(EAX, acc);
    const lock = useMem && b.rng.chance(0.3) ? [0xf0] : [];
    // CMPXCHG: "The ZF flag is set if the values in the destination operand and register AL, AX,
    // or EAX are equal; otherwise it is cleared. The CF, PF, AF, SF, and OF flags are set
    // according to the results of the comparison operation."
    b.insn([...lock, ...osPrefix(size), ...pre, 0x0f, size === 8 ? 0xb0 : 0xb1, ...enc], `${lock.length ? "lock " : ""}cmpxchg ${text}, ${regName(r, size)}`, {
      mnemonic: "cmpxchg",
      writes: STATUS_FLAGS,
      regs: [EAX, ...(dst === undefined ? [] : [fullReg(dst, size)])],
    });
  },
};

const cmpxchg8b: Template = {
  name: "cmpxchg8b m64",
  gen(b) {
    const m = b.mem({ size: 8, avoid: [EAX, EDX, ECX, EBX] });
    const lo = b.rng.edge(32), hi = b.rng.edge(32);
    b.fillValue(m.ea, lo, 4);
    b.fillValue(m.ea + 4, hi, 4);
    const equal = b.rng.chance(0.5);
    b.pin32(EAX, equal ? lo : b.rng.chance(0.5) ? lo : b.rng.edge(32));
    b.pin32(EDX, equal ? hi : b.rng.edge(32));
    b.pin32(ECX, b.rng.edge(32));
    b.pin32(EBX, b.rng.edge(32));
    const lock = b.rng.chance(0.3) ? [0xf0] : [];
    // CMPXCHG8B: "The ZF flag is set if the destination operand and EDX:EAX are equal; otherwise
    // it is cleared. The CF, PF, AF, SF, and OF flags are unaffected."
    b.insn([...lock, ...m.prefix, 0x0f, 0xc7, ...m.encode(1)], `${lock.length ? "lock " : ""}cmpxchg8b ${m.text(64)}`, { mnemonic: "cmpxchg8b", writes: ZF, regs: [EAX, EDX] });
  },
};

const bswap: Template = {
  name: "bswap r32",
  gen(b) {
    // The 16-bit form is undefined (SDM vol.2 BSWAP) and is not generated.
    const r = b.dstReg(32);
    b.insn([0x0f, 0xc8 + r], `bswap ${regName(r, 32 as OpSize)}`, { mnemonic: "bswap", regs: [r] });
  },
};

/** Exchanges and atomics. */
export const xchgFamily: Family = { name: "xchg", description: "XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP (LOCK forms with memory)", templates: [xchg, xadd, cmpxchg, cmpxchg8b, bswap] };
