import { describeNeeds, extra, itNeeds, skipWithReason } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { boundaryCases } from "./corpora.js";
import type { DiffCase } from "./diff-case.js";
import { ALL_FAMILIES } from "./family-registry.js";
import { loadObjdumpAnswers, type ObjdumpManyResult, objdumpRecheck, RECORD_COMMAND, recordedObjdumpMany } from "./fixtures.js";
import { generateCase, generateCases } from "./generator.js";
import { CODE_BASE, STACK_TOP } from "./layout.js";
import { objdumpMany } from "./objdump.js";
import { runUnicorn } from "./unicorn.js";
import { knownIssueFor } from "./unicorn-known-issues.js";

function handCase(id: string, code: number[], regs: Partial<Record<number, number>> = {}, extra: Partial<DiffCase> = {}): DiffCase {
  const r = [0, 0, 0, 0, STACK_TOP, 0, 0, 0];
  for (const [k, v] of Object.entries(regs)) r[Number(k)] = v!;
  return { id, family: "hand", org: CODE_BASE, code, insns: [], regs: r, eflags: 0x2, fill: [], count: 1000, mask: { flags: 0, regs: [], mem: [] }, ...extra };
}

describeNeeds("unicorn", "unicorn_runner.py (the reference side of the differential harness)", () => {
  it("runs a known sequence to the end of the block with exact registers, flags and memory", async () => {
    // mov eax,0x7fffffff ; add eax,1 ; push eax ; mov ecx,[0x4100] ; xchg [0x4104],cl
    const code = [0xb8, 0xff, 0xff, 0xff, 0x7f, 0x83, 0xc0, 0x01, 0x50, 0x8b, 0x0d, 0x00, 0x41, 0x00, 0x00, 0x86, 0x0d, 0x04, 0x41, 0x00, 0x00];
    const [r] = await runUnicorn([handCase("known", code, {}, { fill: [[0x4100, [0x11, 0x22, 0x33, 0x44, 0x99]]] })]);
    expect(r!.stop).toEqual({ kind: "end" });
    expect(r!.eip).toBe(CODE_BASE + code.length);
    expect(r!.regs[0]).toBe(0x80000000);
    expect(r!.regs[1]).toBe(0x44332299);
    expect(r!.regs[4]).toBe(STACK_TOP - 4);
    // 0x7fffffff + 1: OF, SF, AF set; PF set (low byte 0x00 has even parity); ZF, CF clear.
    expect(r!.eflags).toBe(0x2 | 0x800 | 0x80 | 0x10 | 0x4);
    expect(r!.executed).toBe(5);
    expect([...r!.mem.entries()]).toEqual([
      [0x4104, 0x11],
      [STACK_TOP - 1, 0x80],
    ]);
  }, 60_000);

  it("reports #DE with EIP at the faulting DIV and #UD for UD2", async () => {
    const res = await runUnicorn([
      handCase("de", [0x40, 0xf7, 0xf1, 0x40], { 1: 0 }),
      handCase("ud", [0x0f, 0x0b]),
    ]);
    expect(res[0]!.stop).toEqual({ kind: "exception", vector: 0 });
    expect(res[0]!.eip).toBe(CODE_BASE + 1);
    expect(res[0]!.regs[0]).toBe(1);
    expect(res[1]!.stop).toEqual({ kind: "exception", vector: 6 });
  }, 60_000);

  it("stops after the instruction budget and reports stray accesses as errors", async () => {
    const res = await runUnicorn([
      handCase("budget", [0x40, 0x40, 0x40], {}, { count: 2 }),
      handCase("stray", [0xa1, 0x00, 0x00, 0x00, 0x10]),
    ]);
    expect(res[0]!.stop).toEqual({ kind: "count" });
    expect(res[0]!.regs[0]).toBe(2);
    expect(res[1]!.stop.kind).toBe("error");
  }, 60_000);

  it("survives Unicorn killing its process (IDIV INT64_MIN / -1 -> SIGFPE) and still runs the rest of the batch", async () => {
    const res = await runUnicorn([
      handCase("before", [0xb0, 0x07]),
      handCase("idiv-crash", [0xf7, 0xfb], { 0: 0, 2: 0x80000000, 3: 0xffffffff }),
      handCase("after", [0xb0, 0x09]),
    ]);
    expect(res.map((r) => r.stop.kind)).toEqual(["end", "crash", "end"]);
    expect(res[1]!.stop).toEqual({ kind: "crash", signal: "SIGFPE" });
    expect([res[0]!.regs[0], res[2]!.regs[0]]).toEqual([7, 9]);
  }, 60_000);

  it("never executes stale translated code from the previous case", async () => {
    const res = await runUnicorn([handCase("a", [0xb0, 0x01]), handCase("b", [0xb0, 0x02])]);
    expect(res.map((r) => r.regs[0])).toEqual([1, 2]);
  }, 60_000);
});

