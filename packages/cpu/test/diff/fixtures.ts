import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { OBJDUMP_CORPORA, type ObjdumpCorpus } from "./corpora.js";
import type { DiffCase, MachineResult, StopInfo } from "./diff-case.js";
import { objdumpMany, type ObjdumpLine } from "./objdump.js";
import type { Oracle } from "./shrink.js";
import { unicornInput } from "./unicorn.js";

/**
 * Recorded oracle answers: what Unicorn and objdump said about the in-suite corpora
 * (corpora.ts), committed under test/diff/fixtures/ so that a clone without
 * python3-unicorn or binutils still runs every comparison against them. Where the tools are
 * installed, the tests re-check the recordings against them live; this command re-records:
 */
export const RECORD_COMMAND = "pnpm --filter @ringlab/cpu run record-fixtures";

export const FIXTURES_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));
const UNICORN_DIR = join(FIXTURES_DIR, "unicorn");
const OBJDUMP_DIR = join(FIXTURES_DIR, "objdump");

/** Thrown when recorded answers are missing or are not answers for the cases asked about. */
export class StaleFixtureError extends Error {
  override name = "StaleFixtureError";
}

const stale = (what: string) =>
  new StaleFixtureError(`${what}: re-record the answers with \`${RECORD_COMMAND}\` (needs python3-unicorn and binutils) and commit test/diff/fixtures`);

// ---------------------------------------------------------------------------------------------
// Unicorn
//
// fixtures/unicorn/corpus.json      the corpus (seed, count, families), Unicorn's version, and
//                                   per family its case count and the SHA-256 of its file
// fixtures/unicorn/<family>.jsonl.gz  one JSON line per case of that family, in corpus order:
//   {"i": 17, "id": "alu:20261125:17", "input": "<digest>", "org": 4096, "code": "<hex>",
//    "regs": [8 x u32], "eflags": u32,
//    "answer": {"regs": [...], "eip": u32, "eflags": u32, "stop": {...}, "mem": [[addr, hex]...],
//               "executed": n, "sregs": [...], "cr2": u32}}
// `input` is the SHA-256 (first 24 hex digits) of everything Unicorn was given for the case
// (unicornInput: code, registers, EFLAGS, every memory fill, budget, GDT, paging): the
// generator rebuilds the case from its id (seeded), and an answer is used only for a case
// whose input has that digest. The random memory fills (768 bytes of stack per case) are
// thus regenerated rather than stored, keeping the files well under a megabyte; the program
// bytes and registers are stored for the reader. `answer` is Unicorn's final state (every
// byte that differs from the initial memory image, in runs).
// ---------------------------------------------------------------------------------------------

export interface UnicornCorpusHeader {
  format: "ringlab-unicorn-answers/1";
  /** Unicorn's version (`unicorn.__version__`) when recorded. */
  unicorn: string;
  seed: number;
  count: number;
  families: string[];
  files: Record<string, { cases: number; sha256: string }>;
}

interface AnswerJson {
  regs: number[];
  eip: number;
  eflags: number;
  stop: StopInfo;
  mem: [number, string][];
  executed?: number;
  sregs?: number[];
  cr2?: number;
}

interface UnicornRecord {
  i: number;
  id: string;
  input: string;
  org: number;
  code: string;
  regs: number[];
  eflags: number;
  answer: AnswerJson;
}

export interface RecordedUnicorn {
  header: UnicornCorpusHeader;
  records: Map<string, UnicornRecord>;
}

/** The digest of what Unicorn is given for `c` (see the format above). */
export function inputDigest(c: DiffCase): string {
  return createHash("sha256").update(JSON.stringify(unicornInput(c))).digest("hex").slice(0, 24);
}

/** A machine result as the fixtures store it: memory as sorted runs of changed bytes. */
export function answerOf(r: MachineResult): AnswerJson {
  const addrs = [...r.mem.keys()].sort((a, b) => a - b);
  const mem: [number, string][] = [];
  for (let k = 0; k < addrs.length; ) {
    let j = k;
    while (j + 1 < addrs.length && addrs[j + 1] === addrs[j]! + 1) j++;
    mem.push([addrs[k]!, Buffer.from(addrs.slice(k, j + 1).map((a) => r.mem.get(a)!)).toString("hex")]);
    k = j + 1;
  }
  return {
    regs: r.regs.map((v) => v >>> 0),
    eip: r.eip >>> 0,
    eflags: r.eflags >>> 0,
    stop: r.stop,
    mem,
    ...(r.executed !== undefined ? { executed: r.executed } : {}),
    ...(r.sregs ? { sregs: r.sregs } : {}),
    ...(r.cr2 !== undefined ? { cr2: r.cr2 >>> 0 } : {}),
  };
}

