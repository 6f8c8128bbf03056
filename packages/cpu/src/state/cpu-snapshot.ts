import { ConfigError, type JsonValue, type StateObject, type StateReader } from "@ringlab/sdk";
import type { X87Snapshot } from "../fpu/x87-state.js";
import type { CpuState } from "./cpu-state.js";

/**
 * Version of the CPU's saved-state schema ({@link saveArchState} plus the run-loop fields
 * `Cpu.saveState` adds). Bump it when a field changes meaning or a new one is required: a
 * snapshot written with another version is refused by name, never half-restored.
 */
export const CPU_STATE_VERSION = 1;

const I32_MIN = -0x8000_0000;
const U32_MAX = 0xffff_ffff;

/**
 * The architectural registers of {@link CpuState} as plain JSON (SDM vol.3 ch.2): general
 * registers, EIP, EFLAGS with the lazily kept status flags materialised (the lazy operands
 * are an implementation detail; the six flags they stand for are the architectural state),
 * every segment register with its hidden descriptor cache (a protected-mode selector's
 * cache may no longer match its descriptor in memory, so it cannot be reloaded), the
 * descriptor-table registers, CR0-CR4 and the PDPTE registers (copies, SDM vol.3 §4.4.1),
 * DR0-DR7, the MSRs (TSC offset, SYSENTER, MTRRs) and the x87.
 */
export function saveArchState(s: CpuState, eflags: number): StateObject {
  return {
    regs: Array.from(s.regs.subarray(0, 8)),
    eip: s.eip,
    eflags: eflags >>> 0,
    segSel: Array.from(s.segSel),
    segBase: Array.from(s.segBase),
    segLimit: Array.from(s.segLimit),
    segAttr: Array.from(s.segAttr),
    // Scalars as the CPU holds them (some signed, some not): restored bit for bit.
    gdtr: [s.gdtrBase, s.gdtrLimit],
    idtr: [s.idtrBase, s.idtrLimit],
    cr: [s.cr0, s.cr2, s.cr3, s.cr4],
    pdpte: Array.from(s.pdpte),
    dr: Array.from(s.dr),
    cpl: s.cpl,
    code32: s.code32,
    stackMask: s.stackMask,
    tscOffset: s.tscOffset,
    sysenter: [s.sysenterCs, s.sysenterEsp, s.sysenterEip],
    mtrrs: s.mtrrs.save(),
    halted: s.halted,
    supervisorPages: s.supervisorPages,
    fpu: s.fpu.save() as unknown as JsonValue,
  };
}

/** The fields of {@link saveArchState}, read and checked; the caller applies them. */
export interface ArchState {
  regs: number[];
  eip: number;
  eflags: number;
  segSel: number[];
  segBase: number[];
  segLimit: number[];
  segAttr: number[];
  gdtr: number[];
  idtr: number[];
  cr: number[];
  pdpte: number[];
  dr: number[];
  cpl: number;
  code32: boolean;
  stackMask: number;
  tscOffset: number;
  sysenter: number[];
  mtrrs: { defType: number; regs: number[] };
  halted: boolean;
  supervisorPages: boolean;
  fpu: X87Snapshot;
}

/**
 * Reads {@link saveArchState}'s output; the first bad field throws one `ConfigError` line
 * naming it (`cpu state: field 'cr.1': ...`).
 */
