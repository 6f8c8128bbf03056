import { hex, le, modrm, REG32, REG8, type OpSize } from "../encoding.js";
import { DATA_BASE, ESP, PAGING_BASE, STACK_BASE, STATUS_FLAGS } from "../layout.js";
import type { SequenceBuilder } from "../sequence-builder.js";
import type { Family, Template } from "../template.js";
import { undefinedFlags } from "../undefined-flags.js";

/**
 * Paging: the case fills a page directory at PAGING_BASE (and a page table after it), then
 * loads CR3, maybe CR4.PSE, and CR0 with PG (and WP) itself. Every mapping is the identity
 * (Unicorn 2.0.1 forces linear = physical, see the unicorn-paging-identity exclusion), so what
 * is compared is what the page walk decides: present / writable (#PF with CR2), and the
 * accessed and dirty bits it writes back into the tables (SDM vol.3 4.3 "32-bit paging",
 * 4.7 "Page-fault exceptions", 4.8 "Accessed and dirty flags").
 */

const PD = PAGING_BASE;
const PT = PAGING_BASE + 0x1000;
const P = 1, RW = 2, US = 4, PWT = 8, PCD = 0x10, A = 0x20, D = 0x40, PS = 0x80;
/** Pages the cases use: code (1, 2), data (4, 5), stack (8). */
const CODE_PAGES = [1, 2];
const DATA_PAGES = [DATA_BASE >> 12, (DATA_BASE >> 12) + 1];
const STACK_PAGE = STACK_BASE >> 12;

interface PagingState {
  pde: number;
  /** PTE of each used page (4 KiB mode). */
  pte: Map<number, number>;
  large: boolean;
  wp: boolean;
}

const states = new WeakMap<SequenceBuilder, PagingState>();

function randomBits(b: SequenceBuilder): number {
  return (b.rng.chance(0.5) ? A : 0) | (b.rng.chance(0.3) ? US : 0) | (b.rng.chance(0.1) ? PWT : 0) | (b.rng.chance(0.1) ? PCD : 0);
}

/** Emits MOV CRn, r32 with `v` pinned in a register first. */
function movCr(b: SequenceBuilder, cr: number, v: number): void {
  const reg = b.dstReg(32, [ESP]);
  b.pin32(reg, v);
  b.insn([0x0f, 0x22, modrm(3, cr, reg)], `mov cr${cr}, ${REG32[reg]}`, { mnemonic: "mov cr", undef: undefinedFlags("mov cr") });
}

/** What an access to `lin` finds: undefined = allowed, else the #PF error code (CPL 0: U/S = 0). */
function pageCheck(st: PagingState, lin: number, write: boolean): number | undefined {
  const page = lin >>> 12;
  let present: boolean;
  let writable: boolean;
  if (st.large) {
    present = (st.pde & P) !== 0;
    writable = (st.pde & RW) !== 0;
  } else {
    const pte = st.pte.get(page) ?? 0;
    present = (st.pde & P) !== 0 && (pte & P) !== 0;
    writable = (st.pde & RW) !== 0 && (pte & RW) !== 0;
  }
  const w = write ? 2 : 0;
  if (!present) return w;
  // CR0.WP = 0: supervisor writes ignore R/W (SDM vol.3 4.6.1).
  if (write && !writable && st.wp) return w | 1;
  return undefined;
}

/**
 * The tables, CR3/CR4/CR0 writes: called by the first template of the case. The tables are
 * pre-filled; the MOVs run as the case's first instructions, so the paging-enable path itself
 * is compared.
 */
