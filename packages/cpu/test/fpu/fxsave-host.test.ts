import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostCpuVendor } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { findCpuModel } from "../../src/index.js";
import { machine, runToHalt } from "../harness.js";

/**
 * FXSAVE/FXRSTOR images against the host's own (host-fxsave.c runs the same machine code on
 * the host CPU and prints the data area): after a sequence of x87 operations, every byte of
 * the x87 part of the image (bytes 0-23 and 32-159) is the host's, and so are the FNSTSW and
 * FNSTENV results the sequences store beside it. Left out, because the host has SSE and
 * ringlab's models do not: MXCSR and MXCSR_MASK (bytes 24-31) and the XMM and reserved area
 * (160-511), which ringlab leaves unwritten (x87-fxsave.ts; checked in x87-fxsave.test.ts).
 *
 * Vendor differences, compared only where both define them:
 * - AMD's FXSAVE stores FOP, FIP, FCS, FDP and FDS only while an exception is pending
 *   (FSW.ES = 1), and FXRSTOR loads them only from such an image (the AMD64 APM's FXSAVE and
 *   FXRSTOR descriptions; the "FXSAVE leak" Linux works around as X86_BUG_FXSAVE_LEAK).
 *   Measured here: with ES = 0 the AMD EPYC host writes zeros there. So those fields are
 *   compared only in images with ES = 1, and the FNSTENV pointers only where the host had them.
 * - Recent Intel parts may store FCS and FDS as 0 (CPUID.7:EBX bit 13, "FCS and FDS
 *   deprecated"), and the AMD host's FXRSTOR does not load FDS (FNSTENV then stores 0): a
 *   host zero there is accepted.
 * - FSW.ES and B after FXRSTOR: ringlab derives them from the loaded flags and masks, as
 *   FLDENV and FRSTOR do (SDM vol.1 §8.1.3.1; the host's FLDENV does the same). The AMD host's
 *   FXRSTOR keeps ES = B = 0 when the image had ES = 0 even with an unmasked flag set (it sets
 *   them only when the image had ES = 1 and an unmasked flag: measured, the cases below).
 *   Intel's behaviour there could not be measured here; that one case's ES/B bits are left
 *   out on an AMD host, and the difference is reported.
 * The host runs the code in a user process (CS 0x23, DS 0x2B, at addresses mmap chose), so
 * ringlab runs it with the same selectors and the pointers are compared relative to the code
 * and data addresses.
 *
 * Without a host oracle (no `gcc -m32`, not x86) the recorded answers in
 * fixtures/host-fxsave.txt are used (recorded on the host named there; re-record with
 * RINGLAB_FXSAVE_RECORD=1).
 */
const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, "host-fxsave.c");
const FIXTURE = join(here, "fixtures", "host-fxsave.txt");
const CODE = 0x1000;
const DATA = 0x10000;
const DUMP = 2048;
/**
 * Run before every case on both sides: FNINIT keeps the registers' bits, and FXSAVE stores
 * the empty ones too, so each case starts from eight +0.0 registers, all empty
 * (fninit; fldz ×8; fninit).
 */
const PRELUDE = "dbe3" + "d9ee".repeat(8) + "dbe3";

interface FxCase {
  readonly name: string;
  /** The machine code (assembled with GNU as, shown in the comment). */
  readonly code: string;
  /** Bytes placed in the data area before the run: offset → hex. */
  readonly data: Readonly<Record<number, string>>;
  /** Offsets of FXSAVE images in the data area. */
  readonly images: readonly number[];
  /** Offsets of FNSTSW words and FNSTENV images (28 bytes) stored by the code. */
  readonly fnstsw?: readonly number[];
  readonly fnstenv?: readonly number[];
  /** FXRSTOR loads an image whose ES differs from its derived value (see above: AMD). */
  readonly esFromImage?: true;
}

const le16 = (v: number) => [v & 0xff, (v >> 8) & 0xff].map((b) => b.toString(16).padStart(2, "0")).join("");
const le32 = (v: number) => le16(v & 0xffff) + le16(v >>> 16);
const f80 = (sexp: number, sigHi: number, sigLo: number) => le32(sigLo) + le32(sigHi) + le16(sexp);

/**
 * An image to FXRSTOR: FCW, FSW, abridged FTW, FOP (reserved bits set), FIP/FCS/FDP/FDS with
 * reserved bytes set, MXCSR 1F80 (the host would #GP on a reserved MXCSR bit), and ST0-ST7.
 */
