import { Bus } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { CpuFault } from "../src/exceptions/cpu-fault.js";
import {
  CR0_PG,
  CR0_WP,
  CR4_PGE,
  CR4_PSE,
  PDE_PS,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_P,
  PTE_RW,
  PTE_US,
  type PageAccess,
  type PagingRegs,
  walk,
} from "../src/mmu/paging.js";
import { Tlb } from "../src/mmu/tlb.js";
import { rd32, runToHalt, wr32 } from "./harness.js";
import { dwords, firstEvent, gate, HANDLER, pm, RING0_STACK, RING3_CODE, RING3_STACK, SEL, toRing3 } from "./pm-harness.js";

/**
 * The 32-bit paging walker and TLB (SDM vol.3 §4.3, §4.6-4.7, §4.10): translations,
 * 4 MiB pages, the U/S and R/W rules with CR0.WP, accessed/dirty write-back and the exact
 * #PF error codes with CR2; then the CPU running with paging on.
 */

const PD = 0x10000;
const PT = 0x11000;
const R: PageAccess = { write: false, user: false };
const W: PageAccess = { write: true, user: false };
const UR: PageAccess = { write: false, user: true };
const UW: PageAccess = { write: true, user: true };

function setup(pde: number, pte: number, cr0 = CR0_PG | 1, cr4 = 0) {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const mem = bus.memory;
  // Linear 0x00400000-0x007FFFFF: directory entry 1 -> PT; entry 5 of PT maps 0x00405000.
  mem.write(PD + 4, 4, pde >>> 0);
  mem.write(PT + 5 * 4, 4, pte >>> 0);
  const regs: PagingRegs = { cr0, cr2: 0, cr3: PD, cr4, pdpte: new Int32Array(8) };
  return { mem, regs };
}

const LIN = 0x00405abc;
const entry = () => ({ phys: 0, user: false, writable: false, dirty: false, global: false });

function pf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof CpuFault && e.vector === 14) return e.errorCode;
    throw e;
  }
  throw new Error("no #PF");
}

