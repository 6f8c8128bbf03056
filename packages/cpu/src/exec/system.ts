import type { Cpu } from "../cpu.js";
import type { Insn } from "../decode/insn.js";
import { fault, unimplemented } from "../exceptions/cpu-fault.js";
import { GP, UD } from "../exceptions/vectors.js";
import { readDescriptor, setSegmentCache } from "../mmu/segmentation.js";
import { VM } from "../state/eflags.js";
import { getStatusFlags, setStatusFlags } from "../state/lazy-flags.js";
import { LDTR, TR } from "../state/registers.js";
import { ATTR_P, ATTR_S, type Descriptor } from "../state/segment-cache.js";
import { cpuidLeaf, cr4WritableBits } from "../model/cpu-model.js";
import { CR0_PG, CR4_PAE, CR4_PGE, CR4_PSE } from "../mmu/paging.js";
import { effOffset, getReg, loadE, readE, setReg, storeE, writeE } from "./operand.js";
import { ZF } from "../state/eflags.js";

/**
 * System instructions (SDM vol.3 ch.2.8 and vol.2): HLT, CPUID, RDTSC, UD2,
 * descriptor-table registers, control and debug registers, LMSW/SMSW/CLTS, INVLPG, caches.
 */

/**
 * Privileged instructions need CPL 0 and are #GP(0) in virtual-8086 mode (SDM vol.3
 * §5.9). True, with the #GP signalled (Cpu.signalFault), when this one may not run: its
 * handler must then return at once. A ring-compressing monitor meets this check on every
 * patched or privileged guest instruction, so it signals instead of throwing.
 */
export function privilegeDenied(cpu: Cpu): boolean {
  if (cpu.cr0 & 1 && (cpu.cpl !== 0 || cpu.eflagsRest & VM)) {
    cpu.signalFault(GP, 0);
    return true;
  }
  return false;
}

export function hlt(cpu: Cpu, _i: Insn): void {
  if (privilegeDenied(cpu)) return;
  cpu.halt();
}

export function ud2(_cpu: Cpu, _i: Insn): void {
  fault(UD);
}

/** An opcode this CPU does not have. */
export function undefinedOpcode(_cpu: Cpu, _i: Insn): void {
  fault(UD);
}

/**
 * CPUID: the leaf in EAX of the CPU's model (model/cpu-model.ts `cpuidLeaf`); ECX is not an
 * input on these parts.
 */
export function cpuid(cpu: Cpu, _i: Insn): void {
  const r = cpu.regs;
  const [a, b, c, d] = cpuidLeaf(cpu.model, r[0]!);
  r[0] = a;
  r[3] = b;
  r[1] = c;
  r[2] = d;
}

/** RDTSC: #GP(0) when CR4.TSD = 1 outside CPL 0. */
export function rdtsc(cpu: Cpu, _i: Insn): void {
  // CR4.TSD: RDTSC is privileged too (SDM vol.2 "RDTSC").
  if (cpu.cr4 & 4 && cpu.cpl !== 0) return cpu.signalFault(GP, 0);
  const t = cpu.readTsc();
  cpu.regs[0] = t % 4294967296 | 0;
  cpu.regs[2] = Math.floor(t / 4294967296) | 0;
}

/** LGDT (op 2) / LIDT (op 3) Ms: a 16-bit operand size keeps 24 bits of base. */
export function lgdt(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  if (i.rm >= 0) fault(UD);
  const lin = cpu.addr(i, 6, false);
  const limit = cpu.rd16(lin);
  let base = cpu.rd32((lin + 2) | 0);
  if (i.opSize === 16) base &= 0xffffff;
  if (i.op === 2) {
    cpu.gdtrLimit = limit;
    cpu.gdtrBase = base | 0;
  } else {
    cpu.idtrLimit = limit;
    cpu.idtrBase = base | 0;
  }
}