function image(cw: number, sw: number, ftw: number, regs: readonly string[]): string {
  let s = le16(cw) + le16(sw) + ftw.toString(16).padStart(2, "0") + "ff" + le16(0xffff) + le32(0x00123456) + le16(0x1234) + "ffff";
  s += le32(0x9abcdef0) + le16(0x5678) + "ffff" + le32(0x1f80) + le32(0xffff);
  for (const r of regs) s += r + "ffffffffffff";
  return s;
}
const ONE = f80(0x3fff, 0x80000000, 0);
const NEG_TWO = f80(0xc000, 0x80000000, 0);
const ZERO = f80(0, 0, 0);
const DENORMAL = f80(0x0000, 0x00001234, 0x56789abc);
const PSEUDO_DENORMAL = f80(0x0000, 0x80000000, 1);
const INF = f80(0x7fff, 0x80000000, 0);
const SNAN = f80(0x7fff, 0x80000001, 0);
const UNNORMAL = f80(0x4000, 0x40000000, 0);
const FXRSTOR_REGS = [INF, ZERO, DENORMAL, SNAN, UNNORMAL, PSEUDO_DENORMAL, NEG_TWO, ONE];

const CASES: readonly FxCase[] = [
  // fninit; fxsave [ebx]
  { name: "after FNINIT", code: "dbe30fae03", data: {}, images: [0] },
  // fninit; fld1; fldpi; fldz; fxsave [ebx]
  { name: "three constants pushed", code: "dbe3d9e8d9ebd9ee0fae03", data: {}, images: [0] },
  // fninit; fldcw [ebx+0x400]; fld1; fldz; fdivp st(1),st; fxsave [ebx]; fnstsw [ebx+0x300]
  {
    name: "a pending zero divide (FOP, FIP, FCS stored)",
    code: "dbe3d9ab00040000d9e8d9eedef90fae03ddbb00030000",
    data: { 0x400: le16(0x037b) },
    images: [0],
    fnstsw: [0x300],
  },
  // fninit; fldcw [ebx+0x400]; fld dword [ebx+0x410]; fxsave [ebx]
  {
    name: "a pending invalid operation from a memory operand (FDP, FDS stored)",
    code: "dbe3d9ab00040000d983100400000fae03",
    data: { 0x400: le16(0x037e), 0x410: le32(0x7f800001) },
    images: [0],
  },
  // fninit; fld tbyte [ebx+0x420..0x460] (5 values); fincstp; fincstp; fld qword [ebx+0x470]
  // (a stack overflow: the register is in use); fsqrt; fxsave [ebx]
  {
    name: "special values, a stack overflow, TOP moved",
    code: "dbe3dbab20040000dbab30040000dbab40040000dbab50040000dbab60040000d9f7d9f7dd8370040000d9fa0fae03",
    data: { 0x420: DENORMAL, 0x430: PSEUDO_DENORMAL, 0x440: INF, 0x450: SNAN, 0x460: UNNORMAL, 0x470: "0000000000000040" },
    images: [0],
  },
  // fninit; fldcw [ebx+0x400]; fld qword [ebx+0x470]; fld1; fadd qword [ebx+0x478]; fxsave [ebx];
  // fnclex; fninit; fxrstor [ebx]; fxsave [ebx+0x200]; fnstenv [ebx+0x300]
  {
    name: "a round trip with a pending precision exception",
    code: "dbe3d9ab00040000dd8370040000d9e8dc83780400000fae03dbe2dbe30fae0b0fae8300020000d9b300030000",
    data: { 0x400: le16(0x035f), 0x470: "9a9999999999b93f", 0x478: "9a9999999999b93f" },
    images: [0, 0x200],
    fnstenv: [0x300],
  },
  // fxrstor [ebx+0x480]; fxsave [ebx]; fnstsw [ebx+0x300]; fnstenv [ebx+0x310]; fninit
  {
    name: "FXRSTOR of a crafted image: ES set, no unmasked exception; tags from contents",
    code: "0fae8b800400000fae03ddbb00030000d9b310030000dbe3",
    data: { 0x480: image(0x037f, 0x8000 | (5 << 11) | 0x80 | 0x20, 0xa5, FXRSTOR_REGS) },
    images: [0],
    fnstsw: [0x300],
    fnstenv: [0x310],
  },
  // fxrstor [ebx+0x480]; fnstsw [ebx+0x300]; fnstenv [ebx+0x310]; fxsave [ebx]; fninit
  {
    name: "FXRSTOR of an image with an unmasked exception: pending, not reported",
    code: "0fae8b80040000ddbb00030000d9b3100300000fae03dbe3",
    data: { 0x480: image(0x037b, (2 << 11) | 0x04, 0xff, FXRSTOR_REGS) },
    images: [0],
    fnstsw: [0x300],
    fnstenv: [0x310],
    esFromImage: true,
  },
  // fninit; fldcw [ebx+0x400]; fld1; fchs; fsqrt; fxsave [ebx]; fxrstor [ebx];
  // fxsave [ebx+0x200]; fnstsw [ebx+0x300]
  {
    name: "an unmasked invalid square root, saved and restored",
    code: "dbe3d9ab00040000d9e8d9e0d9fa0fae030fae0b0fae8300020000ddbb00030000",
    data: { 0x400: le16(0x037e) },
    images: [0, 0x200],
    fnstsw: [0x300],
  },
];

