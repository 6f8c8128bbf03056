import { Bus } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { CpuFault } from "../src/exceptions/cpu-fault.js";
import { findCpuModel } from "../src/model/cpu-models.js";
import { loadPdptes, walkPae } from "../src/mmu/pae-paging.js";
import { CR0_PG, CR0_WP, CR4_PAE, PDE_PS, PTE_A, PTE_D, PTE_G, PTE_P, PTE_RW, PTE_US, type PageAccess, type PagingRegs } from "../src/mmu/paging.js";
import { Tlb } from "../src/mmu/tlb.js";
import { rd32, runToHalt, wr32 } from "./harness.js";
import { firstEvent, pm } from "./pm-harness.js";

/**
 * PAE paging (SDM vol.3 §4.4) on the P6 models: the PDPTE registers and when they load
 * (§4.4.1, #GP(0) for reserved bits), the 3-level walk with 64-bit entries, 4 KiB and 2 MiB
 * pages, accessed/dirty bits, U/S and R/W of the PDE and PTE, CR0.WP, reserved bits (#PF with
 * RSVD, §4.7), 36-bit physical addresses beyond the bus (a hole), then the CPU running it.
 */

const PDPT = 0x10000;
const PD = 0x11000;
const PT = 0x12000;
const R: PageAccess = { write: false, user: false };
const W: PageAccess = { write: true, user: false };
const UR: PageAccess = { write: false, user: true };
const UW: PageAccess = { write: true, user: true };
/** Linear 0x40405ABC: PDPTE 1, PDE 2, PTE 5. */
const LIN = 0x40405abc;
const ALL = PTE_P | PTE_RW | PTE_US;

function q(mem: Bus["memory"], addr: number, lo: number, hi = 0): void {
  mem.write(addr, 4, lo >>> 0);
  mem.write(addr + 4, 4, hi >>> 0);
}

/** PDPTE 1 -> PD; PDE 2 = `pde`; PT entry 5 = `pte` (each low, high dword). */
function setup(pde: [number, number], pte: [number, number], cr0 = CR0_PG | 1) {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const mem = bus.memory;
  q(mem, PDPT + 8, PD | PTE_P);
  q(mem, PD + 2 * 8, pde[0], pde[1]);
  q(mem, PT + 5 * 8, pte[0], pte[1]);
  const regs: PagingRegs = { cr0, cr2: 0, cr3: PDPT, cr4: CR4_PAE, pdpte: new Int32Array(8) };
  expect(loadPdptes(mem, PDPT, regs.pdpte)).toBe(true);
  return { mem, regs };
}

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