/** SGDT (op 0) / SIDT (op 1) Ms. */
export function sgdt(cpu: Cpu, i: Insn): void {
  if (i.rm >= 0) fault(UD);
  const lin = cpu.addr(i, 6, true);
  const limit = i.op === 0 ? cpu.gdtrLimit : cpu.idtrLimit;
  let base = i.op === 0 ? cpu.gdtrBase : cpu.idtrBase;
  if (i.opSize === 16) base &= 0xffffff;
  cpu.wr16(lin, limit);
  cpu.wr32((lin + 2) | 0, base);
}

/** MOV Rd,Cd (0F 20). */
export function movFromCr(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  let v: number;
  switch (i.reg) {
    case 0:
      v = cpu.cr0;
      break;
    case 2:
      v = cpu.cr2;
      break;
    case 3:
      v = cpu.cr3;
      break;
    case 4:
      v = cpu.cr4;
      break;
    default:
      fault(UD);
  }
  cpu.regs[i.rm] = v;
}

/** MOV Cd,Rd (0F 22). */
export function movToCr(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  const v = cpu.regs[i.rm]!;
  switch (i.reg) {
    case 0:
      cpu.writeCr0(v);
      return;
    case 2:
      cpu.cr2 = v;
      return;
    case 3:
      // With PAE paging on, the PDPTEs are loaded from the new table first; a reserved bit
      // in a present one is #GP(0) (SDM vol.3 §4.4.1). A CR3 load flushes the TLB except
      // global pages with CR4.PGE (SDM vol.3 §4.10.4.1).
      if (cpu.cr0 & CR0_PG && cpu.cr4 & CR4_PAE) cpu.loadPdptes(v);
      cpu.cr3 = v;
      if (cpu.pager !== null) {
        cpu.pager.cr3Loaded(cpu.cr4);
        // Decoded code waits for a fetch to show whether its page still maps the same
        // physical page (decode/code-cache.ts): most of it, the kernel's, does.
        cpu.code.park();
      }
      return;
    case 4: {
      // Only bits whose feature the model reports (VME/PVI, TSD, DE, PSE, PAE, PGE: see
      // cr4WritableBits); any other bit is #GP(0) (SDM vol.3 §2.5).
      if (v & ~cr4WritableBits(cpu.model)) fault(GP, 0);
      const changed = cpu.cr4 ^ v;
      // Changing PAE, PGE or PSE with PAE paging on afterwards reloads the PDPTEs (SDM
      // vol.3 §4.4.1): a bad one is #GP(0), CR4 unchanged.
      if (v & CR4_PAE && cpu.cr0 & CR0_PG && changed & (CR4_PAE | CR4_PGE | CR4_PSE)) cpu.loadPdptes(cpu.cr3);
      cpu.cr4 = v;
      if (changed & (CR4_PAE | CR4_PGE | CR4_PSE)) cpu.pagingChanged();
      return;
    }
    default:
      fault(UD);
  }
}

/** CR4.DE: debugging extensions (SDM vol.3 §2.5). */
export const CR4_DE = 8;

/**
 * The debug register a MOV names. SDM vol.3 §17.2.2: DR4 and DR5 alias DR6 and DR7 while
 * CR4.DE = 0; with CR4.DE = 1 naming them is #UD (checked after the privilege check, as the
 * SDM's MOV DRn pseudo-code orders them).
 */
function debugRegister(cpu: Cpu, n: number): number {
  if (n !== 4 && n !== 5) return n;
  if (cpu.cr4 & CR4_DE) fault(UD);
  return n + 2;
}

/** MOV Rd,Dd / Dd,Rd (0F 21 / 0F 23): stored only; breakpoints are not modelled yet. */
export function movFromDr(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  cpu.regs[i.rm] = cpu.dr[debugRegister(cpu, i.reg)]!;
}

export function movToDr(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  cpu.dr[debugRegister(cpu, i.reg)] = cpu.regs[i.rm]!;
}

/** CLTS: clears CR0.TS. */
export function clts(cpu: Cpu, _i: Insn): void {
  if (privilegeDenied(cpu)) return;
  cpu.cr0 &= ~8;
}

