import type { DiffCase, GenInsn } from "./diff-case.js";
import { hex, le, modrm, REG16, REG32, sizeWord, type OpSize } from "./encoding.js";
import { CODE_BASE, DATA_BASE, DATA_SIZE, DF, ESP, STACK_BASE, STACK_SIZE, STACK_TOP, STATUS_FLAGS } from "./layout.js";
import type { Prng } from "./prng.js";

/** What one emitted instruction does, as far as the generator's bookkeeping needs. */
export interface InsnEffects {
  mnemonic: string;
  /** Flags the instruction reads (ADC reads CF, Jcc reads its condition's flags ...). */
  reads?: number;
  /** Flags it defines. */
  writes?: number;
  /** Flags it leaves undefined (from undefined-flags.ts). */
  undef?: number;
  /** 32-bit registers it may write (0..7). */
  regs?: number[];
  /** ESP change when known (push: -4), or "unknown". ESP is never in `regs`. */
  esp?: number | "unknown";
  /** ESP value afterwards, when the template knows it exactly (LEAVE, POP ESP). */
  espSet?: number;
  /** DF afterwards (CLD/STD/POPF). */
  df?: boolean;
}

/** A memory operand: ModRM(+SIB+disp) bytes for a given reg field, and where it points. */
export interface MemOperand {
  /** Address-size and segment-override prefixes to put before the opcode. */
  prefix: number[];
  encode(regField: number): number[];
  /** e.g. `[ebx+ecx*4+0x10]` (the size word is added by `text(size)`). */
  addr: string;
  text(size: OpSize | 64): string;
  /** Effective (= linear, flat segments) address. */
  ea: number;
  asz: 16 | 32;
}

export interface MemOptions {
  /** Bytes the instruction accesses at the effective address. */
  size: number;
  /** Force an address size; default 32 with a 1-in-4 chance of 16. */
  asz?: 16 | 32;
  /** Registers the template uses for something else: not used as base/index. */
  avoid?: number[];
  /** Extra random fill before/after the operand (bit-string ops reach around it). */
  around?: [number, number];
  /** LEA: no access, so base/index may hold any value (tests 32-bit wrap-around). */
  noAccess?: boolean;
  /** Allow an ESP-based operand (points into the stack region). */
  espOk?: boolean;
  /** No segment override prefix (e.g. it would be confusing with string ops). */
  noSegment?: boolean;
  /**
   * The operand is only read: a CS override is then allowed too. Writes through CS raise
   * #GP (code segments are not writable, SDM vol.3 5.4.1), which Unicorn does not model.
   */
  readOnly?: boolean;
}

const DATA_LO = DATA_BASE + 0x100;
const DATA_HI = DATA_BASE + DATA_SIZE - 0x100;
const PAGE_BOUNDARY = DATA_BASE + 0x1000;

/** 16-bit ModRM r/m forms (SDM vol.2 table 2-1): registers summed for each rm value. */
const RM16: number[][] = [[3, 6], [3, 7], [5, 6], [5, 7], [6], [7], [5], [3]];

/**
 * Builds one case: emits instructions, pins the register/memory values the templates need,
 * and tracks which flags/registers/memory are undefined at the end (Intel SDM semantics),
 * so that a later instruction never consumes an undefined value silently.
 */
export class SequenceBuilder {
  readonly regs: number[] = [];
  eflags: number;
  /** Current value of each register when the generator knows it. */
  private readonly known: (number | undefined)[] = [];
  private readonly written: boolean[] = new Array(8).fill(false);
  private readonly relied: boolean[] = new Array(8).fill(false);
  private taint = 0;
  private df: boolean;
  private dfChanged = false;
  private dfRelied = false;
  private espKnown: number | undefined;
  readonly code: number[] = [];
  readonly insns: GenInsn[] = [];
  readonly fill: [number, number[]][] = [];
  private readonly maskRegs = new Set<number>();
  private readonly maskMem: [number, number][] = [];
  ended = false;
  expectVector: number | undefined;
  /** The SDM's error code for `expectVector` (checked on ringlab only). */
  expectErrorCode: number | undefined;
  /** GDTR of a case that set up its own GDT (segment families). */
  gdt: [number, number] | undefined;
  /** Set by the paging family (see DiffCase.paging). */
  paging = false;
  /** Facts for known-issue exclusions (see DiffCase.tags). */
  readonly tags: string[] = [];

