/**
 * Small kernel and ROM images that are wrong in one way each, for the bad-input corpus
 * (test/bad-input/cases.toml). They are built here, byte by byte from the formats' own
 * definitions, rather than committed as binaries, so that what is wrong with each can be
 * read: ELF32 (System V ABI, Intel386 supplement), Multiboot 0.6.96 §3.1 headers.
 */

const MULTIBOOT_MAGIC = 0x1badb002;
/** Header flag 16: the a.out kludge, the load addresses are in the header (§3.1.3). */
const AOUT_KLUDGE = 1 << 16;
const LOAD_ADDR = 0x100000;
const HLT = 0xf4;

function le32(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}
function le16(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff);
}

/** The 12 bytes of a Multiboot header without address fields (flags 0: nothing required). */
function multibootHeader(flags: number): number[] {
  const out: number[] = [];
  le32(out, MULTIBOOT_MAGIC);
  le32(out, flags);
  le32(out, (-(MULTIBOOT_MAGIC + flags)) >>> 0);
  return out;
}

/**
 * A Multiboot ELF32 kernel: ELF header (52 bytes), one PT_LOAD program header (32) loading
 * the whole file at `LOAD_ADDR`, the Multiboot header, then a HLT. `entry` is e_entry;
 * `elfClass` 2 makes it a 64-bit ELF (which ringlab must refuse by name).
 */
function elfKernel(entry: number, elfClass = 1): Uint8Array {
  const ehdr: number[] = [0x7f, 0x45, 0x4c, 0x46, elfClass, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  le16(ehdr, 2); // e_type ET_EXEC
  le16(ehdr, 3); // e_machine EM_386
  le32(ehdr, 1); // e_version
  le32(ehdr, entry); // e_entry
  le32(ehdr, 52); // e_phoff
  le32(ehdr, 0); // e_shoff
  le32(ehdr, 0); // e_flags
  le16(ehdr, 52); // e_ehsize
  le16(ehdr, 32); // e_phentsize
  le16(ehdr, 1); // e_phnum
  le16(ehdr, 0); // e_shentsize
  le16(ehdr, 0); // e_shnum
  le16(ehdr, 0); // e_shstrndx
  const body = [...multibootHeader(0), HLT];
  const size = 52 + 32 + body.length;
  const phdr: number[] = [];
  le32(phdr, 1); // p_type PT_LOAD
  le32(phdr, 0); // p_offset
  le32(phdr, LOAD_ADDR); // p_vaddr
  le32(phdr, LOAD_ADDR); // p_paddr
  le32(phdr, size); // p_filesz
  le32(phdr, size); // p_memsz
  le32(phdr, 5); // p_flags R+X
  le32(phdr, 0x1000); // p_align
  return Uint8Array.from([...ehdr, ...phdr, ...body]);
}

/**
 * A Multiboot kernel in the a.out-kludge form: the header (with address fields) at the file's
 * start, loaded at `LOAD_ADDR` to the end of the file, then a HLT; `entry` is entry_addr.
 */
function aoutKernel(entry: number): Uint8Array {
  const out = multibootHeader(AOUT_KLUDGE);
  le32(out, LOAD_ADDR); // header_addr
  le32(out, LOAD_ADDR); // load_addr
  le32(out, 0); // load_end_addr: to the end of the file
  le32(out, 0); // bss_end_addr: no BSS
  le32(out, entry); // entry_addr
  out.push(HLT);
  return Uint8Array.from(out);
}

/** The images by file name, each with what is wrong with it. */
export function badImages(): Record<string, Uint8Array> {
  const elfInside = elfKernel(LOAD_ADDR + 52 + 32 + 12);
  return {
    /** A well-formed ELF kernel, for cases whose mistake is elsewhere (flags, layout). */
    "good.elf": elfInside,
    /** e_entry far above the 32 MiB of RAM. */
    "entry-outside-ram.elf": elfKernel(0x5000000),
    /** e_entry in RAM but not in the loaded segment. */
    "entry-outside-image.elf": elfKernel(0x200000),
    /** ELFCLASS64: a 64-bit kernel. */
    "elf64.elf": elfKernel(LOAD_ADDR, 2),
    /** The ELF kernel cut inside its program header. */
    "truncated.elf": withHeaderAt(elfInside.subarray(0, 60)),
    /** entry_addr in RAM but past the image's end. */
    "entry-outside-image-aout.bin": aoutKernel(0x300000),
    /** entry_addr where no RAM is. */
    "entry-outside-ram-aout.bin": aoutKernel(0xc0000000),
    /** 512 bytes of HLT: the smallest ROM (a multiple of 512 bytes). */
    "rom-512.bin": new Uint8Array(512).fill(HLT),
    /** A raw image of no bytes. */
    "empty.bin": new Uint8Array(0),
  };
}

/**
 * An ELF cut short still needs its Multiboot header to be looked at as ELF: the cut file gets
 * one appended (where the header search finds it), so the ELF truncation is what is reported.
 */
function withHeaderAt(cut: Uint8Array): Uint8Array {
  const pad = (4 - (cut.length % 4)) % 4;
  return Uint8Array.from([...cut, ...new Array<number>(pad).fill(0), ...multibootHeader(0)]);
}