/** SMSW Ew: a register destination gets all of CR0 (as QEMU), memory the low 16 bits. */
export function smsw(cpu: Cpu, i: Insn): void {
  if (i.rm >= 0) setReg(cpu, i.rm, i.opSize, cpu.cr0);
  else storeE(cpu, i, 16, cpu.cr0);
}

/** LMSW Ew: loads PE, MP, EM, TS; it cannot clear PE (SDM vol.2 "LMSW"). */
export function lmsw(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  const v = loadE(cpu, i, 16);
  cpu.writeCr0((cpu.cr0 & ~0xe) | (v & 0xf) | (cpu.cr0 & 1));
}

/** INVLPG M, INVD, WBINVD: no TLB or cache is modelled yet, so only the privilege check. */
export function invlpg(cpu: Cpu, i: Insn): void {
  if (privilegeDenied(cpu)) return;
  if (i.rm >= 0) fault(UD);
  if (cpu.pager === null) return;
  // The page of the operand's linear address; no segment limit check (SDM vol.2 "INVLPG").
  const lin = (cpu.segBase[i.seg]! + effOffset(cpu, i)) | 0;
  cpu.pager.invalidate(lin);
  cpu.code.invalidatePage(lin >>> 12);
}

export function wbinvd(cpu: Cpu, _i: Insn): void {
  if (privilegeDenied(cpu)) return;
}

/** SLDT (op 0) / STR (op 1) Ew. */
export function sldt(cpu: Cpu, i: Insn): void {
  if (!(cpu.cr0 & 1) || cpu.eflagsRest & VM) fault(UD);
  const sel = cpu.segSel[i.op === 0 ? LDTR : TR]!;
  if (i.rm >= 0) setReg(cpu, i.rm, i.opSize, sel);
  else storeE(cpu, i, 16, sel);
}

const scratch: Descriptor = { base: 0, limit: 0, attr: 0 };

/** LLDT (op 2) / LTR (op 3) Ew (SDM vol.2 "LLDT", "LTR"); LTR marks the TSS busy. */
export function lldt(cpu: Cpu, i: Insn): void {
  if (!(cpu.cr0 & 1) || cpu.eflagsRest & VM) fault(UD);
  if (privilegeDenied(cpu)) return;
  const sel = loadE(cpu, i, 16);
  const seg = i.op === 2 ? LDTR : TR;
  if ((sel & 0xfffc) === 0) {
    if (seg === TR) fault(GP, 0);
    cpu.segSel[LDTR] = sel;
    cpu.segAttr[LDTR] = 0;
    return;
  }
  if (sel & 4) fault(GP, sel & 0xfffc);
  const d = readDescriptor(cpu, sel, (a) => cpu.rd32(a), scratch);
  const type = d.attr & (ATTR_S | 0xf);
  if (seg === LDTR ? type !== 2 : type !== 1 && type !== 9) fault(GP, sel & 0xfffc);
  if (!(d.attr & ATTR_P)) fault(11, sel & 0xfffc);
  if (seg === TR) {
    // Set the busy bit in the GDT descriptor (type 1 -> 3, 9 -> 11).
    const at = (cpu.gdtrBase + (sel & 0xfff8) + 5) | 0;
    cpu.wr8(at, cpu.rd8(at) | 2);
    d.attr |= 2;
  }
  setSegmentCache(cpu, seg, sel, d);
}

/** ARPL Ew,Gw: raises the RPL of the destination selector to the source's (ZF = 1 if changed). */
export function arpl(cpu: Cpu, i: Insn): void {
  if (!(cpu.cr0 & 1) || cpu.eflagsRest & VM) fault(UD);
  // The destination is written only when its RPL changes: a read-only segment faults only
  // then (a 386 does not write otherwise; test386 checks it).
  const dst = readE(cpu, i, false);
  const src = getReg(cpu, i.reg, 16);
  const f = getStatusFlags(cpu);
  if ((dst & 3) < (src & 3)) {
    storeE(cpu, i, 16, (dst & ~3) | (src & 3));
    setStatusFlags(cpu, f | ZF);
  } else {
    setStatusFlags(cpu, f & ~ZF);
  }
}