  constructor(readonly rng: Prng, readonly id: string, readonly family: string, readonly org: number = CODE_BASE) {
    for (let r = 0; r < 8; r++) this.regs.push(rng.edge(32));
    this.regs[ESP] = (STACK_TOP + rng.range(-8, 8) * 4 + (rng.chance(0.1) ? rng.range(1, 3) : 0)) >>> 0;
    for (let r = 0; r < 8; r++) this.known.push(this.regs[r]);
    this.espKnown = this.regs[ESP];
    this.df = rng.chance(0.25);
    this.eflags = 0x2 | (rng.u32() & STATUS_FLAGS) | (this.df ? DF : 0);
    // Random stack contents around ESP, so POP/POPA/LEAVE/RET read something non-trivial.
    this.fillRandom(STACK_TOP - 0x180, 0x300);
  }

  /** Address where the next byte of code goes. */
  get pc(): number {
    return this.org + this.code.length;
  }

  get esp(): number | undefined {
    return this.espKnown;
  }

  value(r: number): number | undefined {
    return this.known[r];
  }

  /**
   * Makes sure the flags in `mask` are defined: if an earlier instruction left one undefined,
   * emits a CMP (which defines all six status flags and changes nothing else). Templates whose
   * flag reader is not the next instruction (LOOPE after a loop body) call this up front.
   */
  defineFlags(mask: number): void {
    if (mask & this.taint) {
      const r = this.rng.below(8);
      const v = this.rng.edge(32);
      this.taint = 0;
      this.raw([0x81, modrm(3, 7, r), ...le(v, 4)], `cmp ${REG32[r]}, ${hex(v)}`, "cmp");
    }
  }

  /** Emits one instruction and applies its effects to the bookkeeping. */
  insn(bytes: number[], note: string, fx: InsnEffects): void {
    // An instruction must not consume a flag a previous one left undefined.
    this.defineFlags(fx.reads ?? 0);
    this.raw(bytes, note, fx.mnemonic);
    this.taint = (this.taint & ~(fx.writes ?? 0)) | (fx.undef ?? 0);
    this.insns[this.insns.length - 1]!.undefAfter = this.taint;
    for (const r of fx.regs ?? []) {
      if (r === ESP) throw new Error(`${note}: templates must not list ESP in regs`);
      this.written[r] = true;
      this.known[r] = undefined;
    }
    if (fx.espSet !== undefined) this.espKnown = fx.espSet >>> 0;
    else if (fx.esp === "unknown") this.espKnown = undefined;
    else if (fx.esp !== undefined && this.espKnown !== undefined) this.espKnown = (this.espKnown + fx.esp) >>> 0;
    if (fx.esp !== undefined || fx.espSet !== undefined) {
      this.written[ESP] = true;
      this.known[ESP] = this.espKnown;
    }
    if (fx.df !== undefined) {
      this.df = fx.df;
      this.dfChanged = true;
    }
  }

  private raw(bytes: number[], note: string, mnemonic: string): void {
    if (bytes.length > 15) throw new Error(`${note}: ${bytes.length}-byte encoding`);
    this.code.push(...bytes);
    this.insns.push({ bytes, note, mnemonic, undefAfter: this.taint });
  }

  /** Makes register `r` hold `v` before the next instruction (initial state or a MOV). */
  pin32(r: number, v: number): void {
    v >>>= 0;
    if (r === ESP) throw new Error("pin32: ESP is tracked, not pinned");
    if (this.known[r] === v) {
      this.relied[r] = true;
      return;
    }
    if (!this.written[r] && !this.relied[r]) {
      this.regs[r] = v;
    } else {
      this.raw([0xb8 + r, ...le(v, 4)], `mov ${REG32[r]}, ${hex(v)}`, "mov");
      this.written[r] = true;
    }
    this.known[r] = v;
    this.relied[r] = true;
  }