export function readArchState(r: StateReader, o: StateObject): ArchState {
  const fixed = (key: string, n: number, min = I32_MIN, max = U32_MAX): number[] => {
    const v = r.ints(o, key, n, min, max);
    if (v.length !== n) throw new ConfigError(`cpu state: field '${key}': expected ${n} numbers, got ${v.length}`);
    return v;
  };
  const stackMask = r.int(o, "stackMask", 0, U32_MAX);
  if (stackMask !== 0xffff && stackMask !== U32_MAX) throw new ConfigError(`cpu state: field 'stackMask': expected 0xFFFF or 0xFFFFFFFF, got ${stackMask}`);
  const mt = r.object(o["mtrrs"], "mtrrs");
  return {
    regs: fixed("regs", 8),
    eip: r.int(o, "eip", 0, U32_MAX),
    eflags: r.int(o, "eflags", 0, U32_MAX),
    segSel: fixed("segSel", 8, 0, 0xffff),
    segBase: fixed("segBase", 8),
    segLimit: fixed("segLimit", 8),
    segAttr: fixed("segAttr", 8),
    gdtr: fixed("gdtr", 2),
    idtr: fixed("idtr", 2),
    cr: fixed("cr", 4),
    pdpte: fixed("pdpte", 8),
    dr: fixed("dr", 8),
    cpl: r.int(o, "cpl", 0, 3),
    code32: r.bool(o, "code32"),
    stackMask,
    tscOffset: r.int(o, "tscOffset", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    sysenter: fixed("sysenter", 3),
    mtrrs: { defType: r.int(mt, "defType", 0, U32_MAX), regs: r.ints(mt, "regs", 64, 0, U32_MAX) },
    halted: r.bool(o, "halted"),
    supervisorPages: r.bool(o, "supervisorPages"),
    fpu: readX87(r, r.object(o["fpu"], "fpu")),
  };
}

/** The x87 snapshot, checked field by field before `X87State.restore` trusts it. */
function readX87(r: StateReader, o: StateObject): X87Snapshot {
  const regs = o["r"];
  if (!Array.isArray(regs) || regs.length !== 8) throw new ConfigError("cpu state: field 'fpu.r': expected 8 registers");
  const rs = regs.map((x, i) => {
    const e = r.object(x, `fpu.r.${i}`);
    const sig = e["sig"];
    if (typeof sig !== "string" || !/^[0-9a-f]{1,16}$/.test(sig)) throw new ConfigError(`cpu state: field 'fpu.r.${i}.sig': expected up to 16 hex digits`);
    return { sign: r.int(e, "sign", 0, 1), exp: r.int(e, "exp", 0, 0x7fff), sig };
  });
  return {
    r: rs,
    empty: r.int(o, "empty", 0, 0xff),
    top: r.int(o, "top", 0, 7),
    cw: r.int(o, "cw", 0, 0xffff),
    sw: r.int(o, "sw", 0, 0xffff),
    fip: r.int(o, "fip", I32_MIN, U32_MAX),
    fcs: r.int(o, "fcs", 0, 0xffff),
    fdp: r.int(o, "fdp", I32_MIN, U32_MAX),
    fds: r.int(o, "fds", 0, 0xffff),
    fop: r.int(o, "fop", 0, 0x7ff),
  };
}

/** Writes checked {@link ArchState} fields into `s` (the Cpu then rebuilds what derives from them). */
export function applyArchState(s: CpuState, a: ArchState): void {
  s.regs.fill(0);
  s.regs.set(a.regs.map((v) => v | 0));
  s.eip = a.eip;
  for (let i = 0; i < 8; i++) {
    s.segSel[i] = a.segSel[i]!;
    s.segBase[i] = a.segBase[i]! | 0;
    s.segLimit[i] = a.segLimit[i]! | 0;
    s.segAttr[i] = a.segAttr[i]! | 0;
    s.pdpte[i] = a.pdpte[i]! | 0;
    s.dr[i] = a.dr[i]! | 0;
  }
  [s.gdtrBase, s.gdtrLimit] = a.gdtr as [number, number];
  [s.idtrBase, s.idtrLimit] = a.idtr as [number, number];
  [s.cr0, s.cr2, s.cr3, s.cr4] = a.cr as [number, number, number, number];
  s.cpl = a.cpl;
  s.code32 = a.code32;
  s.stackMask = a.stackMask;
  s.tscOffset = a.tscOffset;
  [s.sysenterCs, s.sysenterEsp, s.sysenterEip] = a.sysenter as [number, number, number];
  s.mtrrs.restore(a.mtrrs);
  s.halted = a.halted;
  s.supervisorPages = a.supervisorPages;
  s.fpu.restore(a.fpu);
}
