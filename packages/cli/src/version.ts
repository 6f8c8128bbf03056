import { createRequire } from "node:module";

/** This ringlab's version (packages/cli/package.json): what `--version` prints and a snapshot records. */
export const RINGLAB_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