function state(b: SequenceBuilder): PagingState {
  let st = states.get(b);
  if (st) return st;
  const r = b.rng;
  const large = r.chance(0.35);
  const wp = r.chance(0.6);
  const pte = new Map<number, number>();
  let pde: number;
  if (large) {
    // A 4 MiB page at 0 (SDM vol.3 table 4-4): bit 7 PS, D is in the PDE too.
    pde = P | PS | (r.chance(0.75) ? RW : 0) | randomBits(b) | (r.chance(0.4) ? D : 0);
  } else {
    pde = PT | P | (r.chance(0.85) ? RW : 0) | randomBits(b);
    // Page 2 starts accessed: ringlab fetches its end-of-block HLT sentinel (at 0x2000 when a
    // block ends on the boundary), which Unicorn, stopping by address, never does.
    for (const p of CODE_PAGES) pte.set(p, (p << 12) | P | (r.chance(0.5) ? RW : 0) | randomBits(b) | (r.chance(0.3) ? D : 0) | (p === 2 ? A : 0));
    for (const p of [...DATA_PAGES, STACK_PAGE]) {
      const present = r.chance(p === STACK_PAGE ? 0.95 : 0.85) ? P : 0;
      pte.set(p, (p << 12) | present | (r.chance(0.7) ? RW : 0) | randomBits(b) | (r.chance(0.3) ? D : 0));
    }
    for (const [p, v] of pte) b.fillValue(PT + p * 4, v, 4);
  }
  // A not-present PDE now and then: the fetch after MOV CR0 faults (CR2 = its EIP, error 0).
  if (r.chance(0.04)) pde &= ~P;
  b.fillValue(PD, pde, 4);
  st = { pde, pte, large, wp };
  states.set(b, st);
  b.paging = true;
  const cr3 = PD | (r.chance(0.2) ? PWT : 0) | (r.chance(0.2) ? PCD : 0);
  movCr(b, 3, cr3);
  if (large || r.chance(0.3)) movCr(b, 4, 0x10); // CR4.PSE
  movCr(b, 0, (0x80000011 | (wp ? 0x10000 : 0)) >>> 0);
  if (!(pde & P)) {
    // The next instruction fetch is the fault (SDM vol.3 4.7: I/D is reported only with NX/SMEP, absent here).
    b.insn([0x90], "nop", { mnemonic: "nop" });
    b.expectVector = 14;
    b.expectErrorCode = 0;
    b.ended = true;
  }
  return st;
}

/** A data address for `size` bytes that does not cross a page (the fault address of a split access is not compared). */
function target(b: SequenceBuilder, size: number): number {
  for (;;) {
    const t = b.dataTarget(size);
    if ((t & 0xfff) + size <= 0x1000) return t;
  }
}

function fault(b: SequenceBuilder, err: number, tag?: string): void {
  b.expectVector = 14;
  b.expectErrorCode = err;
  if (tag) b.tags.push(tag);
  b.ended = true;
}

const access: Template = {
  name: "mov/add through the paged data pages (read, write, read-modify-write)",
  gen(b) {
    const st = state(b);
    if (b.ended) return;
    const size: OpSize = b.rng.pick([8, 32, 32]);
    const t = target(b, size / 8);
    b.fillRandom(t, size / 8);
    const reg = b.dstReg(size, [ESP]);
    const kind = b.rng.below(3); // 0 read, 1 write, 2 add [m], r
    const w = size === 8 ? 0 : 1;
    const op = kind === 0 ? 0x8a + w : kind === 1 ? 0x88 + w : 0x00 + w;
    const name = size === 8 ? REG8[reg] : REG32[reg];
    const m = `${size === 8 ? "byte" : "dword"} ptr [${hex(t)}]`;
    const note = kind === 0 ? `mov ${name}, ${m}` : kind === 1 ? `mov ${m}, ${name}` : `add ${m}, ${name}`;
    const err = pageCheck(st, t, kind !== 0);
    b.insn([op, modrm(0, reg, 5), ...le(t, 4)], note, {
      mnemonic: kind === 2 ? "add" : "mov",
      // A faulting ADD leaves the flags as they were (possibly undefined after MOV CRn).
      writes: kind === 2 && err === undefined ? STATUS_FLAGS : 0,
      regs: kind === 0 ? [size === 8 ? reg & 3 : reg] : [],
    });
    // Read-modify-write on a not-present page: the SDM does not say whether W/R reports the
    // read or the write (QEMU and ringlab report the read), so that error code is not checked.
    if (err !== undefined) fault(b, err);
    if (err !== undefined && kind === 2 && !(err & 1)) b.expectErrorCode = undefined;
  },
};

const stackOp: Template = {
  name: "push/pop through the paged stack page",
  gen(b) {
    const st = state(b);
    if (b.ended || b.esp === undefined) return;
    if (b.rng.chance(0.6)) {
      const v = b.rng.u32();
      b.insn([0x68, ...le(v, 4)], `push ${hex(v)}`, { mnemonic: "push", esp: -4 });
      const err = pageCheck(st, b.esp, true);
      if (err !== undefined) fault(b, err);
    } else {
      const reg = b.dstReg(32, [ESP]);
      const at = b.esp;
      b.insn([0x58 + reg], `pop ${REG32[reg]}`, { mnemonic: "pop", esp: 4, regs: [reg] });
      const err = pageCheck(st, at, false);
      if (err !== undefined) fault(b, err);
    }
  },
};

/** Paging on (4 KiB and 4 MiB pages, CR0.WP), accessed/dirty bits and page faults at CPL 0. */
export const pagingFamily: Family = {
  name: "paging",
  description: "MOV CR3/CR4/CR0 enabling paging (4 KiB tables or a 4 MiB PSE page, WP), reads/writes/RMW and PUSH/POP setting A/D bits, #PF (not present, write-protected, fetch) with CR2",
  templates: [access, access, stackOp],
};