function resultOf(a: AnswerJson): MachineResult {
  const mem = new Map<number, number>();
  for (const [addr, hx] of a.mem) Buffer.from(hx, "hex").forEach((v, i) => mem.set(addr + i, v));
  return { regs: [...a.regs], eip: a.eip, eflags: a.eflags, stop: a.stop, mem, ...(a.executed !== undefined ? { executed: a.executed } : {}), ...(a.sregs ? { sregs: [...a.sregs] } : {}), ...(a.cr2 !== undefined ? { cr2: a.cr2 } : {}) };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Loads the recorded Unicorn answers, checking every file against the header's digest. */
export function loadUnicornAnswers(): RecordedUnicorn {
  const headerFile = join(UNICORN_DIR, "corpus.json");
  if (!existsSync(headerFile)) throw stale(`no recorded Unicorn answers (${headerFile})`);
  const header = JSON.parse(readFileSync(headerFile, "utf8")) as UnicornCorpusHeader;
  if (header.format !== "ringlab-unicorn-answers/1") throw stale(`${headerFile}: unknown format '${header.format}'`);
  const records = new Map<string, UnicornRecord>();
  for (const [family, { cases, sha256: digest }] of Object.entries(header.files)) {
    const file = join(UNICORN_DIR, `${family}.jsonl.gz`);
    if (!existsSync(file)) throw stale(`${file} is missing`);
    const gz = readFileSync(file);
    if (sha256(gz) !== digest) throw stale(`${file} is not the file corpus.json lists (SHA-256 differs)`);
    const lines = gunzipSync(gz).toString("utf8").split("\n").filter((l) => l !== "");
    if (lines.length !== cases) throw stale(`${file} holds ${lines.length} cases, corpus.json says ${cases}`);
    for (const l of lines) {
      const r = JSON.parse(l) as UnicornRecord;
      records.set(r.id, r);
    }
  }
  return { header, records };
}

/**
 * Why the recording does not answer `cases` under `corpus`, one line per problem (at most a
 * few cases named); empty when every case has an answer recorded for exactly its input.
 */
export function unicornStaleness(rec: RecordedUnicorn, corpus: { seed: number; count: number; families: readonly string[] }, cases: readonly DiffCase[]): string[] {
  const problems: string[] = [];
  const h = rec.header;
  if (h.seed !== corpus.seed || h.count !== corpus.count || h.families.join(",") !== corpus.families.join(",")) {
    problems.push(`recorded: seed ${h.seed}, ${h.count} cases over ${h.families.join(",")}; the suite runs seed ${corpus.seed}, ${corpus.count} cases over ${corpus.families.join(",")}`);
  }
  const changed = cases.filter((c) => rec.records.get(c.id)?.input !== inputDigest(c)).map((c) => c.id);
  if (changed.length > 0) {
    problems.push(`${changed.length} of ${cases.length} cases are not what was recorded (the generator changed?): ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ", ..." : ""}`);
  }
  return problems;
}

/** An oracle answering from the recording; refuses a case it has no answer for. */
export function recordedOracle(rec: RecordedUnicorn): Oracle {
  return async (cases) =>
    cases.map((c) => {
      const r = rec.records.get(c.id);
      if (!r || r.input !== inputDigest(c)) throw stale(`no recorded Unicorn answer for ${c.id} as the generator makes it now`);
      return resultOf(r.answer);
    });
}

/** The recorded answer for a case, as the fixtures store it (for exact comparisons). */
export function recordedAnswer(rec: RecordedUnicorn, id: string): AnswerJson | undefined {
  return rec.records.get(id)?.answer;
}

/** Writes a file only when its content changes (gzip output may differ across zlib builds). */
function writeIfChanged(file: string, gz: Buffer, plain: string): boolean {
  if (existsSync(file)) {
    try {
      if (gunzipSync(readFileSync(file)).toString("utf8") === plain) return false;
    } catch {
      // unreadable: rewrite it
    }
  }
  writeFileSync(file, gz);
  return true;
}

/** Records Unicorn's answers for the corpus's cases (`results[i]` is the answer for `cases[i]`). */
export function recordUnicornAnswers(corpus: { seed: number; count: number; families: readonly string[] }, cases: readonly DiffCase[], results: readonly MachineResult[], unicornVersion: string): string[] {
  mkdirSync(UNICORN_DIR, { recursive: true });
  const byFamily = new Map<string, string[]>();
  cases.forEach((c, i) => {
    const rec: UnicornRecord = { i, id: c.id, input: inputDigest(c), org: c.org, code: Buffer.from(c.code).toString("hex"), regs: c.regs.map((v) => v >>> 0), eflags: c.eflags >>> 0, answer: answerOf(results[i]!) };
    let lines = byFamily.get(c.family);
    if (!lines) byFamily.set(c.family, (lines = []));
    lines.push(JSON.stringify(rec));
  });
  const header: UnicornCorpusHeader = { format: "ringlab-unicorn-answers/1", unicorn: unicornVersion, seed: corpus.seed, count: corpus.count, families: [...corpus.families], files: {} };
  const written: string[] = [];
  for (const [family, lines] of byFamily) {
    const file = join(UNICORN_DIR, `${family}.jsonl.gz`);
    const plain = lines.join("\n") + "\n";
    if (writeIfChanged(file, gzipSync(plain, { level: 9 }), plain)) written.push(file);
    header.files[family] = { cases: lines.length, sha256: sha256(readFileSync(file)) };
  }
  for (const f of readdirSync(UNICORN_DIR)) {
    if (f.endsWith(".jsonl.gz") && !byFamily.has(f.slice(0, -".jsonl.gz".length))) rmSync(join(UNICORN_DIR, f));
  }
  const headerFile = join(UNICORN_DIR, "corpus.json");
  const text = JSON.stringify(header, null, 2) + "\n";
  if (!existsSync(headerFile) || readFileSync(headerFile, "utf8") !== text) {
    writeFileSync(headerFile, text);
    written.push(headerFile);
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// objdump
//
// fixtures/objdump/<corpus>.json.gz: {"format": "ringlab-objdump-answers/1", "objdump":
//   "<objdump --version's first line>", "org": n, "chunks": [{"hex": "<bytes>", "addr": n,
//   "lines": [[addr, "<bytes hex>", "<text>"], ...]}]}
// — objdumpMany's answer for the corpus's chunks at that origin: per chunk, its address in
// the blob and every line objdump printed starting inside it. Used only when the chunks and
// origin asked about are exactly the recorded ones.
// ---------------------------------------------------------------------------------------------

export interface ObjdumpAnswers {
  format: "ringlab-objdump-answers/1";
  objdump: string;
  org: number;
  chunks: { hex: string; addr: number; lines: [number, string, string][] }[];
}

export type ObjdumpManyResult = { addr: number; lines: ObjdumpLine[] }[];

export function loadObjdumpAnswers(corpus: string): ObjdumpAnswers {
  const file = join(OBJDUMP_DIR, `${corpus}.json.gz`);
  if (!existsSync(file)) throw stale(`no recorded objdump answers for '${corpus}' (${file})`);
  return JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as ObjdumpAnswers;
}

/** Why the recording does not answer these chunks at this origin (empty if it does). */
export function objdumpStaleness(rec: ObjdumpAnswers, chunks: readonly (readonly number[])[], org: number): string[] {
  const problems: string[] = [];
  if (rec.org !== org) problems.push(`recorded at origin 0x${rec.org.toString(16)}, asked at 0x${org.toString(16)}`);
  if (rec.chunks.length !== chunks.length) problems.push(`recorded ${rec.chunks.length} chunks, asked about ${chunks.length}`);
  const changed = chunks.map((c, i) => i).filter((i) => rec.chunks[i]?.hex !== Buffer.from(chunks[i]!).toString("hex"));
  if (changed.length > 0) {
    problems.push(`${changed.length} chunks differ from the recorded ones (the corpus changed?), first at index ${changed[0]}: ${Buffer.from(chunks[changed[0]!]!).toString("hex")}`);
  }
  return problems;
}

/** objdumpMany's answer from the recording of `corpus`; throws if it is not for these chunks. */
export function recordedObjdumpMany(corpus: string, chunks: readonly (readonly number[])[], org: number): ObjdumpManyResult {
  const rec = loadObjdumpAnswers(corpus);
  const problems = objdumpStaleness(rec, chunks, org);
  if (problems.length > 0) throw stale(`recorded objdump answers for '${corpus}': ${problems.join("; ")}`);
  return rec.chunks.map((c) => ({ addr: c.addr, lines: c.lines.map(([addr, hx, text]) => ({ addr, bytes: [...Buffer.from(hx, "hex")], text })) }));
}

/** objdumpMany's answer in the fixtures' form (for recording and exact comparisons). */
export function objdumpAnswersOf(chunks: readonly (readonly number[])[], org: number, result: ObjdumpManyResult, version: string): ObjdumpAnswers {
  return {
    format: "ringlab-objdump-answers/1",
    objdump: version,
    org,
    chunks: result.map((r, i) => ({ hex: Buffer.from(chunks[i]!).toString("hex"), addr: r.addr, lines: r.lines.map((l) => [l.addr, Buffer.from(l.bytes).toString("hex"), l.text] as [number, string, string]) })),
  };
}

export function recordObjdumpAnswers(corpus: string, answers: ObjdumpAnswers): string[] {
  mkdirSync(OBJDUMP_DIR, { recursive: true });
  const file = join(OBJDUMP_DIR, `${corpus}.json.gz`);
  const plain = JSON.stringify(answers);
  return writeIfChanged(file, gzipSync(plain, { level: 9 }), plain) ? [file] : [];
}

/**
 * Re-runs objdump on a recorded corpus: the recorded and live versions, and the chunks whose
 * live answer differs from the recorded one (described, at most `show`).
 */
export function objdumpRecheck(corpus: ObjdumpCorpus, version: string, show = 5): { recordedWith: string; differ: number; shown: string[] } {
  const rec = loadObjdumpAnswers(corpus);
  const { chunks, org } = OBJDUMP_CORPORA[corpus]();
  const live = objdumpAnswersOf(chunks, org, objdumpMany(chunks, org), version);
  const differ = live.chunks.map((c, i) => ({ c, r: rec.chunks[i] })).filter(({ c, r }) => JSON.stringify(c) !== JSON.stringify(r));
  return { recordedWith: rec.objdump, differ: differ.length, shown: differ.slice(0, show).map(({ c, r }) => `live     ${JSON.stringify(c)}\nrecorded ${JSON.stringify(r)}`) };
}