describe("the PAE walk", () => {
  it("translates a 4 KiB page through PDPTE, PDE and PTE, setting A and D in the low dwords only", () => {
    const { mem, regs } = setup([PT | ALL, 0], [0x77000 | ALL, 0]);
    expect(walkPae(mem, regs, LIN, R, entry()).phys).toBe(0x77000);
    expect(mem.read(PD + 16, 4) & PTE_A).toBe(PTE_A);
    expect(mem.read(PT + 40, 4) & (PTE_A | PTE_D)).toBe(PTE_A);
    walkPae(mem, regs, LIN, W, entry());
    expect(mem.read(PT + 40, 4) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect([mem.read(PD + 20, 4), mem.read(PT + 44, 4)]).toEqual([0, 0]);
    // The PDPTE has no accessed bit in legacy PAE: untouched.
    expect(mem.read(PDPT + 8, 4)).toBe(PD | PTE_P);
  });

  it("maps 2 MiB pages from a PDE with PS = 1, whatever CR4.PSE is; D lands in the PDE", () => {
    const { mem, regs } = setup([0x00a00000 | PDE_PS | ALL | PTE_G, 0], [0, 0]);
    const e = walkPae(mem, regs, LIN, UW, entry());
    // 0x40405ABC is 0x5ABC into the 2 MiB region 0x40400000: phys 0x00a05000.
    expect(e.phys).toBe(0x00a05000);
    expect(e.global).toBe(true);
    expect(mem.read(PD + 16, 4) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
  });

  it("uses bits 35:32 of the entries: a page above 4 GiB is a number past 2^32", () => {
    const { mem, regs } = setup([PT | ALL, 0], [0x00005000 | ALL, 0xa]);
    expect(walkPae(mem, regs, LIN, R, entry()).phys).toBe(0xa_0000_5000);
    const big = setup([0x00200000 | PDE_PS | ALL, 0x3], [0, 0]);
    expect(walkPae(big.mem, big.regs, LIN, R, entry()).phys).toBe(0x3_0020_5000);
  });

  it("combines U/S and R/W of the PDE and the PTE, with CR0.WP for supervisor writes", () => {
    const supPde = setup([PT | PTE_P | PTE_RW, 0], [0x77000 | ALL, 0]);
    expect(pf(() => walkPae(supPde.mem, supPde.regs, LIN, UR, entry()))).toBe(5);
    const roPte = setup([PT | ALL, 0], [0x77000 | PTE_P | PTE_US, 0]);
    expect(pf(() => walkPae(roPte.mem, roPte.regs, LIN, UW, entry()))).toBe(7);
    expect(walkPae(roPte.mem, roPte.regs, LIN, W, entry()).phys).toBe(0x77000); // WP = 0
    const wp = setup([PT | PTE_P | PTE_US, 0], [0x77000 | ALL, 0], CR0_PG | CR0_WP | 1);
    expect(pf(() => walkPae(wp.mem, wp.regs, LIN, W, entry()))).toBe(3);
    expect(walkPae(wp.mem, wp.regs, LIN, UR, entry()).phys).toBe(0x77000);
  });

  it("not-present PDPTE, PDE or PTE: #PF with P = 0, CR2 = the address, nothing written", () => {
    const np = setup([PT | ALL, 0], [0x77000 | ALL, 0]);
    np.regs.pdpte[2] = 0;
    expect(pf(() => walkPae(np.mem, np.regs, LIN, UW, entry()))).toBe(6);
    expect(np.regs.cr2 >>> 0).toBe(LIN);
    const npde = setup([PT | PTE_RW | PTE_US, 0], [0x77000 | ALL, 0]);
    expect(pf(() => walkPae(npde.mem, npde.regs, LIN, W, entry()))).toBe(2);
    const npte = setup([PT | ALL, 0], [0x77000 | PTE_RW, 0]);
    expect(pf(() => walkPae(npte.mem, npte.regs, LIN, R, entry()))).toBe(0);
    expect(npte.mem.read(PD + 16, 4) & PTE_A).toBe(0);
  });

  it("reserved bits give #PF with P and RSVD: bits 63:36, a 2 MiB PDE's 20:13 and PAT bit, a PTE's PAT bit", () => {
    const cases: [string, [number, number], [number, number], PageAccess, number][] = [
      ["PTE bit 36", [PT | ALL, 0], [0x77000 | ALL, 0x10], R, 0x9],
      ["PTE bit 63 (XD, no EFER.NXE)", [PT | ALL, 0], [0x77000 | ALL, 0x80000000], UW, 0xf],
      ["PTE bit 7 (PAT, not offered)", [PT | ALL, 0], [0x77000 | ALL | 0x80, 0], W, 0xb],
      ["PDE bit 40", [PT | ALL, 0x100], [0x77000 | ALL, 0], UR, 0xd],
      ["2 MiB PDE bit 13", [0x00a02000 | PDE_PS | ALL, 0], [0, 0], R, 0x9],
      ["2 MiB PDE bit 12 (PAT)", [0x00a01000 | PDE_PS | ALL, 0], [0, 0], R, 0x9],
      // A reserved bit in the PDE faults before the PTE is looked at (here not present).
      ["PDE bit 36 over a not-present PTE", [PT | ALL, 0x10], [0, 0], R, 0x9],
    ];
    for (const [what, pde, pte, a, code] of cases) {
      const s = setup(pde, pte);
      expect(pf(() => walkPae(s.mem, s.regs, LIN, a, entry())), what).toBe(code);
      expect(s.regs.cr2 >>> 0, what).toBe(LIN);
      expect(s.mem.read(PD + 16, 4) & PTE_A, what).toBe(0);
    }
    // Address bits 35:32 and the ignored bits 11:9 are not reserved.
    const ok = setup([PT | ALL | 0xe00, 0], [0x77000 | ALL | 0xe00, 0xf]);
    expect(walkPae(ok.mem, ok.regs, LIN, R, entry()).phys).toBe(0xf_0007_7000);
    // A page table above 4 GiB reads as all-ones: present with every reserved bit set.
    const high = setup([PT | ALL, 0x1], [0, 0]);
    expect(pf(() => walkPae(high.mem, high.regs, LIN, R, entry()))).toBe(0x9);
  });

  it("PDPTE loads refuse reserved bits 2:1, 8:5 and 63:36 of a present entry, and keep the old registers", () => {
    const bus = new Bus({ ramSize: 1 << 20 });
    bus.memory.mapRam("ram", 0, 1 << 20);
    const mem = bus.memory;
    const regs = Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    for (const [lo, hi] of [[0x2001 | 2, 0], [0x2001 | 4, 0], [0x2001 | 0x20, 0], [0x2001 | 0x100, 0], [0x2001, 0x10], [0x2001, 0x80000000]]) {
      q(mem, PDPT + 24, lo!, hi!);
      expect(loadPdptes(mem, PDPT, regs), `${lo!.toString(16)}:${hi!.toString(16)}`).toBe(false);
      expect([...regs]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
    // Not present: anything goes. PWT/PCD (bits 3, 4), ignored 11:9 and address 35:32 are fine.
    q(mem, PDPT + 24, 0xfffffffe, 0xffffffff);
    q(mem, PDPT, 0x2001 | 0x18 | 0xe00, 0xf);
    expect(loadPdptes(mem, PDPT | 0x1f, regs)).toBe(true); // CR3 bits 4:0 are ignored
    expect([...regs]).toEqual([0x2e19, 0xf, 0, 0, 0, 0, 0xfffffffe | 0, -1]);
  });

  it("the TLB keeps 2 MiB translations by 4 KiB slice; global ones survive a CR3 flush", () => {
    const { mem, regs } = setup([0x00a00000 | PDE_PS | ALL | PTE_G, 0], [0, 0]);
    const tlb = new Tlb();
    expect(tlb.translate(mem, regs, LIN, R)).toBe(0x00a05abc);
    expect(tlb.translate(mem, regs, LIN + 0x1000, R)).toBe(0x00a06abc);
    tlb.flush(true);
    expect(tlb.size).toBe(2);
  });
});

describe("the CPU with PAE paging (pentium2 model)", () => {
  const P2 = findCpuModel("pentium2")!;
  const TABLE_PDPT = 0x20000;
  const DIR = 0x21000;
  const TABLE = 0x22000;
  const DATA = 0x60000;

  /**
   * pm() machine with PAE paging: linear 0-2 MiB identity-mapped through 4 KiB pages (user,
   * writable), 0x40000000-0x401FFFFF a 2 MiB page at physical 0 through PDPTE 1. Paging is
   * turned on by the code itself (`enable`: mov eax,cr4 / or eax,0x20 / mov cr4,eax /
   * mov eax,cr0 / or eax,0x80000000 / mov cr0,eax) unless `on` is set here.
   */
  function pae(code: number[], on = false, adjust?: (m: ReturnType<typeof pm>) => void) {
    const m = pm(code, [], [0xf4], P2);
    wr32(m, TABLE_PDPT, DIR | PTE_P);
    wr32(m, TABLE_PDPT + 8, (DIR + 0x1000) | PTE_P);
    wr32(m, DIR, TABLE | ALL);
    for (let p = 0; p < 256; p++) wr32(m, TABLE + 8 * p, (p << 12) | ALL);
    wr32(m, DIR + 0x1000, 0 | PDE_PS | ALL);
    adjust?.(m);
    m.cpu.cr3 = TABLE_PDPT;
    if (on) {
      m.cpu.cr4 = CR4_PAE;
      m.cpu.loadPdptes(TABLE_PDPT);
      m.cpu.writeCr0(m.cpu.cr0 | CR0_PG);
    }
    return m;
  }
  const enable = [0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0];

  it("turns PAE paging on with MOV CR4 and MOV CR0, then reads through a 4 KiB and a 2 MiB page", () => {
    // enable; mov dword [0x60000],0x1234; mov eax,[0x40060000]; hlt
    const m = pae([...enable, 0xc7, 0x05, 0x00, 0x00, 0x06, 0x00, 0x34, 0x12, 0x00, 0x00, 0xa1, 0x00, 0x00, 0x06, 0x40, 0xf4]);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0x1234);
    expect([...m.cpu.pdpte.subarray(0, 4)]).toEqual([DIR | PTE_P, 0, (DIR + 0x1000) | PTE_P, 0]);
    expect(rd32(m, TABLE + 8 * 0x60) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(rd32(m, DIR + 0x1000) & (PTE_A | PTE_D)).toBe(PTE_A);
    expect(m.cpu.peekLinear(0x40060000, 2)).toEqual(Uint8Array.of(0x34, 0x12));
  });

  it("MOV CR0 setting PG with a bad PDPTE is #GP(0), CR0 unchanged", () => {
    const m = pae(enable, false, (mm) => wr32(mm, TABLE_PDPT + 16, 0x30000 | PTE_P | 4));
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0x1011 });
    expect(m.cpu.cr0 & CR0_PG).toBe(0);
    expect(m.cpu.cr4 & CR4_PAE).toBe(CR4_PAE);
  });

  it("MOV CR4 setting PAE with paging on loads the PDPTEs: a bad one is #GP(0), CR4 unchanged", () => {
    // mov eax,cr4; or eax,0x20; mov cr4,eax; hlt  with 32-bit paging through an identity PD
    const m = pm([0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0xf4], [], [0xf4], P2);
    wr32(m, 0x30000, 0x31000 | ALL);
    for (let p = 0; p < 256; p++) wr32(m, 0x31000 + 4 * p, (p << 12) | ALL);
    wr32(m, 0x30008, 0x1234 | PTE_P | 0x40); // as a PDPTE 1 (the table at CR3): bit 6 reserved
    m.cpu.cr3 = 0x30000;
    m.cpu.writeCr0(m.cpu.cr0 | CR0_PG);
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0x1006 });
    expect(m.cpu.cr4 & CR4_PAE).toBe(0);
  });

  it("MOV CR3 loads the PDPTEs (bad: #GP(0), CR3 kept); the walk uses the registers, not the table", () => {
    // mov eax,[0x40060000]; mov ebx,0x30000; mov cr3,ebx; hlt
    const m = pae([0xa1, 0x00, 0x00, 0x06, 0x40, 0xbb, 0x00, 0x00, 0x03, 0x00, 0x0f, 0x22, 0xdb, 0xf4], true, (mm) => {
      wr32(mm, 0x30000, DIR | PTE_P);
      wr32(mm, 0x30008, 0x40000 | PTE_P);
      wr32(mm, 0x3000c, 0x10); // bit 36
    });
    wr32(m, DATA, 0xabcd);
    // Changing the PDPT in memory does not change the loaded registers.
    wr32(m, TABLE_PDPT + 8, 0);
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0x1005 + 5 });
    expect(m.cpu.getReg32(0)).toBe(0xabcd);
    expect(m.cpu.cr3).toBe(TABLE_PDPT);
    // A good table: loaded, and the CR3 load flushes the TLB.
    wr32(m, 0x3000c, 0);
    m.cpu.exitHook = undefined;
    runToHalt(m.cpu);
    expect(m.cpu.cr3).toBe(0x30000);
    expect(m.cpu.pdpte[2]).toBe(0x40000 | PTE_P);
  });

  it("#PF error codes and CR2 through the guest's IDT: RSVD, WP, and INVLPG after a PTE change", () => {
    // mov eax,[0x70000]  (PTE 0x70 has bit 36 set)
    const m = pae([0xa1, 0x00, 0x00, 0x07, 0x00, 0xf4], true, (mm) => wr32(mm, TABLE + 8 * 0x70 + 4, 0x10));
    expect(firstEvent(m)).toMatchObject({ vector: 14, errorCode: 0x9, eip: 0x1000 });
    expect(m.cpu.cr2 >>> 0).toBe(0x70000);

    // mov dword [0x61000],1 on a read-only PTE with CR0.WP: #PF(3)
    const wp = pae([0xc7, 0x05, 0x00, 0x10, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0xf4], true, (mm) => wr32(mm, TABLE + 8 * 0x61, 0x61000 | PTE_P));
    wp.cpu.writeCr0(wp.cpu.cr0 | CR0_WP);
    expect(firstEvent(wp)).toMatchObject({ vector: 14, errorCode: 3 });
    expect(wp.cpu.cr2 >>> 0).toBe(0x61000);

    // mov eax,[0x62000]; mov [0x22000+8*0x62],0x63007 (PTE now -> 0x63000); mov ebx,[0x62000];
    // invlpg [0x62000]; mov ecx,[0x62000]; hlt
    const code = [
      0xa1, 0x00, 0x20, 0x06, 0x00,
      0xc7, 0x05, 0x10, 0x23, 0x02, 0x00, 0x07, 0x30, 0x06, 0x00,
      0x8b, 0x1d, 0x00, 0x20, 0x06, 0x00,
      0x0f, 0x01, 0x3d, 0x00, 0x20, 0x06, 0x00,
      0x8b, 0x0d, 0x00, 0x20, 0x06, 0x00, 0xf4,
    ];
    const inv = pae(code, true);
    wr32(inv, 0x62000, 0x62);
    wr32(inv, 0x63000, 0x63);
    runToHalt(inv.cpu);
    expect([inv.cpu.getReg32(0), inv.cpu.getReg32(3), inv.cpu.getReg32(1)]).toEqual([0x62, 0x62, 0x63]);
  });

  it("a page above 4 GiB is a hole: reads are all-ones, writes are dropped, low memory is untouched", () => {
    // mov dword [0x64000],0x11223344; mov eax,[0x64000]; mov bl,[0x64fff]; hlt
    const code = [0xc7, 0x05, 0x00, 0x40, 0x06, 0x00, 0x44, 0x33, 0x22, 0x11, 0xa1, 0x00, 0x40, 0x06, 0x00, 0x8a, 0x1d, 0xff, 0x4f, 0x06, 0x00, 0xf4];
    const m = pae(code, true, (mm) => {
      wr32(mm, TABLE + 8 * 0x64, 0x64000 | ALL);
      wr32(mm, TABLE + 8 * 0x64 + 4, 0x1); // physical 0x1_0006_4000
    });
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(0xffffffff);
    expect(m.cpu.getReg32(3) & 0xff).toBe(0xff);
    expect(rd32(m, 0x64000)).toBe(0);
    expect(rd32(m, TABLE + 8 * 0x64) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(m.cpu.peekLinear(0x64000, 2)).toEqual(Uint8Array.of(0xff, 0xff));
  });

  it("CR4.PAE is #GP(0) on the default model, which does not offer it", () => {
    const m = pm(enable.slice(0, 9));
    expect(firstEvent(m)).toMatchObject({ vector: 13, errorCode: 0, eip: 0x1006 });
  });
});
