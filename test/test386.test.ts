import "reflect-metadata";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PostCodes } from "@ringlab/devices-debug";
import { CollectingConsole, DEFAULT_DEVICES, builtinRegistry, createMachine, mapRomImage } from "@ringlab/machine";
import { describe, expect, it } from "vitest";

/** test386.asm, built for a real 386 (see ../shared/external/test386/README.md). */
const dir = fileURLToPath(new URL("../../shared/external/test386/", import.meta.url));

/** The POST codes test386 writes to port 0x190 when every stage passes, in order. */
const ALL_STAGES = "00 01 02 03 04 05 06 08 09 20 21 22 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C E0 EE FF".split(" ");

/**
 * The last stage ringlab must reach: all of them. (Bochs 2.7 stops at 0x17, QEMU 7.2 at 0x20
 * on this 386-built ROM.) Reaching 0xFF also makes the stage-0xEE output comparison below
 * mandatory.
 */
const MUST_REACH = "FF";

describe("test386.asm from the reset vector", () => {
  it("passes every stage in order, and its stage-0xEE output equals the reference", () => {
    const rom = `${dir}test386.bin`;
    if (!existsSync(rom)) {
      throw new Error(`${rom} is missing: this test needs ../shared/external/test386 beside the repository`);
    }
    const console = new CollectingConsole();
    const m = createMachine(
      {
        memory: { size: "2M" },
        maxInstructions: 300_000_000,
        devices: [...DEFAULT_DEVICES, { plugin: "post-codes", options: { port: 0x190 } }],
      },
      builtinRegistry(),
      { console },
    );
    mapRomImage(m.bus, rom, new Uint8Array(readFileSync(rom)), 0xe0000);
    const outcome = m.run();
    const codes = m.device<PostCodes>("post-codes").codes().map((c) => c.toString(16).toUpperCase().padStart(2, "0"));

    expect(codes, `stopped with ${JSON.stringify(outcome)}`).toEqual(ALL_STAGES.slice(0, codes.length));
    expect(codes.length, `POST codes ${codes.join(" ")}; ${JSON.stringify(outcome)}`).toBeGreaterThanOrEqual(
      ALL_STAGES.indexOf(MUST_REACH) + 1,
    );
    if (codes.at(-1) === "FF") {
      // Every stage passed: stage 0xEE's unchecked results must equal the reference.
      const reference = readFileSync(`${dir}test386-EE-reference.txt`, "latin1").replace(/\r/g, "");
      expect(console.text().replace(/\r/g, "")).toBe(reference);
    }
  });
});
