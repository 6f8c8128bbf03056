import { formatAddress } from "@ringlab/sdk";
import { ImageError } from "./image-error.js";
import type { LoadPlan, LoadSegment } from "./load-plan.js";

/** ELF identification and header constants (System V ABI, Intel386 supplement). */
const ELF_MAGIC = 0x464c457f; // "\x7fELF" little-endian
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const EM_386 = 3;
const PT_LOAD = 1;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) === ELF_MAGIC;
}

/**
 * Reads the loadable segments of an ELF32 i386 executable. Segments load at their physical
 * address (p_paddr), as Multiboot loaders do (GRUB uses p_paddr), which lets higher-half
 * kernels link virtual addresses while loading low.
 */
export function parseElf32(image: string, bytes: Uint8Array): Omit<LoadPlan, "format"> {
  if (!isElf(bytes)) throw new ImageError(image, "not an ELF file (no \\x7fELF magic)");
  if (bytes.length < EHDR_SIZE) throw new ImageError(image, `truncated ELF header (${bytes.length} of ${EHDR_SIZE} bytes)`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== ELFCLASS32) throw new ImageError(image, `ELF class ${bytes[4]} is not ELFCLASS32: expected a 32-bit i386 kernel`);
  if (bytes[5] !== ELFDATA2LSB) throw new ImageError(image, "ELF data encoding is not little-endian");
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (machine !== EM_386) throw new ImageError(image, `ELF machine ${machine} is not EM_386 (3): expected an i386 kernel`);
  if (type !== ET_EXEC) throw new ImageError(image, `ELF type ${type} is not ET_EXEC (2): expected a linked executable`);
  const entry = v.getUint32(24, true);
  const phoff = v.getUint32(28, true);
  const phentsize = v.getUint16(42, true);
  const phnum = v.getUint16(44, true);
  if (phnum === 0) throw new ImageError(image, "ELF has no program headers");
  if (phentsize < PHDR_SIZE) throw new ImageError(image, `ELF program header size ${phentsize} is below ${PHDR_SIZE}`);
  if (phoff + phnum * phentsize > bytes.length) throw new ImageError(image, "truncated: program headers run past the end of the file");
  const segments: LoadSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (v.getUint32(o, true) !== PT_LOAD) continue;
    const offset = v.getUint32(o + 4, true);
    const paddr = v.getUint32(o + 12, true);
    const filesz = v.getUint32(o + 16, true);
    const memsz = v.getUint32(o + 20, true);
    if (memsz === 0) continue;
    if (filesz > memsz) throw new ImageError(image, `segment ${i} at ${formatAddress(paddr)} has file size ${filesz} above its memory size ${memsz}`);
    if (offset + filesz > bytes.length) {
      throw new ImageError(image, `truncated: segment ${i} needs bytes ${offset}..${offset + filesz} of a ${bytes.length}-byte file`);
    }
    segments.push({ addr: paddr, data: bytes.subarray(offset, offset + filesz), memSize: memsz });
  }
  if (segments.length === 0) throw new ImageError(image, "ELF has no loadable (PT_LOAD) segment");
  return { image, segments, entry, entryFrom: { field: "ELF header e_entry", by: "image" } };
}
