import "reflect-metadata";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CollectingConsole,
  type GuestEvent,
  type RunOutcome,
  bootKernel,
  builtinRegistry,
  createMachine,
  planMultiboot,
} from "@ringlab/machine";
import { builtinPolicies, type ExitReason, type MonitorCounters } from "@ringlab/monitor";
import type { Vga } from "@ringlab/devices-vga";
import { describe, expect, it } from "vitest";
import { guestCpu } from "./lib/guest-list.js";

const guestsDir = fileURLToPath(new URL("./guests/", import.meta.url));

interface Run {
  output: string;
  screen: string;
  outcome: RunOutcome;
  instructions: number;
  exits: Partial<Record<ExitReason, number>>;
  rows: { reason: ExitReason; instruction: string; count: number }[];
  counters: MonitorCounters;
  /** Every interrupt and exception the guest received. */
  events: GuestEvent[];
}

/**
 * Boots a guest from test/guests under `policy` the way `ringlab run --policy` does (with
 * `--cpu` from the guest's `cpu` file, if it has one).
 */
function boot(image: string, policy: string, patch = true, maxSlice?: number, options: Record<string, unknown> = {}): Run {
  const console = new CollectingConsole();
  const model = guestCpu(image.split("/")[0]!);
  const cpu = model === undefined ? {} : { cpu: { model } };
  const m = createMachine({ maxInstructions: 100_000_000, monitor: { policy, patch, options }, ...cpu }, builtinRegistry(), { console });
  if (maxSlice !== undefined) m.maxSlice = maxSlice;
  const path = guestsDir + image;
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))), { loaderName: "ringlab" });
  const outcome = m.run();
  return {
    output: console.text(),
    screen: m.device<Vga>("vga").screenText(),
    outcome,
    instructions: m.clock.instructions,
    exits: m.monitor.stats.byReason(),
    rows: m.monitor.stats.rows(),
    counters: m.monitor.counters(),
    events: Array.from({ length: m.events.length }, (_, i) => m.events.at(i)),
  };
}

/**
 * Every registered policy but the reference, from the registry (a new policy is tested
 * without being listed here), and the option variants worth a full run.
 */
const DEPRIVILEGED: { label: string; policy: string; options?: Record<string, unknown> }[] = [
  ...builtinPolicies()
    .names()
    .filter((n) => n !== "pure")
    .map((n) => ({ label: n, policy: n })),
  { label: "scan-patch:ring=3", policy: "scan-patch", options: { ring: 3 } },
  { label: "vtx:paging=nested", policy: "vtx", options: { paging: "nested" } },
];

/** The policies that deprivilege the guest kernel and patch its sensitive instructions. */
const DEPRIVILEGING = new Set(["scan-patch", "pvi"]);

const GUESTS = ["nullkernel-polled", "nullkernel-preempt", "sensitive", "demo", "monitor-torture", "monitor-torture2", "irq-boundary", "fpubench", "pae", "syscallbench", "idle"];

/**
 * DESIGN.md: "the guest must not be able to tell which policy runs it". Every guest prints
 * exactly what it prints under QEMU under every policy, shows the same screen, retires the
 * same number of instructions and receives every interrupt and exception at the same
 * instruction, with the same vector, CS:EIP and error code (the event log).
 */
describe("the guests cannot tell the monitor policies apart", () => {
  for (const guest of GUESTS) {
    it(`${guest}: same output, screen, instruction count and event log under pure, ${DEPRIVILEGED.map((d) => d.label).join(", ")}`, () => {
      const expected = readFileSync(`${guestsDir}${guest}/expected.txt`, "latin1");
      const pure = boot(`${guest}/${guest}.bin`, "pure");
      expect(pure.output).toBe(expected);
      expect(pure.outcome).toMatchObject({ kind: "exit", status: 0 });
      expect(pure.rows).toEqual([]);
      for (const { label: policy, policy: name, options } of DEPRIVILEGED) {
        const r = boot(`${guest}/${guest}.bin`, name, true, undefined, options);
        expect(r.output, policy).toBe(expected);
        expect(r.screen, policy).toBe(pure.screen);
        expect(r.instructions, policy).toBe(pure.instructions);
        expect(r.outcome, policy).toEqual(pure.outcome);
        expect(r.events.length, policy).toBe(pure.events.length);
        expect(r.events, policy).toEqual(pure.events);
        // The guest ran directly and the policy intercepted something.
        expect(r.counters.direct, policy).toBeGreaterThan(0);
        expect(r.counters.direct + r.counters.emulated, policy).toBe(r.instructions);
        expect(r.rows.length, policy).toBeGreaterThan(0);
        expect(r.counters.patched, policy).toBeGreaterThan(0);
        // ... its sensitive instructions were caught, for those that deprivilege the kernel.
        if (DEPRIVILEGING.has(name)) expect(r.exits["sensitive-instruction"] ?? 0, policy).toBeGreaterThan(0);
      }
    });
  }

  // irq-boundary built with -DDISPUTED adds STI; MOV SS, STI; POP SS, MOV SS; STI and
  // STI; MOV SS; MOV SS with a request pending: the SDM lets the second interrupt-delaying
  // instruction delay or not (QEMU: not; Bochs: yes but for a second MOV SS in a row;
  // test/guests/README.md), but a guest must see the same choice under every policy.
  // ringlab's choice: each one delays (cpu.ts, service); the monitors' emulated steps go
  // through the same rule.
  it("irq-boundary -DDISPUTED: the consecutive-shadow cases come out the same under every policy", () => {
    const pure = boot("irq-boundary/irq-boundary-disputed.bin", "pure");
    expect(pure.outcome).toMatchObject({ kind: "exit", status: 0 });
    for (const policy of ["scan-patch", "pvi", "vtx"] as const) {
      const r = boot("irq-boundary/irq-boundary-disputed.bin", policy);
      expect(r.output, policy).toBe(pure.output);
      expect(r.events, policy).toEqual(pure.events);
    }
  });

  // pae -DSTRICT (reserved-bit #PF error codes with P, the PDPTE #GP(0)): Bochs's output,
  // and the same events under every policy.
  it("pae -DSTRICT: expected-strict.txt and the same event log under every policy", () => {
    const expected = readFileSync(`${guestsDir}pae/expected-strict.txt`, "latin1");
    const pure = boot("pae/pae-strict.bin", "pure");
    expect(pure.output).toBe(expected);
    for (const policy of ["scan-patch", "pvi", "vtx"] as const) {
      const r = boot("pae/pae-strict.bin", policy);
      expect(r.output, policy).toBe(expected);
      expect(r.instructions, policy).toBe(pure.instructions);
      expect(r.events, policy).toEqual(pure.events);
    }
  });

  it("cpubench: the same checksum and instruction count under every policy", () => {
    const runs = (["pure", "scan-patch", "pvi", "vtx"] as const).map((p) => boot("cpubench/cpubench-100k.bin", p));
    for (const r of runs) {
      expect(r.output).toContain("checksum=204f02e4");
      expect(r.instructions).toBe(runs[0]!.instructions);
    }
    // CPU-bound ring-0 code runs directly: under 1% of it needs the monitor.
    expect(runs[1]!.counters.emulated / runs[1]!.instructions).toBeLessThan(0.01);
  });
});

