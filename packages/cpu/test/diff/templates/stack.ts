import { hex, le, modrm, REG16, REG32 } from "../encoding.js";
import { AF, CF, DF, EBP, ESP, OF, PF, SF, STACK_BASE, STACK_SIZE, ZF } from "../layout.js";
import type { Family, Template } from "../template.js";

const ALL_BUT_ESP = [0, 1, 2, 3, 5, 6, 7];

const pushPop: Template = {
  name: "push/pop r, imm, r/m (16/32)",
  gen(b) {
    const o16 = b.rng.chance(0.25);
    const w = o16 ? 2 : 4;
    const p = o16 ? [0x66] : [];
    const names = o16 ? REG16 : REG32;
    switch (b.rng.below(6)) {
      case 0: {
        const r = b.srcReg(); // PUSH ESP pushes the value before the push (SDM vol.2 PUSH)
        b.insn([...p, 0x50 + r], `push ${names[r]}`, { mnemonic: "push", esp: -w });
        break;
      }
      case 1: {
        const r = b.rng.pick(ALL_BUT_ESP);
        b.insn([...p, 0x58 + r], `pop ${names[r]}`, { mnemonic: "pop", esp: w, regs: [r] });
        break;
      }
      case 2: {
        const byte = b.rng.chance(0.5);
        const v = byte ? b.rng.edge(8) : b.rng.edge(o16 ? 16 : 32);
        b.insn([...p, byte ? 0x6a : 0x68, ...(byte ? [v] : le(v, w))], `push ${hex(v)}`, { mnemonic: "push", esp: -w });
        break;
      }
      case 3: {
        const m = b.mem({ size: w, espOk: true, readOnly: true });
        b.insn([...p, ...m.prefix, 0xff, ...m.encode(6)], `push ${m.text(w * 8 as 16 | 32)}`, { mnemonic: "push", esp: -w });
        break;
      }
      case 4: {
        // POP r/m: "If the ESP register is used as a base register for addressing a destination
        // operand in memory, the POP instruction computes the effective address of the operand
        // after it increments the ESP register." The operand is aimed from the new ESP.
        const m = b.mem({ size: w, espOk: false });
        b.insn([...p, ...m.prefix, 0x8f, ...m.encode(0)], `pop ${m.text(w * 8 as 16 | 32)}`, { mnemonic: "pop", esp: w });
        break;
      }
      default: {
        if (b.esp === undefined) return;
        const disp = b.rng.range(-16, 16) & ~3;
        const target = (b.esp + w + disp) >>> 0;
        b.fillRandom(target - 4, 12);
        b.insn([...p, 0x8f, modrm(1, 0, 4), 0x24, disp & 0xff], `pop ${o16 ? "word" : "dword"} ptr [esp+${hex(disp & 0xff)}]`, { mnemonic: "pop", esp: w });
      }
    }
  },
};

const pushaPopa: Template = {
  name: "pusha/popa (16/32)",
  gen(b) {
    const o16 = b.rng.chance(0.3);
    const pop = b.rng.chance(0.5);
    const p = o16 ? [0x66] : [];
    const w = o16 ? 2 : 4;
    if (pop) b.insn([...p, 0x61], o16 ? "popaw" : "popad", { mnemonic: "popa", esp: 8 * w, regs: ALL_BUT_ESP });
    else b.insn([...p, 0x60], o16 ? "pushaw" : "pushad", { mnemonic: "pusha", esp: -8 * w });
  },
};

const pushfPopf: Template = {
  name: "pushf/popf",
  gen(b) {
    const o16 = b.rng.chance(0.25);
    const p = o16 ? [0x66] : [];
    if (b.rng.chance(0.5)) {
      b.insn([...p, 0x9c], o16 ? "pushfw" : "pushfd", { mnemonic: "pushf", reads: CF | PF | AF | ZF | SF | OF, esp: o16 ? -2 : -4 });
      return;
    }
    // Random image over every EFLAGS bit but TF (which would single-step). At CPL 0, POPF
    // may change IF, IOPL, NT, AC, ID; it leaves VIP, VIF, VM unchanged, clears RF, and the
    // reserved bits (3, 5, 15, 22-31) keep their fixed values (SDM vol.2 POPF).
    const v = (0x2 | (b.rng.u32() & ~0x100)) >>> 0;
    b.insn([...p, 0x68, ...le(v, o16 ? 2 : 4)], `push ${hex(v)}`, { mnemonic: "push", esp: o16 ? -2 : -4 });
    b.insn([...p, 0x9d], o16 ? "popfw" : "popfd", { mnemonic: "popf", writes: CF | PF | AF | ZF | SF | OF, esp: o16 ? 2 : 4, df: (v & DF) !== 0 });
  },
};

const enterLeave: Template = {
  name: "enter imm16, imm8 / leave",
  gen(b) {
    const o16 = b.rng.chance(0.25);
    const p = o16 ? [0x66] : [];
    if (b.esp === undefined) return;
    if (b.rng.chance(0.5)) {
      const size = b.rng.chance(0.7) ? b.rng.range(0, 0x40) : b.rng.range(0, 0x200);
      const level = b.rng.chance(0.6) ? b.rng.range(0, 1) : b.rng.range(2, 5);
      // Nesting levels > 1 copy frame pointers from [EBP - 4*i]: EBP points into the stack region.
      const ebp = (b.esp + b.rng.range(0x20, 0x100)) >>> 0;
      b.pin32(EBP, ebp);
      const w = o16 ? 2 : 4;
      b.insn([...p, 0xc8, ...le(size, 2), level], `enter ${hex(size)}, ${hex(level)}`, {
        mnemonic: "enter",
        esp: -w - (level > 0 ? (level - 1) * w + w : 0) - size,
        regs: [EBP],
      });
    } else {
      const ebp = (b.esp + b.rng.range(0, 0x80)) >>> 0;
      if (ebp + 8 > STACK_BASE + STACK_SIZE) return;
      b.pin32(EBP, ebp);
      b.insn([...p, 0xc9], o16 ? "leavew" : "leave", { mnemonic: "leave", espSet: ebp + (o16 ? 2 : 4), regs: [EBP] });
    }
  },
};

const popEsp: Template = {
  name: "pop esp / mov esp-relative",
  gen(b) {
    if (b.esp === undefined) return;
    const v = (STACK_BASE + 0x700 + b.rng.range(0, 0x100)) >>> 0;
    b.insn([0x68, ...le(v, 4)], `push ${hex(v)}`, { mnemonic: "push", esp: -4 });
    b.insn([0x58 + ESP], "pop esp", { mnemonic: "pop", espSet: v });
  },
};

/** Stack operations. */
export const stackFamily: Family = {
  name: "stack",
  description: "PUSH/POP (reg, imm, r/m, ESP cases), PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE",
  templates: [pushPop, pushPop, pushPop, pushaPopa, pushfPopf, enterLeave, popEsp],
};