function caseLine(c: FxCase): string {
  const bytes = new Uint8Array(DUMP).fill(0xaa);
  let end = 0;
  for (const [off, hex] of Object.entries(c.data)) {
    Buffer.from(hex, "hex").forEach((b, k) => (bytes[Number(off) + k] = b));
    end = Math.max(end, Number(off) + hex.length / 2);
  }
  return end === 0 ? PRELUDE + c.code : `${PRELUDE + c.code} ${Buffer.from(bytes.subarray(0, end)).toString("hex")}`;
}

/** What ringlab's pentium2 leaves in the data area after the case's code. */
function onRinglab(c: FxCase): Uint8Array {
  const code = [...Buffer.from(PRELUDE + c.code, "hex"), 0xf4];
  const m = machine(code, CODE, findCpuModel("pentium2"));
  m.cpu.setFlat32(CODE, 0x23, 0x2b);
  m.ram.fill(0xaa, DATA, DATA + 4096);
  for (const [off, hex] of Object.entries(c.data)) m.ram.set(Buffer.from(hex, "hex"), DATA + Number(off));
  m.cpu.setReg32(3, DATA);
  runToHalt(m.cpu);
  return m.ram.slice(DATA, DATA + DUMP);
}

interface HostAnswer {
  code: number;
  data: number;
  bytes: Uint8Array;
}

function parseAnswer(line: string): HostAnswer {
  const [code, data, hex] = line.trim().split(" ");
  return { code: parseInt(code!, 16), data: parseInt(data!, 16), bytes: Uint8Array.from(Buffer.from(hex!, "hex")) };
}

let built: string | null | undefined;
function hostProgram(): string | null {
  if (built !== undefined) return built;
  if (process.arch !== "ia32" && process.arch !== "x64") return (built = null);
  const gcc = process.env.RINGLAB_X87_GCC || "gcc";
  const hash = createHash("sha256").update(readFileSync(SOURCE)).update(gcc).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `ringlab-fxsave-${hash}`);
  const out = join(dir, "host-fxsave");
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}`;
    const r = spawnSync(gcc, ["-m32", "-O1", "-o", tmp, SOURCE], { encoding: "utf8" });
    if (r.error || r.status !== 0 || !existsSync(tmp)) return (built = null);
    renameSync(tmp, out);
  }
  return (built = out);
}

function runOnHost(path: string): HostAnswer[] {
  const r = spawnSync(path, [], { input: CASES.map(caseLine).join("\n") + "\n", encoding: "utf8" });
  if (r.status !== 0) throw new Error(`host-fxsave failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  expect(lines.length).toBe(CASES.length);
  return lines.map(parseAnswer);
}

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

/** A host pointer as ringlab's: relative to the host's code or data area, moved to ringlab's. */
function relocate(v: number, h: HostAnswer): number {
  if (v >= h.code && v < h.code + 4096) return (v - h.code + CODE) >>> 0;
  if (v >= h.data && v < h.data + 4096) return (v - h.data + DATA) >>> 0;
  return v;
}

