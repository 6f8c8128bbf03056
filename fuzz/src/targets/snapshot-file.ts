import { expectCleanCli, scratchFile } from "../cli-run.js";

/**
 * Fuzz target: arbitrary bytes as a snapshot file (`ringlab resume FILE`): the container
 * (magic, version, header, zlib body, SHA-256) and, when the bytes get that far, the
 * machine, CPU, monitor and device states. Oracle: a corrupt or foreign snapshot is one line
 * (65 or 80); never a host exception or an internal error. Seeds: snapshots of the demo.
 */
export async function fuzz(data: Uint8Array): Promise<void> {
  const file = scratchFile("s.snap", data);
  await expectCleanCli(["resume", file, "--max-instructions", "200000", "--screen", "none", "--no-progress"]);
}
