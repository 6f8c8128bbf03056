import { hex, le, REG32 } from "../encoding.js";
import type { Family, Template } from "../template.js";

/**
 * Self-modifying code: a store patches an instruction a few bytes ahead, which then runs.
 * SDM vol.3 8.1.3: a write to code about to execute takes effect (the processor snoops
 * its prefetch/decoded state), so the patched instruction is the one executed. This probes
 * ringlab's decoded-instruction cache.
 */
const patchAhead: Template = {
  name: "mov [code ahead], imm ; <fillers> ; patched instruction",
  gen(b) {
    const r = b.dstReg(32);
    const r2 = b.dstReg(32);
    const gap: number[][] = [];
    for (let i = b.rng.range(0, 2); i > 0; i--) gap.push([0x90]);
    const wide = b.rng.chance(0.3);
    const storeLen = wide ? 10 : 7;
    const victimAddr = b.pc + storeLen + gap.length;
    const kind = b.rng.below(3);
    let victim: number[];
    let target: number;
    let value: number;
    if (kind === 0) {
      // Patch the immediate of `mov r, imm32`.
      victim = [0xb8 + r, ...le(b.rng.edge(32), 4)];
      target = victimAddr + (wide ? 1 : b.rng.range(1, 4));
      value = b.rng.edge(32);
    } else if (kind === 1) {
      // Turn `inc r` into `dec r2` (or back into something else of the 40-4F row).
      victim = [0x40 + r];
      target = victimAddr;
      value = (0x48 + r2) | (wide ? 0x90909000 : 0);
      victim.push(0x90, 0x90, 0x90);
    } else {
      // Patch the opcode of `mov r, imm32` so it loads another register.
      victim = [0xb8 + r, ...le(b.rng.edge(32), 4)];
      target = victimAddr;
      value = wide ? (0xb8 + r2) | (b.rng.u32() & 0xffffff00) : 0xb8 + r2;
    }
    const store = wide ? [0xc7, 0x05, ...le(target, 4), ...le(value, 4)] : [0xc6, 0x05, ...le(target, 4), value & 0xff];
    b.insn(store, `mov ${wide ? "dword" : "byte"} ptr [${hex(target)}], ${hex(wide ? value : value & 0xff)}`, { mnemonic: "mov" });
    for (const g of gap) b.insn(g, "nop", { mnemonic: "nop" });
    // Regs the patched instruction may write (flags too, for inc/dec: defined either way).
    b.insn(victim.slice(0, kind === 1 ? 1 : 5), `(patched) ${kind === 1 ? `inc ${REG32[r]}` : `mov ${REG32[r]}, ...`}`, { mnemonic: "smc-victim", regs: [r, r2], writes: kind === 1 ? 0x8d4 : 0 });
    if (kind === 1) for (let i = 1; i < victim.length; i++) b.insn([victim[i]!], "nop (may be patched)", { mnemonic: "nop", regs: [r2] });
  },
};

export const smcFamily: Family = { name: "smc", description: "self-modifying code: stores into instructions a few bytes ahead", templates: [patchAhead], maxLength: 3 };
