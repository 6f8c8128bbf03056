import type { Bus } from "@ringlab/sdk";
import { CodeCache } from "../decode/code-cache.js";
import type { Insn } from "../decode/insn.js";
import { CpuState } from "../state/cpu-state.js";
import { checkSegmentAccess } from "./segmentation.js";

/**
 * Memory as the CPU sees it: linear addresses, read and written through the bus's per-page
 * direct tables (the fast path) or its slow `read`/`write` (MMIO, unmapped, ROM, accesses
 * crossing a page). Paging is not modelled yet, so linear = physical; the system-architecture
 * work adds translation (paging.ts, tlb.ts) in these methods. Every write checks whether the
 * page holds decoded code and drops it (self-modifying code).
 *
 * 8/16-bit reads return unsigned values, 32-bit reads a signed int32.
 */
export class CpuMemory extends CpuState {
  readonly bus: Bus;
  readonly code = new CodeCache();
  /** Linear address of the last memory operand read by a read-modify-write instruction. */
  eaddr = 0;
  private readonly rp: (Uint8Array | null)[];
  private readonly wp: (Uint8Array | null)[];
  private readonly po: Int32Array;
  private readonly hasCode: Uint8Array;

  constructor(bus: Bus) {
    super();
    this.bus = bus;
    this.rp = bus.memory.readPages;
    this.wp = bus.memory.writePages;
    this.po = bus.memory.pageOffsets;
    this.hasCode = this.code.hasCode;
  }

  /**
   * Linear address of instruction `i`'s memory operand for an access of `len` bytes,
   * after the segment checks (none for flat data segments).
   */
  addr(i: Insn, len: number, write: boolean): number {
    const r = this.regs;
    let off = (r[i.base]! + (r[i.index]! << i.scale) + i.disp) | 0;
    if (i.a16) off &= 0xffff;
    const seg = i.seg;
    if (this.segCheck[seg] !== 0) checkSegmentAccess(this, seg, off, len, write);
    return (this.segBase[seg]! + off) | 0;
  }

  /** Linear address of `seg:off` for `len` bytes, checked. */
  segAddr(seg: number, off: number, len: number, write: boolean): number {
    if (this.segCheck[seg] !== 0) checkSegmentAccess(this, seg, off, len, write);
    return (this.segBase[seg]! + off) | 0;
  }

  rd8(lin: number): number {
    const page = lin >>> 12;
    const b = this.rp[page]!;
    if (b !== null) return b[this.po[page]! + (lin & 0xfff)]!;
    return this.bus.memory.read(lin >>> 0, 1);
  }

  rd16(lin: number): number {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.rp[page]!;
    if (b !== null && off !== 0xfff) {
      const o = this.po[page]! + off;
      return b[o]! | (b[o + 1]! << 8);
    }
    return this.rdSlow(lin, 2);
  }

  rd32(lin: number): number {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.rp[page]!;
    if (b !== null && off <= 0xffc) {
      const o = this.po[page]! + off;
      return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
    }
    return this.rdSlow(lin, 4) | 0;
  }

  wr8(lin: number, v: number): void {
    const page = lin >>> 12;
    if (this.hasCode[page] !== 0) this.code.invalidatePage(page);
    const b = this.wp[page]!;
    if (b !== null) b[this.po[page]! + (lin & 0xfff)] = v;
    else this.bus.memory.write(lin >>> 0, 1, v & 0xff);
  }

  wr16(lin: number, v: number): void {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.wp[page]!;
    if (b !== null && off !== 0xfff) {
      if (this.hasCode[page] !== 0) this.code.invalidatePage(page);
      const o = this.po[page]! + off;
      b[o] = v;
      b[o + 1] = v >> 8;
      return;
    }
    this.wrSlow(lin, 2, v);
  }

  wr32(lin: number, v: number): void {
    const page = lin >>> 12;
    const off = lin & 0xfff;
    const b = this.wp[page]!;
    if (b !== null && off <= 0xffc) {
      if (this.hasCode[page] !== 0) this.code.invalidatePage(page);
      const o = this.po[page]! + off;
      b[o] = v;
      b[o + 1] = v >> 8;
      b[o + 2] = v >> 16;
      b[o + 3] = v >> 24;
      return;
    }
    this.wrSlow(lin, 4, v);
  }

  /** Reads `len` bytes that cross a page or touch a page without a direct array. */
  private rdSlow(lin: number, len: 2 | 4): number {
    const a = lin >>> 0;
    if ((a & 0xfff) + len <= 0x1000) return this.bus.memory.read(a, len);
    let v = 0;
    for (let k = 0; k < len; k++) v |= this.rd8((lin + k) | 0) << (8 * k);
    return len === 4 ? v >>> 0 : v;
  }

  private wrSlow(lin: number, len: 2 | 4, v: number): void {
    const a = lin >>> 0;
    if ((a & 0xfff) + len <= 0x1000) {
      const page = a >>> 12;
      if (this.hasCode[page] !== 0) this.code.invalidatePage(page);
      this.bus.memory.write(a, len, len === 4 ? v >>> 0 : v & 0xffff);
      return;
    }
    for (let k = 0; k < len; k++) this.wr8((lin + k) | 0, (v >>> (8 * k)) & 0xff);
  }
}
