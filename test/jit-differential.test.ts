import "reflect-metadata";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import {
  CollectingConsole,
  type GuestEvent,
  type RunOutcome,
  bootKernel,
  builtinRegistry,
  createMachine,
  planMultiboot,
} from "@ringlab/machine";
import { describe, expect, it } from "vitest";
import { GUESTS_DIR, guestCpu, guestNames } from "./lib/guest-list.js";

interface Run {
  output: string;
  outcome: RunOutcome;
  instructions: number;
  events: GuestEvent[];
  regs: number[];
  eflags: number;
  ram: string;
  blocks: number;
  /** The monitor's exits by reason and instruction. */
  exits: string;
}

/** Boots a guest image under `engine` as `ringlab run --engine` does; returns what must agree. */
function boot(image: string, engine: "interp" | "jit", policy: string = "pure"): Run {
  const console = new CollectingConsole();
  const model = guestCpu(image.split("/")[0]!);
  // Translate a block once it ran twice: these guests are short, and the default threshold,
  // tuned for long runs, would leave much of them interpreted.
  const cpu = { engine, jitThreshold: 2, ...(model === undefined ? {} : { model }) };
  const m = createMachine({ maxInstructions: 100_000_000, cpu, monitor: { policy } }, builtinRegistry(), { console });
  const path = GUESTS_DIR + image;
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))), { loaderName: "ringlab" });
  const outcome = m.run();
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(m.cpu.getReg32(r));
  regs.push(m.cpu.eip);
  return {
    output: console.text(),
    outcome,
    instructions: m.clock.instructions,
    events: Array.from({ length: m.events.length }, (_, i) => m.events.at(i)),
    regs,
    eflags: m.cpu.getEflags(),
    ram: createHash("sha256").update(m.bus.memory.ram8).digest("hex"),
    blocks: m.cpu.jitEngine?.blocksBuilt ?? 0,
    exits: JSON.stringify(m.monitor.stats.rows()),
  };
}

/** Every project guest's images (cpubench at its short length: the full one is the benchmark). */
const IMAGES = [
  "cpubench/cpubench-100k.bin",
  ...guestNames()
    .filter((g) => g !== "cpubench")
    .map((g) => `${g}/${g}.bin`),
  "pae/pae-strict.bin",
  "irq-boundary/irq-boundary-disputed.bin",
  "syscallbench/syscallbench-nopaging.bin",
  "idle/idle-halt-masked.bin",
].filter((p) => existsSync(GUESTS_DIR + p));

/**
 * The block JIT against the interpreter (the reference): every project guest must print the
 * same, end the same way, retire the same number of instructions, receive every interrupt
 * and exception at the same instruction (the event log), and leave the same registers and
 * memory. The JIT must also have translated something, or the test proves nothing.
 */
/**
 * Under the deprivileging policies the JIT runs the guest kernel's scanned and patched code:
 * a patched site, like every sensitive or privileged instruction, is left to the interpreter
 * and exits there, so the exits must be the same ones too.
 */
const POLICIES: string[] = ["pure", "scan-patch", "pvi"];

describe("the block JIT runs every project guest exactly as the interpreter", () => {
  for (const policy of POLICIES) {
    for (const image of IMAGES) {
      it(`${policy}: ${image}: same output, outcome, count, event log, registers, memory and exits`, () => {
        const a = boot(image, "interp", policy);
        const b = boot(image, "jit", policy);
        expect(b.output).toBe(a.output);
        expect(b.outcome).toEqual(a.outcome);
        expect(b.instructions).toBe(a.instructions);
        expect(b.events.length).toBe(a.events.length);
        expect(b.events).toEqual(a.events);
        expect(b.regs).toEqual(a.regs);
        expect(b.eflags).toBe(a.eflags);
        expect(b.ram).toBe(a.ram);
        expect(b.exits).toBe(a.exits);
        expect(b.blocks).toBeGreaterThan(0);
      }, 120_000);
    }
  }
});
