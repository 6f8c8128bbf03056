import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ringlab/testkit";
import type { GuestImage } from "../src/protocol.js";

/** A project guest image from test/guests, as the page would send it. */
export function guest(name: string): GuestImage {
  return { name: `${name}.bin`, bytes: new Uint8Array(readFileSync(join(REPO_ROOT, "test/guests", name, `${name}.bin`))) };
}
