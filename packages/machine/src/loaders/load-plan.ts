import type { SetupHeader } from "./linux-setup-header.js";

/** One piece of an image to place in guest physical memory. */
export interface LoadSegment {
  /** Physical load address. */
  addr: number;
  /** Bytes copied from the image. */
  data: Uint8Array;
  /** Bytes the segment occupies in memory: `data` then zeros (BSS) up to this size. */
  memSize: number;
}

/** What a loader decided: where the image goes and where the CPU starts. */
export interface LoadPlan {
  /** The image's name for messages (its file name). */
  image: string;
  format: "multiboot-elf" | "multiboot-aout" | "linux" | "raw";
  segments: LoadSegment[];
  /** Entry EIP. */
  entry: number;
  /**
   * Where the entry point came from, to name it when it is wrong: a field of the image
   * (`ELF header e_entry`, `Multiboot header entry_addr`), or a flag of the user's
   * (`--entry`). Default: the image's "entry point".
   */
  entryFrom?: { field: string; by: "image" | "user" };
  /** A Linux bzImage: its setup header, and the image's first sector (with the header in it). */
  linux?: { header: SetupHeader; bootSector: Uint8Array };
}