describe("32-bit paging walk", () => {
  it("translates through a 4 KiB page and sets A in both entries, D only on a write", () => {
    const { mem, regs } = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_P | PTE_RW | PTE_US);
    expect(walk(mem, regs, LIN, R, entry()).phys).toBe(0x77000);
    expect(mem.read(PD + 4, 4) & (PTE_A | PTE_D)).toBe(PTE_A);
    expect(mem.read(PT + 20, 4) & (PTE_A | PTE_D)).toBe(PTE_A);
    walk(mem, regs, LIN, W, entry());
    expect(mem.read(PT + 20, 4) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(mem.read(PD + 4, 4) & PTE_D).toBe(0); // a directory entry has no dirty bit
  });

  it("not-present entries: #PF with P=0, W/R and U/S from the access, CR2 = address", () => {
    const np = setup(PT | PTE_RW | PTE_US, 0);
    expect(pf(() => walk(np.mem, np.regs, LIN, R, entry()))).toBe(0);
    expect(np.regs.cr2 >>> 0).toBe(LIN);
    expect(pf(() => walk(np.mem, np.regs, LIN, UW, entry()))).toBe(6);
    const npte = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_RW | PTE_US);
    expect(pf(() => walk(npte.mem, npte.regs, LIN, W, entry()))).toBe(2);
    expect(npte.mem.read(PT + 20, 4) & PTE_A).toBe(0); // nothing written back on a fault
  });

  it("user accesses need U/S at both levels; writes need R/W at both levels", () => {
    const supPde = setup(PT | PTE_P | PTE_RW, 0x77000 | PTE_P | PTE_RW | PTE_US);
    expect(pf(() => walk(supPde.mem, supPde.regs, LIN, UR, entry()))).toBe(5);
    const supPte = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_P | PTE_RW);
    expect(pf(() => walk(supPte.mem, supPte.regs, LIN, UR, entry()))).toBe(5);
    const ro = setup(PT | PTE_P | PTE_US, 0x77000 | PTE_P | PTE_RW | PTE_US);
    expect(walk(ro.mem, ro.regs, LIN, UR, entry()).phys).toBe(0x77000);
    expect(pf(() => walk(ro.mem, ro.regs, LIN, UW, entry()))).toBe(7);
  });

  it("supervisor writes to read-only pages succeed with CR0.WP = 0 and fault with WP = 1", () => {
    const wp0 = setup(PT | PTE_P | PTE_US, 0x77000 | PTE_P | PTE_US);
    expect(walk(wp0.mem, wp0.regs, LIN, W, entry()).phys).toBe(0x77000);
    const wp1 = setup(PT | PTE_P | PTE_US, 0x77000 | PTE_P | PTE_US, CR0_PG | CR0_WP | 1);
    expect(pf(() => walk(wp1.mem, wp1.regs, LIN, W, entry()))).toBe(3);
    expect(walk(wp1.mem, wp1.regs, LIN, R, entry()).phys).toBe(0x77000);
  });

  it("4 MiB pages with CR4.PSE; PS is ignored without it; reserved bits 21-13 give RSVD", () => {
    const big = setup(0x00c00000 | PDE_PS | PTE_P | PTE_RW | PTE_US, 0, CR0_PG | 1, CR4_PSE);
    expect(walk(big.mem, big.regs, LIN, UW, entry()).phys).toBe(0x00c05000);
    expect(big.mem.read(PD + 4, 4) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    // Without CR4.PSE the PS bit is ignored: the entry points to a page table as usual.
    const nopse = setup(PT | PDE_PS | PTE_P | PTE_RW | PTE_US, 0x55000 | PTE_P | PTE_RW | PTE_US);
    expect(walk(nopse.mem, nopse.regs, LIN, R, entry()).phys).toBe(0x55000);
    const rsvd = setup(0x00c02000 | PDE_PS | PTE_P | PTE_RW, 0, CR0_PG | 1, CR4_PSE);
    expect(pf(() => walk(rsvd.mem, rsvd.regs, LIN, W, entry()))).toBe(0xb);
  });
});

describe("TLB", () => {
  it("serves repeated accesses without walking, and INVLPG drops the entry", () => {
    const { mem, regs } = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_P | PTE_RW | PTE_US);
    const tlb = new Tlb();
    expect(tlb.translate(mem, regs, LIN, R)).toBe(0x77abc);
    mem.write(PT + 20, 4, 0x66000 | PTE_P | PTE_RW | PTE_US | PTE_A);
    expect(tlb.translate(mem, regs, LIN, R)).toBe(0x77abc); // stale until invalidated
    tlb.invalidatePage(LIN);
    expect(tlb.translate(mem, regs, LIN, R)).toBe(0x66abc);
  });

  it("the first write to a clean cached page walks again to set D", () => {
    const { mem, regs } = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_P | PTE_RW | PTE_US);
    const tlb = new Tlb();
    tlb.translate(mem, regs, LIN, R);
    expect(mem.read(PT + 20, 4) & PTE_D).toBe(0);
    tlb.translate(mem, regs, LIN, W);
    expect(mem.read(PT + 20, 4) & PTE_D).toBe(PTE_D);
  });

  it("a CR3 load keeps global entries only with CR4.PGE", () => {
    const { mem, regs } = setup(PT | PTE_P | PTE_RW | PTE_US, 0x77000 | PTE_P | PTE_RW | PTE_US | PTE_G, CR0_PG | 1, CR4_PGE);
    mem.write(PT + 4 * 4, 4, 0x78000 | PTE_P | PTE_RW | PTE_US); // 0x00404000, not global
    const tlb = new Tlb();
    tlb.translate(mem, regs, LIN, R);
    expect(tlb.translate(mem, regs, 0x00404010, R)).toBe(0x78010);
    expect(tlb.size).toBe(2);
    tlb.flush(true);
    expect(tlb.size).toBe(1);
    tlb.flush(false);
    expect(tlb.size).toBe(0);
  });
});

