import { expectCleanCli, scratchFile } from "../cli-run.js";

/**
 * Fuzz target: arbitrary bytes as a machine configuration file (`ringlab config --print -c
 * FILE`): the TOML reader, the schema, the memory layout, device and policy options.
 * Oracle: a bad file is one line naming the file (and key) with status 78 or 64; never a
 * host exception or an internal error. Seeds: the repository's machine configs.
 */
export async function fuzz(data: Uint8Array): Promise<void> {
  const file = scratchFile("vm.toml", data);
  await expectCleanCli(["config", "--print", "-c", file]);
}
