import { expectCleanCli, scratchFile } from "../cli-run.js";

/**
 * Fuzz target: arbitrary bytes given to `ringlab run` as the kernel image — the Multiboot
 * (ELF32 and a.out kludge) and Linux bzImage loaders, then a short run of whatever loads.
 * Oracle: a bad image is one line and status 65 (or another documented status); never a
 * host exception or an internal error. Seeds: the project's own guest images.
 */
export async function fuzz(data: Uint8Array): Promise<void> {
  const image = scratchFile("image.bin", data);
  await expectCleanCli(["run", image, "--max-instructions", "20000", "--screen", "none", "--no-progress"]);
}