describe("the CPU with paging on", () => {
  const DIR = 0x20000;
  const TABLE = 0x21000;
  const DATA = 0x60000;

  /** pm() machine with the first 1 MiB identity-mapped (user, writable) and CR0.PG = 1. */
  function paged(code: number[], ring3: number[] = [], adjust?: (pte: (page: number, v: number) => void) => void) {
    const m = pm(code, ring3);
    wr32(m, DIR, TABLE | PTE_P | PTE_RW | PTE_US);
    for (let p = 0; p < 256; p++) wr32(m, TABLE + 4 * p, (p << 12) | PTE_P | PTE_RW | PTE_US);
    adjust?.((page, v) => wr32(m, TABLE + 4 * page, v));
    m.cpu.cr3 = DIR;
    m.cpu.writeCr0(m.cpu.cr0 | CR0_PG);
    return m;
  }

  it("runs through an identity map and sets the accessed and dirty bits", () => {
    // mov dword [0x60000],1; mov eax,[0x60000]; hlt
    const m = paged([0xc7, 0x05, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa1, 0x00, 0x00, 0x06, 0x00, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(1);
    expect(rd32(m, TABLE + 4 * 0x60) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(rd32(m, TABLE + 4 * 1) & (PTE_A | PTE_D)).toBe(PTE_A); // the code page: fetched only
    expect(rd32(m, DIR) & PTE_A).toBe(PTE_A);
  });

  it("code written through another mapping of its physical page runs anew (alias write)", () => {
    // call 0x80000 / mov bl,al / mov byte [0x81001],0x22 / call 0x80000 / hlt; linear pages
    // 0x80 and 0x81 both map physical 0x70000, which holds mov al,0x11 / ret.
    const code = [0xe8, 0xfb, 0xef, 0x07, 0x00, 0x88, 0xc3, 0xc6, 0x05, 0x01, 0x10, 0x08, 0x00, 0x22, 0xe8, 0xed, 0xef, 0x07, 0x00, 0xf4];
    const m = paged(code, [], (pte) => {
      pte(0x80, 0x70000 | PTE_P | PTE_RW);
      pte(0x81, 0x70000 | PTE_P | PTE_RW);
    });
    m.ram.set([0xb0, 0x11, 0xc3], 0x70000);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3) & 0xff).toBe(0x11);
    expect(m.cpu.getReg32(0) & 0xff).toBe(0x22);
  });

  it("a CR3 load keeps the decoded code of pages that map the same physical page, and decodes a remapped page afresh", () => {
    // call 0x80000 / mov bl,al / mov eax,DIR2 / mov cr3,eax / call 0x80000 / hlt. Linear page
    // 0x80 maps physical 0x70000 (mov al,0x11 / ret) under DIR and 0x71000 (mov al,0x22 / ret)
    // under DIR2; everything else maps alike, so the code page itself keeps its instructions.
    const DIR2 = 0x23000;
    const TABLE2 = 0x24000;
    const code = [0xe8, 0xfb, 0xef, 0x07, 0x00, 0x88, 0xc3, 0xb8, 0x00, 0x30, 0x02, 0x00, 0x0f, 0x22, 0xd8, 0xe8, 0xec, 0xef, 0x07, 0x00, 0xf4];
    const m = paged(code, [], (pte) => pte(0x80, 0x70000 | PTE_P | PTE_RW));
    wr32(m, DIR2, TABLE2 | PTE_P | PTE_RW | PTE_US);
    for (let p = 0; p < 256; p++) wr32(m, TABLE2 + 4 * p, rd32(m, TABLE + 4 * p));
    wr32(m, TABLE2 + 4 * 0x80, 0x71000 | PTE_P | PTE_RW);
    m.ram.set([0xb0, 0x11, 0xc3], 0x70000);
    m.ram.set([0xb0, 0x22, 0xc3], 0x71000);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3) & 0xff).toBe(0x11);
    expect(m.cpu.getReg32(0) & 0xff).toBe(0x22);
    expect(m.cpu.code.unparked, "the code page came back after the CR3 load").toBeGreaterThan(0);
  });

  it("toggling CR4.PGE (Linux's global TLB flush) keeps decoded code, and a write still drops it", () => {
    // mov eax,cr4 / or eax,0x80 / mov cr4,eax / and eax,~0x80 / mov cr4,eax /
    // mov byte [next+1],0x33 / next: mov al,0x11 / hlt: the store patches the MOV's immediate
    // after the flushes, so decoded code kept past them must still see the write.
    const code = [0x0f, 0x20, 0xe0, 0x0d, 0x80, 0x00, 0x00, 0x00, 0x0f, 0x22, 0xe0, 0x25, 0x7f, 0xff, 0xff, 0xff, 0x0f, 0x22, 0xe0];
    const at = 0x1000 + code.length + 7;
    code.push(0xc6, 0x05, (at + 1) & 0xff, ((at + 1) >> 8) & 0xff, 0, 0, 0x33, 0xb0, 0x11, 0xf4);
    const m = paged(code);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0) & 0xff).toBe(0x33);
    expect(m.cpu.code.unparked, "the code page came back after each CR4 write").toBeGreaterThanOrEqual(2);
  });

  it("a REP string instruction faulting part-way retires the iterations it completed", () => {
    // mov edi,0x60ffc / mov ecx,8 / rep stosb ; page 0x61 not present: 4 bytes, then #PF
    const m = paged([0xbf, 0xfc, 0x0f, 0x06, 0x00, 0xb9, 0x08, 0x00, 0x00, 0x00, 0xf3, 0xaa], [], (pte) => pte(0x61, 0));
    expect(firstEvent(m)).toMatchObject({ vector: 14, eip: 0x100a });
    expect(m.cpu.getReg32(1)).toBe(4);
    expect(m.cpu.getReg32(7)).toBe(0x61000);
    // Each iteration counts as an instruction (as under --trace, and QEMU's icount).
    expect(m.cpu.clock.instructions).toBe(2 + 4);
  });

  it("a not-present page is #PF(0) with CR2 = the linear address", () => {
    const m = paged([0xa1, 0x23, 0x01, 0x05, 0x00], [], (pte) => pte(0x50, 0));
    expect(firstEvent(m)).toMatchObject({ vector: 14, errorCode: 0, eip: 0x1000 });
    expect(m.cpu.cr2 >>> 0).toBe(0x50123);
  });

  it("supervisor writes to a read-only page: allowed with WP = 0, #PF(3) with WP = 1", () => {
    const write = [0xc6, 0x05, 0x00, 0x00, 0x06, 0x00, 0x01, 0xf4]; // mov byte [0x60000],1; hlt
    const ro = (pte: (page: number, v: number) => void) => pte(0x60, DATA | PTE_P | PTE_US);
    const wp0 = paged(write, [], ro);
    runToHalt(wp0.cpu);
    expect(wp0.ram[DATA]).toBe(1);
    const wp1 = paged(write, [], ro);
    wp1.cpu.writeCr0(wp1.cpu.cr0 | CR0_WP);
    expect(firstEvent(wp1)).toMatchObject({ vector: 14, errorCode: 3 });
    expect(wp1.ram[DATA]).toBe(0);
  });

  it("CPL 3: reading a supervisor page is #PF(5), writing a read-only user page #PF(7)", () => {
    const sup = paged([], [0xa1, 0x00, 0x00, 0x06, 0x00], (pte) => pte(0x60, DATA | PTE_P | PTE_RW));
    toRing3(sup);
    expect(firstEvent(sup)).toMatchObject({ vector: 14, errorCode: 5, eip: RING3_CODE });
    const ro = paged([], [0xc6, 0x05, 0x00, 0x00, 0x06, 0x00, 0x01], (pte) => pte(0x60, DATA | PTE_P | PTE_US));
    toRing3(ro);
    expect(firstEvent(ro)).toMatchObject({ vector: 14, errorCode: 7 });
  });

  it("CPL 3 fetching from a supervisor page is #PF(5) with CR2 = EIP, even after CPL 0 ran it", () => {
    // ring 0 at 0x1000: push 0x23; push 0x6000; push 0x202; push 0x1b; push 0x1000; iretd
    const code = [0x6a, 0x23, 0x68, 0x00, 0x60, 0x00, 0x00, 0x68, 0x02, 0x02, 0x00, 0x00, 0x6a, 0x1b, 0x68, 0x00, 0x10, 0x00, 0x00, 0xcf];
    const m = paged(code, [], (pte) => pte(1, 0x1000 | PTE_P | PTE_RW));
    expect(firstEvent(m)).toMatchObject({ vector: 14, errorCode: 5, eip: 0x1000 });
    expect(m.cpu.cpl).toBe(3);
    expect(m.cpu.cr2 >>> 0).toBe(0x1000);
  });

  it("an INT from ring 3 reaches supervisor-only IDT, GDT, TSS and stack pages", () => {
    const m = paged([], [0xcd, 0x80], (pte) => {
      for (const page of [0, 1, 3, 7, 8]) pte(page, (page << 12) | PTE_P | PTE_RW); // tables, TSS, stacks
    });
    gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
    toRing3(m);
    runToHalt(m.cpu);
    expect(m.cpu.cpl).toBe(0);
    expect(dwords(m, RING0_STACK - 20, 5)).toEqual([RING3_CODE + 2, 0x1b, 0x202, RING3_STACK, 0x23]);
  });

  it("a changed PTE is seen only after INVLPG (the TLB caches the old one)", () => {
    // mov ebx,[0x60000]; invlpg [0x60000]; mov ecx,[0x60000]; hlt
    const code = [0x8b, 0x1d, 0x00, 0x00, 0x06, 0x00, 0x0f, 0x01, 0x3d, 0x00, 0x00, 0x06, 0x00, 0x8b, 0x0d, 0x00, 0x00, 0x06, 0x00, 0xf4];
    const m = paged([0xa1, 0x00, 0x00, 0x06, 0x00, ...code]); // mov eax,[0x60000] first fills the TLB
    wr32(m, DATA, 0x1111);
    wr32(m, 0x70000, 0x2222);
    m.cpu.run(1);
    wr32(m, TABLE + 4 * 0x60, 0x70000 | PTE_P | PTE_RW | PTE_US);
    runToHalt(m.cpu);
    expect([m.cpu.getReg32(0), m.cpu.getReg32(3), m.cpu.getReg32(1)]).toEqual([0x1111, 0x1111, 0x2222]);
  });

  it("4 MiB pages with CR4.PSE", () => {
    const m = paged([0xa1, 0x34, 0x12, 0x40, 0x00, 0xf4]); // mov eax,[0x401234]; hlt
    wr32(m, DIR + 4, PDE_PS | PTE_P | PTE_RW); // linear 4 MiB -> physical 0
    wr32(m, 0x1234, 0xcafe);
    m.cpu.cr4 |= CR4_PSE;
    m.cpu.pagingChanged();
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0xcafe);
  });

  it("runs higher-half code from the decode cache and sees a store into it (self-modifying)", () => {
    // at linear 0xC0001000: mov ecx,2; top: inc eax; mov byte [top],0x42 (inc edx); loop top; hlt
    const code = [0xb9, 0x02, 0x00, 0x00, 0x00, 0x40, 0xc6, 0x05, 0x05, 0x10, 0x00, 0xc0, 0x42, 0xe2, 0xf6, 0xf4];
    const m = paged(code);
    const high = 0x22000;
    wr32(m, DIR + 4 * 0x300, high | PTE_P | PTE_RW);
    wr32(m, high + 4, 0x1000 | PTE_P | PTE_RW); // 0xC0001000 -> 0x1000
    m.cpu.eip = 0xc0001000;
    m.cpu.setReg32(2, 0);
    runToHalt(m.cpu);
    expect([m.cpu.getReg32(0), m.cpu.getReg32(2)]).toEqual([1, 1]);
    expect(m.cpu.code.pages[0xc0001]).not.toBeNull(); // cached under its linear page
  });

  it("ENTER faults (#PF) when a write at its final stack pointer would", () => {
    // ring 3: enter 4,0 with ESP = 0x61004: the push lands in page 0x61, the final ESP in 0x60
    const m = paged([], [0xc8, 0x04, 0x00, 0x00], (pte) => pte(0x60, DATA | PTE_P | PTE_RW));
    toRing3(m);
    m.cpu.setReg32(4, 0x61004);
    expect(firstEvent(m)).toMatchObject({ vector: 14, errorCode: 7, eip: RING3_CODE });
    expect(m.cpu.cr2 >>> 0).toBe(0x60ffc);
    expect(m.cpu.getReg32(4)).toBe(0x61004);
  });

  describe("across many CPL changes (one set of fast tables and one code view per privilege class)", () => {
    const SUP = [0, 1, 3, 0x60]; // GDT/IDT, ring-0 code and handler, TSS, kernel data
    const supervisor = (pages: number[]) => (pte: (page: number, v: number) => void) => {
      for (const p of pages) pte(p, (p << 12) | PTE_P | PTE_RW);
    };
    /** Ring 3 runs `ring3`; INT 0x80 enters `handler` at CPL 0 (INT 0x81: `handler2`). */
    function syscalls(ring3: number[], handler: number[], adjust = supervisor(SUP), handler2: number[] = [0xf4]) {
      const m = paged([], ring3, adjust);
      m.ram.set(handler, HANDLER);
      m.ram.set(handler2, HANDLER + 0x100);
      gate(m, 0x80, SEL.code0, HANDLER, 0xe, 3);
      gate(m, 0x81, SEL.code0, HANDLER + 0x100, 0xe, 3);
      toRing3(m);
      return m;
    }
    // mov ebx,[0x60000]; inc dword [0x60004]; iretd — CPL 0 reads and writes a supervisor page
    const H_SUP = [0x8b, 0x1d, 0x00, 0x00, 0x06, 0x00, 0xff, 0x05, 0x04, 0x00, 0x06, 0x00, 0xcf];

    it("a supervisor page CPL 0 used on each of 50 system calls stays unreadable to CPL 3: #PF(5)", () => {
      // mov ecx,50; top: mov edx,[0x61000]; int 0x80; loop top; mov eax,[0x60000]
      const r3 = [0xb9, 0x32, 0x00, 0x00, 0x00, 0x8b, 0x15, 0x00, 0x10, 0x06, 0x00, 0xcd, 0x80, 0xe2, 0xf6, 0xa1, 0x00, 0x00, 0x06, 0x00];
      const m = syscalls(r3, H_SUP);
      expect(firstEvent(m, 5000)).toMatchObject({ vector: 14, errorCode: 5, eip: RING3_CODE + 15 });
      expect(m.cpu.cr2 >>> 0).toBe(DATA);
      expect(rd32(m, DATA + 4)).toBe(50);
      expect(m.cpu.cpl).toBe(3);
    });

    it("code CPL 0 ran on each of 50 system calls cannot be fetched by CPL 3: #PF(5), CR2 = EIP", () => {
      // mov ecx,50; top: int 0x80; loop top; mov eax,HANDLER; jmp eax
      const r3 = [0xb9, 0x32, 0x00, 0x00, 0x00, 0xcd, 0x80, 0xe2, 0xfc, 0xb8, 0x00, 0x1c, 0x00, 0x00, 0xff, 0xe0];
      const m = syscalls(r3, H_SUP);
      expect(firstEvent(m, 5000)).toMatchObject({ vector: 14, errorCode: 5, eip: HANDLER });
      expect(m.cpu.cr2 >>> 0).toBe(HANDLER);
      expect(rd32(m, DATA + 4)).toBe(50);
    });

    const roUser = (pte: (page: number, v: number) => void) => {
      supervisor(SUP)(pte);
      pte(0x61, 0x61000 | PTE_P | PTE_US); // user read-only
    };
    // mov ecx,50; top: mov edx,[0x61000]; int 0x80; loop top; int 0x81
    const R3_RO = [0xb9, 0x32, 0x00, 0x00, 0x00, 0x8b, 0x15, 0x00, 0x10, 0x06, 0x00, 0xcd, 0x80, 0xe2, 0xf6, 0xcd, 0x81];
    const INC_RO = [0xff, 0x05, 0x00, 0x10, 0x06, 0x00]; // inc dword [0x61000]

    it("CR0.WP = 0: CPL 0 writes a user read-only page on every call; CPL 3 still cannot: #PF(7)", () => {
      // mov ecx,50; top: int 0x80; loop top; mov eax,[0x61000]; mov [0x61000],eax
      const r3 = [0xb9, 0x32, 0x00, 0x00, 0x00, 0xcd, 0x80, 0xe2, 0xfc, 0xa1, 0x00, 0x10, 0x06, 0x00, 0xa3, 0x00, 0x10, 0x06, 0x00];
      const m = syscalls(r3, [...INC_RO, 0xcf], roUser);
      expect(firstEvent(m, 5000)).toMatchObject({ vector: 14, errorCode: 7, eip: RING3_CODE + 14 });
      expect(m.cpu.getReg32(0)).toBe(50);
      expect(rd32(m, 0x61000)).toBe(50);
    });

    it("CR0.WP = 1: after 50 calls that read it, CPL 0's write to a user read-only page is #PF(3)", () => {
      const m = syscalls(R3_RO, H_SUP, roUser, [...INC_RO, 0xf4]);
      m.cpu.writeCr0(m.cpu.cr0 | CR0_WP);
      expect(firstEvent(m, 5000)).toMatchObject({ vector: 14, errorCode: 3, eip: HANDLER + 0x100 });
      expect(m.cpu.cpl).toBe(0);
      expect(rd32(m, 0x61000)).toBe(0);
      expect(rd32(m, DATA + 4)).toBe(50);
    });

    // Ring 3 reads user page 0x62 (filling its user entry), INT 0x80 makes the page supervisor-only
    // and invalidates by `how`, then ring 3 reads it again: #PF(5).
    // mov eax,[0x62000]; int 0x80; mov eax,[0x62000]
    const R3_INV = [0xa1, 0x00, 0x20, 0x06, 0x00, 0xcd, 0x80, 0xa1, 0x00, 0x20, 0x06, 0x00];
    const SUP_62 = [0xc7, 0x05, 0x88, 0x11, 0x02, 0x00, 0x03, 0x20, 0x06, 0x00]; // mov dword [PTE 0x62], 0x62003
    const invalidations: Record<string, number[]> = {
      "INVLPG": [0x0f, 0x01, 0x3d, 0x00, 0x20, 0x06, 0x00], // invlpg [0x62000]
      "a CR3 load": [0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8], // mov eax,cr3; mov cr3,eax
      "a CR4.PSE change": [0x0f, 0x20, 0xe0, 0x83, 0xf0, 0x10, 0x0f, 0x22, 0xe0], // cr4 ^= PSE
      "a CR0.WP change": [0x0f, 0x20, 0xc0, 0x35, 0x00, 0x00, 0x01, 0x00, 0x0f, 0x22, 0xc0], // cr0 ^= WP
    };
    for (const [how, insns] of Object.entries(invalidations)) {
      it(`${how} at CPL 0 drops the user entry CPL 3 filled before the system call`, () => {
        const m = syscalls(R3_INV, [...SUP_62, ...insns, 0xcf]);
        expect(firstEvent(m, 100)).toMatchObject({ vector: 14, errorCode: 5, eip: RING3_CODE + 7 });
        expect(m.cpu.cr2 >>> 0).toBe(0x62000);
      });
    }

    it("INVLPG of the caller's code page drops its decoded code from the user view: the return is #PF(5)", () => {
      // mov dword [PTE 2], 0x2003 (ring-3 code page becomes supervisor); invlpg [0x2000]; iretd
      const h = [0xc7, 0x05, 0x08, 0x10, 0x02, 0x00, 0x03, 0x20, 0x00, 0x00, 0x0f, 0x01, 0x3d, 0x00, 0x20, 0x00, 0x00, 0xcf];
      const m = syscalls(R3_INV, h);
      expect(firstEvent(m, 100)).toMatchObject({ vector: 14, errorCode: 5, eip: RING3_CODE + 7 });
      expect(m.cpu.cr2 >>> 0).toBe(RING3_CODE + 7);
    });

    it("CPL 0 patching ring-3 code it returns to is seen (self-modifying code across CPL changes)", () => {
      // mov ecx,3; top: mov al,0x11; int 0x80; loop top; mov ebx,[0x60000] — the handler
      // (mov byte [0x2006],0x22; iretd) rewrites the immediate after the first call.
      const r3 = [0xb9, 0x03, 0x00, 0x00, 0x00, 0xb0, 0x11, 0xcd, 0x80, 0xe2, 0xfa, 0x8b, 0x1d, 0x00, 0x00, 0x06, 0x00];
      const m = syscalls(r3, [0xc6, 0x05, 0x06, 0x20, 0x00, 0x00, 0x22, 0xcf]);
      expect(firstEvent(m, 100)).toMatchObject({ vector: 14, errorCode: 5, eip: RING3_CODE + 11 });
      expect(m.cpu.getReg32(0) & 0xff).toBe(0x22);
    });

    it("a system call drops neither the fast tables nor the decoded code", () => {
      // mov ecx,50; top: int 0x80; loop top; mov eax,HANDLER; jmp eax
      const r3 = [0xb9, 0x32, 0x00, 0x00, 0x00, 0xcd, 0x80, 0xe2, 0xfc, 0xb8, 0x00, 0x1c, 0x00, 0x00, 0xff, 0xe0];
      const m = syscalls(r3, H_SUP);
      let decoded = 0;
      m.cpu.patchHook = () => {
        decoded++;
        return null;
      };
      firstEvent(m, 5000);
      // mov ecx, int, loop, mov eax, jmp (ring 3) and the handler's 3: each decoded once.
      expect(decoded).toBe(8);
      expect(m.cpu.code.all[RING3_CODE >>> 12]).not.toBeNull();
      expect(m.cpu.code.all[HANDLER >>> 12]).not.toBeNull();
    });
  });

  it("turning paging off goes back to physical addressing", () => {
    const m = paged([0xf4], [], (pte) => pte(0x60, 0x70000 | PTE_P | PTE_RW | PTE_US));
    wr32(m, DATA, 5);
    wr32(m, 0x70000, 7);
    expect(m.cpu.rd32(DATA)).toBe(7);
    m.cpu.writeCr0(m.cpu.cr0 & ~CR0_PG);
    expect(m.cpu.rd32(DATA)).toBe(5);
  });
});
