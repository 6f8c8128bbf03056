/**
 * ringlab's prediction of one host-x87.c case: what FNSAVE and the memory destination would
 * show after FNINIT, FLDCW, FLD b, FLD a and the instruction. Fields left undefined are not
 * compared (e.g. a register the instruction popped, whose stale content is the previous case's).
 */
import * as fpu from "../../src/fpu/index.js";
import type { F80 } from "../../src/fpu/index.js";
import * as trans from "../../src/fpu/transcendental.js";

/** Memory-operand forms of the arithmetic: ST(0) op m32/m64 real or m16/m32 integer. */
export const MEM_OPS = ["add", "sub", "subr", "mul", "div", "divr", "com"].flatMap((o) => [`${o}32`, `${o}64`, `i${o}16`, `i${o}32`]);

export const OPS = [
  "add", "sub", "subr", "mul", "div", "divr", "sqrt", "prem", "prem1", "scale", "xtract", "rndint",
  "com", "ucom", "comi", "ucomi", "tst", "xam",
  "fst32", "fst64", "fist16", "fist32", "fist64", "fistt16", "fistt32", "fistt64", "fbstp",
  "fld32", "fld64", "fild16", "fild32", "fild64", "fbld",
  ...(MEM_OPS as `${"" | "i"}${"add" | "sub" | "subr" | "mul" | "div" | "divr" | "com"}${"16" | "32" | "64"}`[]),
] as const;

/** The transcendental instructions (transcendental.test.ts): FSIN FCOS FSINCOS FPTAN F2XM1,
 *  and FPATAN FYL2X FYL2XP1 with ST(0) = a, ST(1) = b, the result replacing ST(1) (popped). */
export const TRANS_OPS = ["sin", "cos", "sincos", "ptan", "f2xm1", "patan", "yl2x", "yl2xp1"] as const;
export type TransOp = (typeof TRANS_OPS)[number];
export type Op = (typeof OPS)[number] | TransOp;
export const isTrans = (op: Op): op is TransOp => (TRANS_OPS as readonly string[]).includes(op);

/** The memory operand of a memory form: "real32", "real64", "int16", "int32"; null otherwise. */
export function memForm(op: Op): { base: string; kind: "real" | "int"; width: 16 | 32 | 64 } | null {
  const m = /^(i?)(add|sub|subr|mul|div|divr|com)(16|32|64)$/.exec(op);
  if (!m) return null;
  return { base: m[2]!, kind: m[1] ? "int" : "real", width: Number(m[3]) as 16 | 32 | 64 };
}

export const TWO_OPERANDS = new Set<Op>(["add", "sub", "subr", "mul", "div", "divr", "prem", "prem1", "scale", "com", "ucom", "comi", "ucomi", "patan", "yl2x", "yl2xp1"]);
export const LOADS = new Set<Op>(["fld32", "fld64", "fild16", "fild32", "fild64", "fbld"]);

export interface Case {
  op: Op;
  cw: number;
  /** 80-bit register image, or for loads the memory image (right-aligned hex). */
  a: string;
  b: string;
}

export interface Observed {
  sw: number;
  st0?: string;
  st1?: string;
  mem?: string;
  eflags?: number;
}

/** Status bits compared: everything but TOP (bits 11-13), which the next slice models. */
export const SW_COMPARED = 0xc7ff;

/**
 * The host's answer to a case: host-x87.c's output line, with registers the tag word says are
 * empty, an untouched memory destination and the EFLAGS of non-FCOMI ops dropped (they hold
 * stale or meaningless bits). The same shape is what the fixtures record (`-` for dropped).
 */
export function parseHost(line: string, op: Op): Observed {
  const [sw, empty, st0, st1, mem, fl] = line.trim().split(" ");
  const e = Number(empty);
  return {
    sw: parseInt(sw!, 16),
    st0: e & 1 ? undefined : st0,
    st1: e & 2 ? undefined : st1,
    mem: mem === "aa".repeat(10) && !STORES.has(op) ? undefined : mem,
    eflags: op === "comi" || op === "ucomi" ? parseInt(fl!, 16) & 0x45 : undefined,
  };
}

export const STORES = new Set<Op>(["fst32", "fst64", "fist16", "fist32", "fist64", "fistt16", "fistt32", "fistt64", "fbstp"]);

