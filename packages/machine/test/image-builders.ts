/** Small image writers for loader tests: a valid file is built, then broken on purpose. */

/** An ELF32 i386 ET_EXEC with one PT_LOAD per segment (data at its file offset). */
export function elf32(opts: {
  entry: number;
  segments: { paddr: number; data: number[]; memsz?: number }[];
  machine?: number;
  klass?: number;
  type?: number;
  prefix?: number[];
}): Uint8Array {
  const phoff = 52;
  const phnum = opts.segments.length;
  let dataOff = phoff + phnum * 32;
  const prefixOff = dataOff;
  dataOff += (opts.prefix ?? []).length;
  const offsets: number[] = [];
  for (const s of opts.segments) {
    offsets.push(dataOff);
    dataOff += s.data.length;
  }
  const out = new Uint8Array(dataOff);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, opts.klass ?? 1, 1, 1]);
  v.setUint16(16, opts.type ?? 2, true);
  v.setUint16(18, opts.machine ?? 3, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, opts.entry, true);
  v.setUint32(28, phoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, phnum, true);
  out.set(opts.prefix ?? [], prefixOff);
  opts.segments.forEach((s, i) => {
    const o = phoff + i * 32;
    v.setUint32(o, 1, true);
    v.setUint32(o + 4, offsets[i]!, true);
    v.setUint32(o + 8, s.paddr, true);
    v.setUint32(o + 12, s.paddr, true);
    v.setUint32(o + 16, s.data.length, true);
    v.setUint32(o + 20, s.memsz ?? s.data.length, true);
    out.set(s.data, offsets[i]!);
  });
  return out;
}

/** The 12-byte Multiboot header (magic, flags, checksum) plus optional address fields. */
export function multibootHeader(flags: number, address?: number[]): number[] {
  const words = [0x1badb002, flags, (-(0x1badb002 + flags)) >>> 0, ...(address ?? [])];
  return words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]);
}

/** An a.out-kludge flat kernel loaded at `loadAddr`, header first, then `code`. */
export function aoutKernel(opts: { loadAddr: number; code: number[]; bss?: number; entryOffset?: number }): Uint8Array {
  const headerLen = 32;
  const total = headerLen + opts.code.length;
  const header = multibootHeader(1 << 16, [
    opts.loadAddr, // header_addr: header is the first thing loaded
    opts.loadAddr,
    opts.loadAddr + total,
    opts.loadAddr + total + (opts.bss ?? 0),
    opts.loadAddr + headerLen + (opts.entryOffset ?? 0),
  ]);
  return Uint8Array.from([...header, ...opts.code]);
}

/**
 * A minimal bzImage (Linux boot protocol, Documentation/arch/x86/boot.rst): a boot sector
 * whose setup header says "HdrS", `setupSects` setup sectors, then the protected-mode code.
 */
export function bzImage(opts: {
  pm: number[];
  version?: number;
  setupSects?: number;
  loadflags?: number;
  xloadflags?: number;
  initSize?: number;
  relocatable?: boolean;
  prefAddress?: number;
  cmdlineSize?: number;
  initrdAddrMax?: number;
  magic?: number;
}): Uint8Array {
  const sects = opts.setupSects ?? 2;
  const out = new Uint8Array((sects + 1) * 512 + opts.pm.length);
  const v = new DataView(out.buffer);
  v.setUint8(0x1f1, sects);
  v.setUint32(0x1f4, Math.ceil(opts.pm.length / 16), true);
  v.setUint16(0x1fe, 0xaa55, true);
  out.set([0xeb, 0x66], 0x200); // jmp over the header: it ends at 0x202 + 0x66 = 0x268
  v.setUint32(0x202, opts.magic ?? 0x53726448, true);
  v.setUint16(0x206, opts.version ?? 0x020f, true);
  v.setUint8(0x211, opts.loadflags ?? 0x01);
  v.setUint32(0x214, 0x100000, true);
  v.setUint32(0x22c, opts.initrdAddrMax ?? 0x7fffffff, true);
  v.setUint32(0x230, 0x200000, true);
  v.setUint8(0x234, opts.relocatable ? 1 : 0);
  v.setUint16(0x236, opts.xloadflags ?? 0, true);
  v.setUint32(0x238, opts.cmdlineSize ?? 2047, true);
  v.setBigUint64(0x258, BigInt(opts.prefAddress ?? 0x100000), true);
  v.setUint32(0x260, opts.initSize ?? 0x10000, true);
  out.set(opts.pm, (sects + 1) * 512);
  return out;
}