describe("case generator", () => {
  it("is deterministic for a seed and index", () => {
    const a = generateCase(7, 42, "alu");
    const b = generateCase(7, 42, "alu");
    expect(b).toEqual(a);
    expect(generateCase(8, 42, "alu")).not.toEqual(a);
  });

  /**
   * Checks objdump's reading of `cases` (in objdumpMany's layout at CODE_BASE): every
   * instruction the generator meant starts at an objdump instruction boundary, with the
   * mnemonic it meant.
   */
  function checkBoundaries(cases: readonly DiffCase[], dis: ObjdumpManyResult): void {
    let checked = 0;
    for (const [ci, c] of cases.entries()) {
      const { addr, lines } = dis[ci]!;
      const starts = new Set(lines.map((l) => l.addr));
      let pc = addr;
      for (const insn of c.insns) {
        expect(starts.has(pc), `${c.id}: instruction '${insn.note}' at ${pc.toString(16)} is not an objdump boundary`).toBe(true);
        const line = lines.find((l) => l.addr === pc)!;
        // #UD encodings (mnemonic "ud") are checked for boundaries only: objdump names them variously.
        // (The SMC victims' text is what they are before being patched; objdump has no SALC.)
        if (!["ud", "smc-victim", "salc"].includes(insn.mnemonic) && !insn.note.startsWith("(")) {
          // objdump's mnemonic (after prefixes) must name the same instruction family.
          const words = line.text.split(" ");
          const ob = words.find((w) => !/^(lock|repz?|repnz?|repe|repne|addr16|data16|notrack|[cdefgs]s)$/.test(w)) ?? "";
          const want = insn.note.replace(/^(lock |rep |repe |repne )/, "").split(/[ ;]/)[0]!;
          const norm = (m: string) => m.replace(/^(cmov|set|j)(nae|nb|nc|c|nz|z|na|nbe|np|pe|po|nl|nge|ng|nle)$/, "$1cc")
            .replace(/^(cmov|set|j)(o|no|b|ae|e|ne|be|a|s|ns|p|np|l|ge|le|g)$/, "$1cc")
            .replace(/^(movs|cmps|stos|lods|scas)[bwd]$/, "$1").replace(/^(pusha|popa|pushf|popf)[wd]$/, "$1")
            .replace(/^sal$/, "shl").replace(/^(loop)e$/, "loope");
          // objdump marks 16-bit operand forms with a 'w' suffix (pushw, jmpw, enterw ...).
          // 90 is both `xchg eax,eax` (the generator's view) and `nop` (objdump's).
          const got = ob === "nop" && want === "xchg" && insn.bytes[insn.bytes.length - 1] === 0x90 ? "xchg" : norm(ob) === norm(want) ? norm(ob) : norm(ob.replace(/w$/, ""));
          expect(got, `${c.id}: '${insn.note}' disassembles as '${line.text}'`).toBe(norm(want));
          checked++;
        }
        pc += insn.bytes.length;
      }
    }
    expect(checked).toBeGreaterThan(400);
  }

  const genSeed = process.env.RINGLAB_GEN_SEED;
  if (genSeed === undefined) {
    it("emits encodings objdump decodes with the intended boundaries and mnemonics (objdump's recorded answers)", () => {
      const cases = boundaryCases();
      checkBoundaries(cases, recordedObjdumpMany("generator-boundaries", cases.map((c) => c.code), CODE_BASE));
    }, 120_000);

    itNeeds("objdump", "objdump still gives exactly the recorded answers for those encodings (live re-check)", (ctx) => {
      const version = extra("objdump").version!;
      const rec = loadObjdumpAnswers("generator-boundaries");
      if (version !== rec.objdump) skipWithReason(ctx, `the answers were recorded with ${rec.objdump}, this machine has ${version} (re-record with \`${RECORD_COMMAND}\` if it is to be the reference)`);
      const { differ, shown } = objdumpRecheck("generator-boundaries", version);
      expect(shown, `${differ} recorded answers are not what ${version} gives now: re-record with \`${RECORD_COMMAND}\``).toEqual([]);
    }, 120_000);
  } else {
    itNeeds("objdump", `emits encodings objdump decodes with the intended boundaries and mnemonics (seed ${genSeed}, live objdump)`, () => {
      const cases = boundaryCases(Number(genSeed));
      checkBoundaries(cases, objdumpMany(cases.map((c) => c.code), CODE_BASE));
    }, 120_000);
  }

  itNeeds("unicorn", "keeps every generated case inside the mapped regions and the code block (Unicorn runs it to the end)", async () => {
    const families = ALL_FAMILIES.map((f) => f.name);
    const cases = generateCases(Number(process.env.RINGLAB_GEN_SEED ?? 3), 60 * families.length, families);
    const res = await runUnicorn(cases);
    const bad = res
      .map((r, i) => ({ r, c: cases[i]! }))
      .filter(({ r, c }) => knownIssueFor(c, r) === undefined)
      .filter(({ r, c }) => (c.expectVector === undefined ? r.stop.kind !== "end" : r.stop.kind !== "exception" || r.stop.vector !== c.expectVector))
      .map(({ r, c }) => `${c.id} ${JSON.stringify(r.stop)} ${c.insns.map((i) => i.note).join(" ; ")}`);
    expect(bad).toEqual([]);
    expect(cases.every((c) => c.code.length > 0 && c.code.length < 0x400)).toBe(true);
  }, 120_000);
});