  /** Makes the low 16 bits of `r` hold `v`; the upper half stays whatever it is. */
  pin16(r: number, v: number): void {
    v &= 0xffff;
    if (r === ESP) throw new Error("pin16: ESP is tracked, not pinned");
    const k = this.known[r];
    if (k !== undefined && (k & 0xffff) === v) {
      this.relied[r] = true;
      return;
    }
    if (!this.written[r] && !this.relied[r]) {
      this.regs[r] = ((this.regs[r]! & 0xffff0000) | v) >>> 0;
      this.known[r] = this.regs[r];
    } else {
      this.raw([0x66, 0xb8 + r, ...le(v, 2)], `mov ${REG16[r]}, ${hex(v)}`, "mov");
      this.written[r] = true;
      this.known[r] = k === undefined ? undefined : ((k & 0xffff0000) | v) >>> 0;
    }
    this.relied[r] = true;
  }

  /** Makes 8-bit register `r8` (AL..BH numbering) hold `v`. */
  pin8(r8: number, v: number): void {
    v &= 0xff;
    const r = r8 & 3;
    const shift = r8 >= 4 ? 8 : 0;
    const k = this.known[r];
    if (k !== undefined && ((k >>> shift) & 0xff) === v) {
      this.relied[r] = true;
      return;
    }
    const put = (x: number) => ((x & ~(0xff << shift)) | (v << shift)) >>> 0;
    if (!this.written[r] && !this.relied[r]) {
      this.regs[r] = put(this.regs[r]!);
      this.known[r] = this.regs[r];
    } else {
      this.raw([0xb0 + r8, v], `mov ${["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"][r8]}, ${hex(v)}`, "mov");
      this.written[r] = true;
      this.known[r] = k === undefined ? undefined : put(k);
    }
    this.relied[r] = true;
  }

  /** Makes DF hold `v` (initial EFLAGS or CLD/STD). */
  pinDF(v: boolean): void {
    if (this.df === v) {
      this.dfRelied = true;
      return;
    }
    if (!this.dfChanged && !this.dfRelied) {
      this.eflags = v ? this.eflags | DF : this.eflags & ~DF;
      this.df = v;
    } else {
      this.insn([v ? 0xfd : 0xfc], v ? "std" : "cld", { mnemonic: v ? "std" : "cld", df: v });
    }
    this.dfRelied = true;
  }

  /** Pre-fills memory; data-region fills are remembered so later operands do not overlap them. */
  fillBytes(addr: number, bytes: number[]): void {
    this.fill.push([addr >>> 0, bytes]);
    if (addr >= DATA_BASE && addr < DATA_BASE + DATA_SIZE) this.used.push([addr, addr + bytes.length]);
  }

  /** Data-region ranges already filled (and possibly written by earlier instructions at run time). */
  private readonly used: [number, number][] = [];

  /** True if [lo, hi) overlaps no earlier data-region fill. */
  isFresh(lo: number, hi: number): boolean {
    return this.used.every(([a, z]) => hi <= a || lo >= z);
  }

  fillValue(addr: number, value: number, bytes: number): void {
    this.fillBytes(addr, le(value >>> 0, bytes));
  }

  fillRandom(addr: number, n: number): void {
    this.fillBytes(addr, this.rng.bytes(n));
  }

  /** The final value of register `r` is undefined (SDM); the sequence ends here. */
  taintReg(r: number): void {
    this.maskRegs.add(r);
    this.ended = true;
  }

  /** The final content of [addr, addr+len) is undefined (SDM); the sequence ends here. */
  taintMem(addr: number, len: number): void {
    this.maskMem.push([addr >>> 0, len]);
    this.ended = true;
  }

  /** A random register for a destination: never ESP for 16/32-bit operands. */
  dstReg(size: OpSize, avoid: number[] = []): number {
    for (;;) {
      const r = this.rng.below(8);
      if (size !== 8 && r === ESP) continue;
      const full = size === 8 ? r & 3 : r;
      if (avoid.includes(full)) continue;
      return r;
    }
  }

  /** A random source register (any, ESP included for 16/32-bit). */
  srcReg(avoid: number[] = []): number {
    for (;;) {
      const r = this.rng.below(8);
      if (!avoid.includes(r)) return r;
    }
  }

  /** A data-region address for an operand of `size` bytes; sometimes straddling the page boundary. */
  dataTarget(size: number, margin: [number, number] = [16, 16]): number {
    // Operands never overlap earlier fills: an earlier instruction may have stored there at
    // run time, and exact values (divisors, BSF sources) must stay what the template chose.
    for (let tries = 0; ; tries++) {
      const t = size > 1 && this.rng.chance(0.15) ? PAGE_BOUNDARY - this.rng.range(1, size - 1) : this.rng.range(DATA_LO, DATA_HI - size);
      if (this.isFresh(t - margin[0], t + size + margin[1]) || tries > 200) return t;
    }
  }

