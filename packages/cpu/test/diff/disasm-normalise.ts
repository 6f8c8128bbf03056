/**
 * Normalisation applied to BOTH objdump's and ringlab's disassembly before comparing them.
 * Only cosmetic differences are removed; every rule is listed here and in diff-harness.md.
 *
 *  N1  whitespace: runs of blanks become one space; no space after a comma; trimmed.
 *  N2  case: everything lower case (`DWORD PTR` = `dword ptr`).
 *  N3  numbers: hex literals lose leading zeros (`0x0010` -> `0x10`).
 *  N4  `eiz`: objdump's name for "no index" in a SIB byte is dropped (`[eax+eiz*1+0x4]` ->
 *      `[eax+0x4]`, `[eiz*1+0x10]` -> `[0x10]`); it encodes no operand.
 *  N5  absolute addresses: objdump's bracketless `ds:0x1234` (a disp32/disp16/moffs operand
 *      with the default segment) is written `[0x1234]`; an explicit other segment stays
 *      (`es:0x10` -> `es:[0x10]`).
 *  N6  displacement sign: `-0xN` inside brackets becomes `+` the two's complement in the
 *      address size (32-bit, or 16-bit when the brackets name 16-bit registers / the
 *      instruction carries addr16); objdump prints the disp32 of no-base forms signed.
 *  N7  objdump's trailing comments (`# 0x...`) and `<symbol>` annotations are dropped.
 *  N8  objdump's `d` suffix on lgdt/lidt/sgdt/sidt in 32-bit code (`lgdtd`) is dropped: it
 *      names the default operand size. (The `w` suffix objdump puts on 0x66-prefixed
 *      push/pop/jmp/call/ret/enter/leave/iret is NOT dropped: it marks a non-default operand
 *      size that changes what the instruction does.)
 *  N9  synonyms: `int1` = `icebp`; `xchg ax,ax` (66 90) = `nop`.
 *  N10 `data16` (an operand-size prefix the instruction does not use, or a repeated one) is
 *      dropped; it changes nothing. (`addr16` is kept: it selects CX/SI/DI/moffs16.)
 *  N12 `mov sreg,e<r>` = `mov sreg,<r>`: loading a segment register reads 16 bits whatever
 *      the register is called (objdump names the 32-bit register, the SDM `r/m16`).
 *  N13 `notrack call/jmp [m]`: objdump's (CET) name for a 0x3E (DS) prefix on an indirect
 *      branch is written as the DS override it is on IA-32: `call ... ds:[m]`.
 *  N14 segment-override prefixes the instruction does not use (objdump prints them as leading
 *      words: `ds inc ecx`, `cs je 0x10` for a branch hint) are dropped: they change nothing.
 *  N11 invalid encodings: objdump's `(bad)` (also inside, as in `cmpxchg8b (bad)`), `ud0 ...`
 *      and `ud1 ...` all read `(bad)`; for those the lengths are not compared (isInvalidText).
 */
export function normaliseDisasm(text: string): string {
  let t = text.replace(/\s+/g, " ").trim().toLowerCase(); // N1, N2
  t = t.replace(/\s*#.*$/, "").replace(/\s*<[^>]*>/g, ""); // N7
  t = t.replace(/\s*,\s*/g, ","); // N1
  t = t.replace(/0x0*([0-9a-f]+)/g, "0x$1"); // N3
  t = t.replace(/^([ls][gi]dt)d\b/, "$1"); // N8
  t = t.replace(/^int1$/, "icebp").replace(/^xchg ax,ax$/, "nop"); // N9
  t = t.replace(/\bdata16 /g, "").trim(); // N10
  t = t.replace(/^(xchg ax,ax)$/, "nop"); // N9 again after N10
  t = t.replace(/^(?:(?:cs|ds|es|ss|fs|gs) )+/, ""); // N14
  if (t.startsWith("notrack ")) t = t.slice(8).replace(/(?<!:)\[/, "ds:["); // N13
  t = t.replace(/^mov ([c-gs]s),e([a-d]x|[sd]i|[sb]p)$/, "mov $1,$2"); // N12
  if (/^(ud0|ud1)\b/.test(t) || t.includes("(bad)")) t = "(bad)"; // N11
  // N4
  t = t.replace(/\+eiz\*\d/g, "").replace(/\[eiz\*\d\+/g, "[").replace(/\[eiz\*\d\]/g, "[0x0]");
  // N5
  t = t.replace(/\b(cs|ds|es|ss|fs|gs):(0x[0-9a-f]+)(?![0-9a-f\]])/g, (_m, seg: string, n: string) => (seg === "ds" ? `[${n}]` : `${seg}:[${n}]`));
  // N6
  t = t.replace(/\[([^\]]*)\]/g, (_m, inner: string) => {
    const a16 = /\b(bx|bp|si|di)\b/.test(inner) || /\baddr16\b/.test(t);
    const mod = a16 ? 0x10000 : 0x100000000;
    return `[${inner.replace(/-0x([0-9a-f]+)/g, (_x, h: string) => `+0x${((mod - parseInt(h, 16)) % mod).toString(16)}`)}]`;
  });
  return t;
}

/** N11: both sides call it an invalid encoding (lengths then need not agree). */
export function isInvalidText(text: string): boolean {
  return normaliseDisasm(text) === "(bad)";
}