/** One fixture line: the case and the host's answer (`-` for a dropped field). */
export function fixtureLine(c: Case, h: Observed): string {
  const f = (v: string | number | undefined, w = 0) => (v === undefined ? "-" : typeof v === "number" ? v.toString(16).padStart(w, "0") : v);
  return `${caseLine(c)} ${f(h.sw, 4)} ${f(h.st0)} ${f(h.st1)} ${f(h.mem)} ${f(h.eflags)}`;
}

export function parseFixture(line: string): { c: Case; h: Observed } {
  const [op, cw, a, b, sw, st0, st1, mem, fl] = line.split(" ");
  const u = (v: string | undefined) => (v === "-" ? undefined : v);
  return {
    c: { op: op as Op, cw: parseInt(cw!, 16), a: a!, b: b! },
    h: { sw: parseInt(sw!, 16), st0: u(st0), st1: u(st1), mem: u(mem), eflags: fl === "-" ? undefined : parseInt(fl!, 16) },
  };
}

export function caseLine(c: Case): string {
  return `${c.op} ${c.cw.toString(16).padStart(4, "0")} ${c.a} ${c.b}`;
}

const hex80 = (x: F80) => fpu.toHex(x);
const memImage = (bits: bigint, bytes: number) => {
  const full = "aa".repeat(10 - bytes) + bits.toString(16).padStart(2 * bytes, "0");
  return full;
};

/** The status word after the instruction: its flags and condition codes, ES and B. */
function status(cw: number, sw: number): number {
  const unmasked = sw & ~cw & fpu.EXC_MASK;
  return (sw & ~0x3800) | (unmasked ? 0x8080 : 0);
}