  /** Builds a memory operand (any 32- or 16-bit ModRM/SIB form) that points into the data region. */
  mem(o: MemOptions): MemOperand {
    const asz = o.asz ?? (this.rng.chance(0.25) ? 16 : 32);
    const seg = !o.noSegment && this.rng.chance(0.12) ? [this.rng.pick(o.readOnly ? [0x3e, 0x26, 0x36, 0x64, 0x65, 0x2e] : [0x3e, 0x26, 0x36, 0x64, 0x65])] : [];
    const prefix = [...seg, ...(asz === 16 ? [0x67] : [])];
    const segText = seg.length ? `${{ 0x3e: "ds", 0x26: "es", 0x36: "ss", 0x64: "fs", 0x65: "gs", 0x2e: "cs" }[seg[0]!]}:` : "";
    const avoid = o.avoid ?? [];
    const [before, after] = o.around ?? [16, 16];
    let op: Omit<MemOperand, "prefix" | "text" | "asz">;
    if (asz === 16) op = this.mem16(o, avoid);
    else op = this.mem32(o, avoid);
    if (!o.noAccess) {
      const lo = op.ea - before;
      this.fillRandom(lo, before + o.size + after);
    }
    return {
      ...op,
      prefix,
      asz,
      text: (size) => `${sizeWord(size)} ptr ${segText}${op.addr}`,
    };
  }

  private mem16(o: MemOptions, avoid: number[]): Omit<MemOperand, "prefix" | "text" | "asz"> {
    for (;;) {
      const rm = this.rng.below(8);
      const mod = this.rng.below(3);
      const regs = mod === 0 && rm === 6 ? [] : RM16[rm]!;
      if (regs.some((r) => avoid.includes(r))) continue;
      const dispBytes = mod === 0 ? (rm === 6 ? 2 : 0) : mod === 1 ? 1 : 2;
      const target = o.noAccess ? this.rng.u32() & 0xffff : this.dataTarget(o.size, o.around);
      let disp = dispBytes === 0 ? 0 : dispBytes === 1 ? this.rng.range(-128, 127) : this.rng.edge(16);
      let sum: number[];
      if (regs.length === 0) {
        disp = target;
        sum = [];
      } else if (regs.length === 1) {
        sum = [(target - disp) & 0xffff];
      } else {
        const a = this.rng.edge(16);
        sum = [a, (target - disp - a) & 0xffff];
      }
      if (o.noAccess) sum = regs.map(() => this.rng.edge(16));
      regs.forEach((r, i) => this.pin16(r, sum[i]!));
      const ea = o.noAccess ? 0 : target;
      const dispText = disp === 0 && dispBytes === 0 ? "" : `${regs.length ? "+" : ""}${hex(disp & (dispBytes === 1 ? 0xff : 0xffff))}`;
      const addr = `[${regs.map((r) => REG16[r]).join("+")}${dispText}]`;
      const dispEnc = dispBytes === 0 ? [] : le(disp, dispBytes);
      return { encode: (reg) => [modrm(mod, reg, rm), ...dispEnc], addr, ea };
    }
  }