/**
 * DESIGN.md: the instruction at which an interrupt lands never depends on slice lengths.
 * The machine loop's slice limit only decides how often it looks up from the CPU; with it
 * at 1 << 20, 4096 or 61 instructions, every guest must receive the same events.
 */
describe("no slice limit changes where an interrupt lands", () => {
  for (const guest of ["nullkernel-preempt", "monitor-torture", "monitor-torture2", "irq-boundary"]) {
    it(`${guest}: the same event log with slices of 1 << 20, 4096 and 61 instructions, under every policy`, { timeout: 120_000 }, () => {
      const reference = boot(`${guest}/${guest}.bin`, "pure");
      expect(reference.events.some((e) => e.kind === "external"), "the guest takes device interrupts").toBe(true);
      for (const policy of ["pure", "scan-patch", "pvi", "vtx"] as const) {
        for (const maxSlice of [4096, 61]) {
          const r = boot(`${guest}/${guest}.bin`, policy, true, maxSlice);
          expect(r.output, `${policy}, slices of ${maxSlice}`).toBe(reference.output);
          expect(r.instructions, `${policy}, slices of ${maxSlice}`).toBe(reference.instructions);
          expect(r.events, `${policy}, slices of ${maxSlice}`).toEqual(reference.events);
        }
      }
    });
  }
});

describe("what each policy intercepts", () => {
  it("scan-patch: the sensitive guest's 17 kinds of sensitive instruction exit at ring 0 and ring 3", () => {
    const r = boot("sensitive/sensitive.bin", "scan-patch");
    const seen = new Set(r.rows.filter((x) => x.reason === "sensitive-instruction").map((x) => x.instruction));
    for (const name of ["sgdt", "sidt", "sldt", "smsw", "str", "pushf", "popf", "lar", "lsl", "verr", "verw", "mov r/m,sreg", "mov sreg,r/m", "push sreg", "pop sreg", "call far", "jmp far", "retf", "int", "iret"]) {
      expect(seen, name).toContain(name);
    }
    // CLI/STI of the guest kernel are privileged: they exit under scan-patch...
    expect(r.rows.some((x) => x.reason === "privileged-instruction" && x.instruction === "cli")).toBe(true);
  });

  it("pvi: the guest kernel's CLI and STI no longer exit", () => {
    const sp = boot("nullkernel-preempt/nullkernel-preempt.bin", "scan-patch");
    const pvi = boot("nullkernel-preempt/nullkernel-preempt.bin", "pvi");
    const cliSti = (r: Run) => r.rows.filter((x) => x.reason === "privileged-instruction" && (x.instruction === "cli" || x.instruction === "sti")).reduce((n, x) => n + x.count, 0);
    expect(cliSti(sp)).toBeGreaterThan(0);
    expect(cliSti(pvi)).toBe(0);
    expect(pvi.exits["external-interrupt"]).toBe(sp.exits["external-interrupt"]);
  });

  it("without patches the sensitive guest sees through both policies (so the patches are what hides them)", () => {
    const expected = readFileSync(`${guestsDir}sensitive/expected.txt`, "latin1");
    for (const [policy, ring] of [["scan-patch", "ring1"], ["pvi", "ring3"]] as const) {
      const r = boot("sensitive/sensitive.bin", policy, false);
      expect(r.output, policy).not.toBe(expected);
      // The guest reads its ring from CS's RPL: ring compression shows.
      expect(r.output.split("\n")[1], policy).toMatch(new RegExp(`^${ring} `));
      expect(r.counters.patched).toBe(0);
    }
  });
});
