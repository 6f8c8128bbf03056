import type { Insn } from "../decode/insn.js";
import { SS, ZERO_REG } from "../state/registers.js";

/**
 * What the block builder knows while it turns one block of decoded instructions into the
 * source of a JS function: the code emitted so far, which guest registers and segments the
 * block touches (they become locals loaded at entry and written back at exit), and what the
 * lazy-flag locals hold at this point of the block.
 *
 * The generated function's locals (see block-builder.ts for the frame):
 * - `r0`..`r7`: the general registers, int32 as in `cpu.regs`;
 * - `op fa fb fr ff`: the lazy status flags (`ccOp ccA ccB ccRes ccFlags`, state/lazy-flags.ts);
 * - `e0`/`n0`: EIP and the slice's retired count at entry; `ne`/`ni` the exit's;
 * - `lin p o b m v w`: scratch for memory accesses; `at`: the instruction a slow path runs for;
 * - `slow`: set when an access took the slow path (the block then ends after that instruction).
 *
 * Emitters must keep faults precise: everything an instruction changes in the locals is
 * written after its last access that may fault, so the catch clause can write the locals
 * back as they were before the faulting instruction.
 */
export class EmitContext {
  /** Source lines of the block body. */
  readonly lines: string[] = [];
  /** Registers read or written (loaded into locals at entry). */
  readonly regsUsed = new Set<number>();
  /** Registers written (stored back at exit). */
  readonly regsWritten = new Set<number>();
  /** Segments whose base a memory operand adds (each must be flat-checked at entry). */
  readonly segsUsed = new Set<number>();
  /** True once an instruction reads or writes the lazy flags. */
  flagsTouched = false;
  /** The block uses the stack (32-bit stack pointer required at entry). */
  usesStack = false;
  /**
   * The CC_* operation the flag locals hold, when an instruction of this block set them
   * (conditions are then computed inline); -1 when it is whatever the block entered with;
   * KNOWN_SBB (flag-conditions.ts) after an SBB.
   */
  knownOp = -1;
  /** Index in the block of the instruction being emitted. */
  index = 0;
  /**
   * Offset from the block's entry EIP of each instruction's first byte (a block may follow
   * a JMP or CALL to its target, so these need not ascend).
   */
  readonly starts: number[] = [0];
  /** Offset from the entry EIP of the byte after each instruction. */
  readonly nexts: number[] = [];
  /** Set when the current instruction emitted a memory access (it has a slow path). */
  hadSlowPath = false;
  /** Set by a control-transfer emitter: the block ends with this instruction. */
  ended = false;
  /** The exit EIP expression a control transfer chose (else the next instruction's). */
  exitEip: string | null = null;
  /** A JMP/CALL's target as an offset from the entry EIP (the builder may go on there). */
  staticTarget: number | null = null;
  /** A Jcc's condition and taken-target expressions (the builder may go on at the fall-through). */
  branch: { cond: string; taken: string } | null = null;
  /**
   * Instructions the block runs by calling the interpreter's handler (emit-x87.ts): the
   * generated code reaches handler j as `hj` and its decoded instruction as `ij` (constants
   * of the block's closure, from the arrays `H` and `I` its factory gets).
   */
  readonly calls: Insn[] = [];

  /** Registers `i` as called from the block; returns its index in `H` and `I`. */
  call(i: Insn): number {
    this.calls.push(i);
    return this.calls.length - 1;
  }

  /** An expression for guest register `r` (32-bit). */
  reg(r: number): string {
    if (r === ZERO_REG) return "0";
    this.regsUsed.add(r);
    return `r${r}`;
  }

