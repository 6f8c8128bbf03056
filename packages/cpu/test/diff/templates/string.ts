import { osPrefix, type OpSize } from "../encoding.js";
import { DATA_BASE, DATA_SIZE, EAX, ECX, EDI, ESI, STATUS_FLAGS } from "../layout.js";
import type { Family, Template } from "../template.js";

const OPS = [
  { name: "movs", op: 0xa4, src: true, dst: true, cmp: false },
  { name: "cmps", op: 0xa6, src: true, dst: true, cmp: true },
  { name: "stos", op: 0xaa, src: false, dst: true, cmp: false },
  { name: "lods", op: 0xac, src: true, dst: false, cmp: false },
  { name: "scas", op: 0xae, src: false, dst: true, cmp: true },
] as const;

const SUFFIX: Record<OpSize, string> = { 8: "b", 16: "w", 32: "d" };

const stringOp: Template = {
  name: "movs/cmps/stos/lods/scas with rep/repe/repne, 8/16/32, a16/a32, DF 0/1",
  gen(b) {
    const o = b.rng.pick(OPS);
    const r = b.rng.below(10);
    const size: OpSize = r < 4 ? 8 : r < 6 ? 16 : 32;
    const es = size / 8;
    const rep = b.rng.below(3); // 0 none, 1 F3 (rep/repe), 2 F2 (repne; only for cmps/scas)
    const prefixRep = rep === 0 ? [] : rep === 1 || !o.cmp ? [0xf3] : [0xf2];
    const a16 = b.rng.chance(0.3);
    const down = b.rng.chance(0.35);
    const n = prefixRep.length ? (b.rng.chance(0.1) ? 0 : b.rng.range(1, 12)) : 1;
    const span = Math.max(n, 1) * es;
    const lo = DATA_BASE + 0x80 + span;
    const hi = DATA_BASE + DATA_SIZE - 0x80 - span;
    const fresh = (a: number) => b.isFresh(a - span - 8, a + span + 8);
    let src = b.rng.range(lo, hi);
    for (let i = 0; i < 100 && !fresh(src); i++) src = b.rng.range(lo, hi);
    // Overlapping moves now and then (byte-by-byte semantics of REP MOVS).
    let dst = o.name === "movs" && b.rng.chance(0.3) ? src + b.rng.range(-8, 8) : b.rng.range(lo, hi);
    for (let i = 0; i < 100 && !fresh(dst); i++) dst = b.rng.range(lo, hi);
    // The override applies to the DS:ESI source, which is only read, so CS is allowed.
    const seg = o.src && b.rng.chance(0.15) ? [b.rng.pick([0x26, 0x36, 0x3e, 0x64, 0x65, 0x2e])] : [];
    b.pinDF(down);
    // Source/destination windows, with equal runs so that REPE/REPNE stop at varying points.
    const window = (addr: number) => (down ? addr - span - 8 : addr - 8);
    b.fillRandom(window(src), span + 16);
    b.fillRandom(window(dst), span + 16);
    if (o.cmp) {
      const k = b.rng.range(0, n);
      if (o.name === "cmps") {
        const same = b.rng.bytes((k + 1) * es);
        b.fillBytes(down ? src - k * es : src, same);
        b.fillBytes(down ? dst - k * es : dst, same);
      } else {
        const v = b.rng.edge(size);
        if (size === 8) b.pin8(0, v);
        else if (size === 16) b.pin16(EAX, v);
        else b.pin32(EAX, v);
        for (let i = 0; i < k; i++) if (b.rng.chance(0.6)) b.fillValue(down ? dst - i * es : dst + i * es, v, es);
      }
    }
    if (o.name === "stos") {
      const v = b.rng.edge(size);
      if (size === 8) b.pin8(0, v);
      else if (size === 16) b.pin16(EAX, v);
      else b.pin32(EAX, v);
    }
    const pin = (reg: number, v: number) => (a16 ? b.pin16(reg, v) : b.pin32(reg, v));
    if (o.src) pin(ESI, src);
    if (o.dst) pin(EDI, dst);
    if (prefixRep.length) pin(ECX, n);
    const opcode = o.op + (size === 8 ? 0 : 1);
    const bytes = [...prefixRep, ...seg, ...(a16 ? [0x67] : []), ...osPrefix(size), opcode];
    const repText = prefixRep.length ? (o.cmp ? (prefixRep[0] === 0xf3 ? "repe " : "repne ") : "rep ") : "";
    const regs = [...(o.src ? [ESI] : []), ...(o.dst ? [EDI] : []), ...(prefixRep.length ? [ECX] : []), ...(o.name === "lods" ? [EAX] : [])];
    b.insn(bytes, `${repText}${o.name}${SUFFIX[size]}${a16 ? " (a16)" : ""}${seg.length ? " (seg override)" : ""}`, {
      mnemonic: o.name,
      writes: o.cmp && n > 0 ? STATUS_FLAGS : 0,
      regs,
    });
  },
};

/** String instructions with and without REP prefixes. */
export const stringFamily: Family = { name: "string", description: "MOVS/CMPS/STOS/LODS/SCAS, REP/REPE/REPNE, a16/a32, DF up/down", templates: [stringOp] };
