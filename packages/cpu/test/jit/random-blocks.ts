import { DATA } from "./jit-machine.js";

/** A small seeded PRNG (xorshift32), so a failing case can be replayed from its seed. */
export class Rng {
  constructor(private s: number) {
    if (this.s === 0) this.s = 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return x >>> 0;
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
/** Registers a random instruction may write: all but ESP (the stack stays in its area). */
const DST = [0, 1, 2, 3, 5, 6, 7];
/** Data addresses: aligned, unaligned, and one crossing the 4 KiB page end (the slow path). */
function dataAddr(rng: Rng): number {
  const k = rng.below(8);
  if (k === 0) return DATA + 0xffe;
  if (k === 1) return DATA + 0x1ffe;
  return DATA + (rng.below(1000) << 2) + (k === 2 ? 1 : 0);
}
const modrmReg = (reg: number, rm: number) => 0xc0 | (reg << 3) | rm;
const modrmAbs = (reg: number) => (reg << 3) | 5;

/** One random instruction's bytes, mostly of the forms the JIT translates, some it does not. */
function randomInsn(rng: Rng): number[] {
  const d = rng.pick(DST);
  const s = rng.below(8);
  const imm = rng.below(4) === 0 ? rng.below(4) : rng.next();
  const op = rng.pick([0, 1, 2, 3, 4, 5, 6, 7]);
  switch (rng.below(24)) {
    case 0:
      return [0xb8 + d, ...le32(imm)];
    case 1:
      return [0x89, modrmReg(s, d)];
    case 2:
      return [0x8b, modrmReg(d, s)];
    case 3:
      return [0x8b, modrmAbs(d), ...le32(dataAddr(rng))];
    case 4:
      return [0x89, modrmAbs(s), ...le32(dataAddr(rng))];
    case 5:
      return [(op << 3) | 1, modrmReg(s, d)];
    case 6:
      return [(op << 3) | 3, modrmAbs(d), ...le32(dataAddr(rng))];
    case 7:
      return [(op << 3) | 1, modrmAbs(s), ...le32(dataAddr(rng))];
    case 8:
      return [0x83, modrmReg(op, d), imm & 0xff];
    case 9:
      return [0x81, modrmReg(op, d), ...le32(imm)];
    case 10:
      return [(op << 3) | 5, ...le32(imm)];
    case 11:
      return rng.below(2) ? [0x85, modrmReg(s, d)] : [0xf7, modrmReg(0, d), ...le32(imm)];
    case 12:
      return [rng.below(2) ? 0x40 + d : 0x48 + d];
    case 13:
      // lea d, [base + index*scale + disp8] (index 4 = none)
      return [0x8d, 0x44 | (d << 3), (rng.below(4) << 6) | (rng.below(8) << 3) | rng.below(8), imm & 0xff];
    case 14:
      return [0x50 + s];
    case 15:
      return [0x58 + d];
    case 16:
      return rng.below(2) ? [0x6a, imm & 0xff] : [0x68, ...le32(imm)];
    case 17:
      return [0xc1, modrmReg(rng.pick([0, 1, 4, 5, 7, 6]), d), rng.below(40)];
    case 18:
      return [0xd1, modrmReg(rng.pick([0, 1, 4, 5, 7]), d)];
    case 19:
      return rng.below(2) ? [0x69, modrmReg(d, s), ...le32(imm)] : [0x0f, 0xaf, modrmReg(d, s)];
    case 20:
      // Not translated: SETcc, MOVZX, ADC with a byte register, CMC.
      return rng.pick([[0x0f, 0x90 + rng.below(16), modrmReg(0, d & 3)], [0x0f, 0xb6, modrmReg(d, s)], [0x12, modrmReg(s & 3, d & 3)], [0xf5]]);
    case 21:
      return [0xc7, modrmAbs(0), ...le32(dataAddr(rng)), ...le32(imm)];
    case 22:
      return [0x8b, 0x44 | (d << 3), 0x24, rng.below(16) << 2]; // mov d, [esp + disp8]
    default:
      return [0x90];
  }
}

/**
 * A random program: `count` instructions with Jcc/JMP (forward and backward, so loops run
 * until the budget ends them), CALL/RET pairs that return to the next instruction.
 */
export function randomProgram(rng: Rng, count: number): number[] {
  const insns: number[][] = [];
  for (let k = 0; k < count; k++) insns.push(randomInsn(rng));
  // Branches: rel32 forms patched once the layout is known.
  const starts: number[] = [];
  const branches: { at: number; target: number; kind: number }[] = [];
  const out: number[][] = [];
  for (let k = 0; k < insns.length; k++) {
    if (rng.below(6) === 0) {
      const target = rng.below(insns.length + 1);
      const kind = rng.below(4);
      branches.push({ at: out.length, target, kind });
      out.push(kind === 0 ? [0xe9, 0, 0, 0, 0] : [0x0f, 0x80 + rng.below(16), 0, 0, 0, 0]);
    }
    if (rng.below(12) === 0) {
      // call +0 then pop into a register: CALL and the stack, with a RET-free return.
      out.push([0xe8, 0, 0, 0, 0]);
      out.push([0x58 + rng.pick(DST)]);
    }
    if (rng.below(12) === 0) {
      // push the address after the RET, then RET to it.
      branches.push({ at: out.length, target: -1, kind: 9 });
      out.push([0x68, 0, 0, 0, 0]);
      out.push([0xc3]);
    }
    starts[k] = out.length;
    out.push(insns[k]!);
  }
  starts[insns.length] = out.length;
  const offs: number[] = [];
  let o = 0;
  for (const b of out) {
    offs.push(o);
    o += b.length;
  }
  offs.push(o);
  for (const br of branches) {
    const bytes = out[br.at]!;
    if (br.kind === 9) {
      bytes.splice(1, 4, ...le32(0x1000 + offs[br.at + 2]!));
      continue;
    }
    const next = offs[br.at + 1]!;
    const rel = offs[starts[br.target]!]! - next;
    bytes.splice(bytes.length - 4, 4, ...le32(rel));
  }
  return out.flat();
}