  /** Emits `r = expr`. */
  setReg(r: number, expr: string): void {
    this.regsUsed.add(r);
    this.regsWritten.add(r);
    this.emit(`r${r} = ${expr};`);
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  /** EIP of the instruction after the current one, as an expression (unsigned). */
  nextEip(): string {
    return `((e0 + ${this.nexts[this.index]!}) >>> 0)`;
  }

  /** EIP the current instruction's relative operand `rel` names (unsigned). */
  relTarget(rel: number): string {
    return `((e0 + ${this.nexts[this.index]! + rel}) >>> 0)`;
  }

  /** The lines a slow path runs first: the instruction's EIP and count made visible. */
  private slowPrologue(): string {
    this.hadSlowPath = true;
    return `at = ${this.index}; cpu.eip = ${this.nextEip()}; cpu.n = n0 + ${this.index}; slow = 1;`;
  }

  /** The flat linear address of instruction `i`'s memory operand, into `lin`. */
  address(i: Insn): void {
    const parts: string[] = [];
    if (i.base !== ZERO_REG) parts.push(this.reg(i.base));
    if (i.index !== ZERO_REG) parts.push(i.scale === 0 ? this.reg(i.index) : `(${this.reg(i.index)} << ${i.scale})`);
    if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp | 0));
    this.segsUsed.add(i.seg);
    this.emit(`lin = (sb${i.seg} + ${parts.join(" + ")}) | 0;`);
  }

  /** The linear address of SS:`offExpr`, into `lin`. */
  stackAddress(offExpr: string): void {
    this.segsUsed.add(SS);
    this.usesStack = true;
    this.emit(`lin = (sb${SS} + ${offExpr}) | 0;`);
  }

  /**
   * A 32-bit read at `lin` into `v`: RAM the fast tables reach directly is read inline (as
   * CpuMemory.rd32's fast path); anything else (MMIO, a page crossing, a TLB miss) calls
   * `cpu.rd32`, which may fault.
   */
  load32(): void {
    this.emit(
      `p = lin >>> 12; o = lin & 0xfff; b = rp[p];` +
        ` if (b !== null && o <= 0xffc) { o += po[p]; v = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24); }` +
        ` else { ${this.slowPrologue()} v = cpu.rd32(lin); }`,
    );
  }

  /**
   * A 32-bit write of `expr` at `lin`: inline when the page is directly writable RAM and the
   * bytes written hold no decoded code (as CpuMemory.wr32's fast path); otherwise `cpu.wr32`,
   * which drops decoded code (self-modifying code) and may fault.
   */
  store32(expr: string): void {
    this.emit(
      `w = ${expr}; p = lin >>> 12; o = lin & 0xfff; b = wp[p]; m = cm[p];` +
        ` if (b !== null && o <= 0xffc && (m === 0 || (((m >>> (o >>> 7)) | (m >>> ((o + 3) >>> 7))) & 1) === 0)) {` +
        ` o += po[p]; b[o] = w; b[o + 1] = w >> 8; b[o + 2] = w >> 16; b[o + 3] = w >> 24; }` +
        ` else { ${this.slowPrologue()} cpu.wr32(lin, w); }`,
    );
  }

  /** Records the lazy flags of an operation: `op` and, when given, `fa`, `fb`, `fr`. */
  setFlags(ccOp: number, a: string | null, b: string | null, res: string): void {
    this.flagsTouched = true;
    const parts = [`op = ${ccOp};`];
    if (a !== null) parts.push(`fa = ${a};`);
    if (b !== null) parts.push(`fb = ${b};`);
    parts.push(`fr = ${res};`);
    this.emit(parts.join(" "));
    this.knownOp = ccOp;
  }

  /** Marks the flag locals as read (they are loaded at entry). */
  readFlags(): void {
    this.flagsTouched = true;
  }

  /** The source that stores the flag locals into the CPU. */
  static flagsWriteBack(): string {
    return "cpu.ccOp = op; cpu.ccA = fa; cpu.ccB = fb; cpu.ccRes = fr; cpu.ccFlags = ff;";
  }
}

/** An emitter: appends instruction `i`'s code, or returns false when it cannot translate this form. */
export type Emitter = (ctx: EmitContext, i: Insn) => boolean;
