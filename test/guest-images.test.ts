import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeNeeds, extraPath } from "@ringlab/testkit";
import { afterAll, expect, it } from "vitest";
import { ELF_GUESTS, GUESTS_DIR, guestImages } from "./lib/guest-list.js";

/**
 * The committed guest images are what nasm builds from the committed sources, byte for byte
 * (test/guests/build.sh rebuilds them; nasm's flat binaries carry no timestamps or paths),
 * so the images every other test boots are the sources anyone can read. Needs nasm.
 */
describeNeeds("nasm", "the guest images are what nasm builds from their sources", () => {
  const out = mkdtempSync(join(tmpdir(), "ringlab-guests-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const { image, source, defines } of guestImages()) {
    it(`${image} (nasm ${[...defines, source].join(" ")})`, () => {
      const built = join(out, image.replace(/\//g, "_"));
      const r = spawnSync(extraPath("nasm"), ["-f", "bin", "--reproducible", "-I", "common/", ...defines, "-o", built, source], { cwd: GUESTS_DIR, encoding: "utf8" });
      expect(r.error?.message ?? r.stderr, "nasm printed errors or warnings").toBe("");
      expect(r.status).toBe(0);
      const want = readFileSync(join(GUESTS_DIR, image));
      const got = readFileSync(built);
      const first = got.findIndex((b, i) => b !== want[i]);
      expect({ size: got.length, firstDifference: first < 0 && got.length === want.length ? "none" : first }, `rebuild the images with test/guests/build.sh`).toEqual({ size: want.length, firstDifference: "none" });
    });
  }
});

/** The ELF guests (with symbols, for gdb) are what their build-elf.sh links: nasm and GNU ld. */
describeNeeds(["nasm", "objdump"], "the ELF guests are what nasm and ld build from their sources", () => {
  for (const g of ELF_GUESTS) {
    it(`${g}/${g}.elf (${g}/build-elf.sh)`, () => {
      const out = mkdtempSync(join(tmpdir(), "ringlab-elf-"));
      try {
        const built = join(out, `${g}.elf`);
        const r = spawnSync("sh", [join(GUESTS_DIR, g, "build-elf.sh"), built], { encoding: "utf8" });
        expect(r.stderr, "build-elf.sh printed errors or warnings").toBe("");
        expect(r.status).toBe(0);
        expect(readFileSync(built).equals(readFileSync(join(GUESTS_DIR, g, `${g}.elf`))), `rebuild with test/guests/${g}/build-elf.sh`).toBe(true);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