export function predict(c: Case): Observed {
  const { op, cw } = c;
  const a = fpu.fromHex(c.a);
  const b = fpu.fromHex(c.b);
  const reg = (r: fpu.Result, unchanged: F80): Observed => ({
    sw: status(cw, r.sw),
    st0: hex80(r.value ?? unchanged),
  });
  const store = (s: { bits: bigint | null; sw: number }, bytes: number): Observed => ({
    sw: status(cw, s.sw),
    mem: s.bits === null ? "aa".repeat(10) : memImage(s.bits, bytes),
  });
  const mf = memForm(op);
  if (mf) {
    const bits = BigInt("0x" + c.b);
    let src: F80;
    let srcDE = false;
    if (mf.kind === "real") {
      const w = fpu.widenIeee(bits, mf.width as 32 | 64);
      src = w.value;
      srcDE = w.denormal;
    } else src = fpu.fromInt(bits, mf.width);
    switch (mf.base) {
      case "add":
        return reg(fpu.fadd(a, src, cw, srcDE), a);
      case "sub":
        return reg(fpu.fsub(a, src, cw, srcDE), a);
      case "subr":
        return reg(fpu.fsub(src, a, cw, srcDE), a);
      case "mul":
        return reg(fpu.fmul(a, src, cw, srcDE), a);
      case "div":
        return reg(fpu.fdiv(a, src, cw, srcDE), a);
      case "divr":
        return reg(fpu.fdiv(src, a, cw, srcDE), a);
      default:
        return { sw: status(cw, fpu.fcom(a, src, false, srcDE)) };
    }
  }
  switch (op) {
    case "subr":
      return reg(fpu.fsub(b, a, cw), a);
    case "divr":
      return reg(fpu.fdiv(b, a, cw), a);
    case "add":
      return reg(fpu.fadd(a, b, cw), a);
    case "sub":
      return reg(fpu.fsub(a, b, cw), a);
    case "mul":
      return reg(fpu.fmul(a, b, cw), a);
    case "div":
      return reg(fpu.fdiv(a, b, cw), a);
    case "sqrt":
      return reg(fpu.fsqrt(a, cw), a);
    case "prem":
      return reg(fpu.fprem(a, b, cw), a);
    case "prem1":
      return reg(fpu.fprem1(a, b, cw), a);
    case "scale":
      return reg(fpu.fscale(a, b, cw), a);
    case "rndint":
      return reg(fpu.frndint(a, cw), a);
    case "xtract": {
      const r = fpu.fxtract(a, cw);
      if (r.sig === null || r.exp === null) return { sw: status(cw, r.sw), st0: hex80(a) };
      return { sw: status(cw, r.sw), st0: hex80(r.sig), st1: hex80(r.exp) };
    }
    case "com":
    case "ucom": {
      return { sw: status(cw, fpu.fcom(a, b, op === "ucom")) };
    }
    case "tst":
      return { sw: status(cw, fpu.ftst(a)) };
    case "xam":
      return { sw: status(cw, fpu.fxam(a)) };
    case "comi":
    case "ucomi": {
      const r = fpu.compare(a, b, op === "ucomi");
      return { sw: status(cw, r.sw), eflags: fpu.comiFlags(r.relation) };
    }
    case "fst32":
      return store(fpu.toIeee(a, 32, cw), 4);
    case "fst64":
      return store(fpu.toIeee(a, 64, cw), 8);
    case "fist16":
      return store(fpu.toInt(a, 16, cw), 2);
    case "fist32":
      return store(fpu.toInt(a, 32, cw), 4);
    case "fist64":
      return store(fpu.toInt(a, 64, cw), 8);
    case "fistt16":
      return store(fpu.toInt(a, 16, cw, true), 2);
    case "fistt32":
      return store(fpu.toInt(a, 32, cw, true), 4);
    case "fistt64":
      return store(fpu.toInt(a, 64, cw, true), 8);
    case "fbstp":
      return store(fpu.toBcd(a, cw), 10);
    case "fld32":
    case "fld64": {
      const r = fpu.fromIeee(BigInt("0x" + c.a), op === "fld32" ? 32 : 64, cw);
      return r.value ? { sw: status(cw, r.sw), st0: hex80(r.value) } : { sw: status(cw, r.sw) };
    }
    case "fild16":
    case "fild32":
    case "fild64": {
      const w = op === "fild16" ? 16 : op === "fild32" ? 32 : 64;
      return { sw: 0, st0: hex80(fpu.fromInt(BigInt("0x" + c.a), w)) };
    }
    case "fbld":
      return { sw: 0, st0: hex80(fpu.fromBcd(BigInt("0x" + c.a))) };
    case "sin":
    case "cos": {
      // exec/fpu.ts: C2 = out of range (ST(0) unchanged), else C1 = rounded up.
      const r = op === "sin" ? trans.fsin(a, cw) : trans.fcos(a, cw);
      if (r.outOfRange) return { sw: fpu.C2, st0: hex80(a) };
      return reg(r, a);
    }
    case "f2xm1":
      return reg(trans.f2xm1(a, cw), a);
    case "sincos":
    case "ptan": {
      const p = op === "ptan" ? trans.fptan(a, cw) : trans.fsincos(a, cw);
      if (p.outOfRange) return { sw: fpu.C2, st0: hex80(a) };
      if (p.first === null || p.second === null) return { sw: status(cw, p.sw), st0: hex80(a) };
      return { sw: status(cw, p.sw), st0: hex80(p.second), st1: hex80(p.first) };
    }
    case "patan":
    case "yl2x":
    case "yl2xp1": {
      const f = op === "patan" ? trans.fpatan : op === "yl2x" ? trans.fyl2x : trans.fyl2xp1;
      const r = f(a, b, cw);
      // The result replaces ST(1) and is popped; an unmasked exception leaves both.
      if (r.value === null) return { sw: status(cw, r.sw), st0: hex80(a), st1: hex80(b) };
      return { sw: status(cw, r.sw), st0: hex80(r.value) };
    }
  }
  throw new Error(`no model for ${op}`);
}

/** A mismatch description, or null when ringlab and the host agree on every compared field. */
export function diff(c: Case, host: Observed): string | null {
  const p = predict(c);
  const bad: string[] = [];
  if ((p.sw & SW_COMPARED) !== (host.sw & SW_COMPARED))
    bad.push(`sw ${hex4(p.sw & SW_COMPARED)} host ${hex4(host.sw & SW_COMPARED)}`);
  if (p.st0 !== undefined && p.st0 !== host.st0) bad.push(`st0 ${p.st0} host ${host.st0}`);
  if (p.st1 !== undefined && p.st1 !== host.st1) bad.push(`st1 ${p.st1} host ${host.st1}`);
  if (p.mem !== undefined && p.mem !== host.mem) bad.push(`mem ${p.mem} host ${host.mem}`);
  if (p.eflags !== undefined && p.eflags !== host.eflags) bad.push(`eflags ${p.eflags} host ${host.eflags}`);
  return bad.length ? `${caseLine(c)}: ${bad.join(", ")}` : null;
}

const hex4 = (n: number) => n.toString(16).padStart(4, "0");