/** The differences between ringlab's data area and the host's for case `c`, as lines. */
function differences(c: FxCase, h: HostAnswer, mine: Uint8Array, vendor: string): string[] {
  const out: string[] = [];
  // The status words' ES and B bits, left out where the AMD host's FXRSTOR differs (above).
  const esMask = c.esFromImage && vendor.startsWith("AuthenticAMD") ? 0x8080 : 0;
  const sw = (b: Uint8Array, at: number) => u16(b, at) & ~esMask;
  const field = (what: string, at: number, len: number, hv: number, mv: number) => {
    if (hv !== mv) out.push(`${c.name}: ${what} at +${at.toString(16)}: host ${hv.toString(16)}, ringlab ${mv.toString(16)} (${len} bytes)`);
  };
  const bytes = (what: string, from: number, to: number) => {
    for (let k = from; k < to; k++) field(what, k, 1, h.bytes[k]!, mine[k]!);
  };
  for (const at of c.images) {
    const pending = (u16(h.bytes, at + 2) & 0x80) !== 0;
    field("FCW", at, 2, u16(h.bytes, at), u16(mine, at));
    field("FSW", at + 2, 2, sw(h.bytes, at + 2), sw(mine, at + 2));
    bytes("FTW", at + 4, at + 6);
    if (pending) {
      field("FOP", at + 6, 2, u16(h.bytes, at + 6), u16(mine, at + 6));
      field("FIP", at + 8, 4, relocate(u32(h.bytes, at + 8), h), u32(mine, at + 8));
      const hcs = u16(h.bytes, at + 12);
      if (hcs !== 0) field("FCS", at + 12, 2, hcs, u16(mine, at + 12));
      bytes("reserved", at + 14, at + 16);
      field("FDP", at + 16, 4, relocate(u32(h.bytes, at + 16), h), u32(mine, at + 16));
      const hds = u16(h.bytes, at + 20);
      if (hds !== 0) field("FDS", at + 20, 2, hds, u16(mine, at + 20));
      bytes("reserved", at + 22, at + 24);
    }
    bytes("ST0-ST7", at + 32, at + 160);
  }
  for (const at of c.fnstsw ?? []) field("FNSTSW", at, 2, sw(h.bytes, at), sw(mine, at));
  for (const at of c.fnstenv ?? []) {
    bytes("FNSTENV control", at, at + 4);
    field("FNSTENV status", at + 4, 2, sw(h.bytes, at + 4), sw(mine, at + 4));
    bytes("FNSTENV status/tag", at + 6, at + 12);
    // The pointers (FIP, FCS|FOP, FDP, FDS): only where the host kept them (AMD: see above).
    for (const k of [12, 16, 20, 24]) {
      const hv = u32(h.bytes, at + k);
      if ((hv & 0xffff) !== 0) field("FNSTENV pointer", at + k, 4, k === 12 || k === 20 ? relocate(hv, h) : hv, u32(mine, at + k));
    }
  }
  return out;
}

function fixtureAnswers(): { host: string; answers: HostAnswer[] } {
  const lines = readFileSync(FIXTURE, "utf8").split("\n").filter((l) => l !== "");
  const host = lines.shift()!.replace(/^# host: /, "");
  return { host, answers: lines.map(parseAnswer) };
}

describe("FXSAVE/FXRSTOR images against the host's", () => {
  it("the recorded answers (fixtures/host-fxsave.txt) match ringlab", () => {
    const { host, answers } = fixtureAnswers();
    expect(answers.length).toBe(CASES.length);
    const diffs = CASES.flatMap((c, k) => differences(c, answers[k]!, onRinglab(c), host));
    expect(diffs).toEqual([]);
  });

  const path = hostProgram();
  it.skipIf(path === null)("the host's own FXSAVE, live, matches ringlab", () => {
    const answers = runOnHost(path!);
    const diffs = CASES.flatMap((c, k) => differences(c, answers[k]!, onRinglab(c), hostCpuVendor()));
    expect(diffs).toEqual([]);
    if (process.env.RINGLAB_FXSAVE_RECORD) {
      const name = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
      const text = [`# host: ${hostCpuVendor()} ${name}`, ...answers.map((a, k) => `${a.code.toString(16).padStart(8, "0")} ${a.data.toString(16).padStart(8, "0")} ${Buffer.from(a.bytes).toString("hex")}`)];
      writeFileSync(FIXTURE, text.join("\n") + "\n");
    }
  });

  it.skipIf(path === null)("the comparison can fail: a changed ST slot or tag is found", () => {
    const answers = runOnHost(path!);
    const c = CASES[1]!;
    const mine = onRinglab(c);
    mine[32] = mine[32]! ^ 1;
    mine[4] = mine[4]! ^ 0x80;
    expect(differences(c, answers[1]!, mine, hostCpuVendor()).length).toBe(2);
  });
});