  private mem32(o: MemOptions, avoid: number[]): Omit<MemOperand, "prefix" | "text" | "asz"> {
    const rng = this.rng;
    for (;;) {
      const useEsp = !!o.espOk && this.espKnown !== undefined && rng.chance(0.2);
      const mod = rng.below(3);
      const sib = useEsp || rng.chance(0.5);
      let base: number | undefined;
      let index: number | undefined;
      let scale = 0;
      if (sib) {
        const b = useEsp ? ESP : rng.below(8);
        base = mod === 0 && b === 5 ? undefined : b;
        const i = rng.below(8);
        index = i === 4 ? undefined : i;
        scale = rng.below(4);
        if (!useEsp && base === ESP) continue;
      } else {
        const rm = rng.below(8);
        if (rm === 4) continue;
        base = mod === 0 && rm === 5 ? undefined : rm;
      }
      if ((base !== undefined && base !== ESP && avoid.includes(base)) || (index !== undefined && avoid.includes(index))) continue;
      const noBase = base === undefined;
      const dispBytes = noBase ? 4 : mod === 0 ? 0 : mod === 1 ? 1 : 4;
      let disp = dispBytes === 0 ? 0 : dispBytes === 1 ? rng.range(-128, 127) : rng.edge(32);
      const s = 1 << scale;
      let target: number;
      let ea: number;
      if (o.noAccess) {
        if (base !== undefined && base !== ESP) this.pin32(base, rng.edge(32));
        if (index !== undefined && index !== base) this.pin32(index, rng.edge(32));
        ea = 0;
      } else if (base === ESP) {
        // ESP is not pinned: aim at the stack region from its known value.
        const iv = index === undefined ? 0 : rng.range(-4, 4);
        if (dispBytes === 0) disp = 0;
        else disp = dispBytes === 1 ? rng.range(-96, 96) : rng.range(-0x300, 0x300);
        target = (this.espKnown! + iv * s + disp) >>> 0;
        if (target < STACK_BASE + 0x40 || target + o.size > STACK_BASE + STACK_SIZE - 0x40) continue;
        if (index !== undefined) this.pin32(index, iv >>> 0);
        ea = target;
      } else {
        target = this.dataTarget(o.size, o.around);
        if (base === undefined && index === undefined) {
          disp = target;
        } else if (base === undefined) {
          // [index*s + disp32]: choose index, solve disp.
          const iv = rng.chance(0.5) ? rng.range(0, 0x400) : rng.edge(32);
          disp = (target - Math.imul(iv, s)) >>> 0;
          this.pin32(index!, iv);
        } else if (index === undefined) {
          this.pin32(base, (target - disp) >>> 0);
        } else if (index === base) {
          // v*(s+1) + disp = target (mod 2^32): s+1 is odd (invertible) except for s = 1.
          const k = s + 1;
          let rhs = (target - disp) >>> 0;
          if (k === 2) {
            if (rhs & 1) {
              target += 1;
              rhs = (rhs + 1) >>> 0;
            }
            this.pin32(base, ((rhs >>> 1) + (rng.chance(0.5) ? 0x80000000 : 0)) >>> 0);
          } else {
            this.pin32(base, Math.imul(rhs, inverseOdd(k)) >>> 0);
          }
        } else {
          const iv = rng.edge(32);
          this.pin32(index, iv);
          this.pin32(base, (target - Math.imul(iv, s) - disp) >>> 0);
        }
        ea = target;
      }
      const scaleText = scale ? `*${s}` : "";
      const parts: string[] = [];
      if (base !== undefined) parts.push(REG32[base]!);
      if (index !== undefined) parts.push(`${REG32[index]}${scaleText}`);
      let addr = parts.join("+");
      if (dispBytes) addr += `${addr ? "+" : ""}${hex(disp)}`;
      addr = `[${addr}]`;
      const rmField = sib ? 4 : (base ?? 5);
      const sibByte = sib ? [(scale << 6) | ((index ?? 4) << 3) | (base ?? 5)] : [];
      const dispEnc = dispBytes ? le(disp >>> 0, dispBytes) : [];
      const m = noBase && !sib ? 0 : mod;
      return { encode: (reg) => [modrm(m, reg, rmField), ...sibByte, ...dispEnc], addr, ea };
    }
  }

  finish(): DiffCase {
    return {
      id: this.id,
      family: this.family,
      org: this.org,
      code: this.code,
      insns: this.insns,
      regs: this.regs.map((v) => v >>> 0),
      eflags: this.eflags >>> 0,
      fill: this.fill,
      count: 20000,
      mask: { flags: this.taint, regs: [...this.maskRegs], mem: this.maskMem },
      ...(this.expectVector !== undefined ? { expectVector: this.expectVector } : {}),
      ...(this.expectErrorCode !== undefined ? { expectErrorCode: this.expectErrorCode } : {}),
      ...(this.gdt ? { gdt: this.gdt } : {}),
      ...(this.paging ? { paging: true } : {}),
      ...(this.tags.length ? { tags: [...this.tags] } : {}),
    };
  }
}

/** Multiplicative inverse of an odd number modulo 2^32 (Newton iteration). */
function inverseOdd(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x)) >>> 0;
  return x;
}
