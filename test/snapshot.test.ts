import "reflect-metadata";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CollectingConsole,
  type Machine,
  type MachineSnapshot,
  type RunOutcome,
  bootKernel,
  builtinRegistry,
  createMachine,
  planMultiboot,
  restoreMachine,
  saveMachine,
} from "@ringlab/machine";
import type { Vga } from "@ringlab/devices-vga";
import { prng } from "@ringlab/sdk/testing";
import { describe, expect, it } from "vitest";
import { guestCpu } from "./lib/guest-list.js";

/** A monitor policy name (`monitor.policy`). */
type PolicyName = "pure" | "scan-patch" | "pvi" | "vtx";

const guestsDir = fileURLToPath(new URL("./guests/", import.meta.url));

/** Everything a run's end shows: what the "exact" compares. */
interface RunEnd {
  output: string;
  screen: string;
  outcome: RunOutcome;
  instructions: number;
  events: number;
  eventSummary: unknown;
  stats: unknown;
  counters: unknown;
  /** The whole machine state at the end, RAM as a checksum-free byte comparison below. */
  state: unknown;
  ram: Uint8Array;
}

const LIMIT = 50_000_000;

function build(guest: string, policy: PolicyName, console: CollectingConsole): Machine {
  const model = guestCpu(guest);
  const cpu = model === undefined ? {} : { cpu: { model } };
  // 8 MiB, not the default 32: every guest here prints the same in 8 MiB (pae needs more
  // than 4), and each snapshot, restore and comparison copies all of RAM.
  return createMachine({ maxInstructions: LIMIT, memory: { size: 8 << 20 }, monitor: { policy }, ...cpu }, builtinRegistry(), { console });
}

function boot(guest: string, policy: PolicyName, console: CollectingConsole): Machine {
  const m = build(guest, policy, console);
  const path = `${guestsDir}${guest}/${guest}.bin`;
  bootKernel(m, m.cpu, planMultiboot(path, new Uint8Array(readFileSync(path))), { loaderName: "ringlab" });
  return m;
}

function end(m: Machine, output: string, outcome: RunOutcome): RunEnd {
  const snap = saveMachine(m);
  const state = withoutRecentRing(JSON.parse(JSON.stringify(snap.state)) as { cpu: Record<string, unknown> }) as Record<string, unknown>;
  const scanning = m.monitor.name !== "pure";
  if (scanning) {
    // What scan-patch and pvi count is the monitor's cost, which depends on more than the
    // guest's course: a restore drops the CPU's decoded code, and with it the patches, so
    // the scanner scans the guest's code again (scanned, patched, code-page-write exits);
    // and a slice boundary — at N as at any `ringlab run` slice — ends an emulated stretch
    // (a guest leaving real or virtual-8086 mode is emulated until the slice ends), moving
    // exits between "emulated" and "direct". Everything the guest sees, and all the rest of
    // the machine and monitor state, must match.
    // For the same reason the CPU's "sample INTR at the next boundary" hint may be left set
    // by the monitor's world switch (a spurious one only makes the CPU look again).
    // vtx's page walks are a cost too: the CPU's TLB is not saved, so a restore walks again.
    const { scanned: _s, patched: _p, stats: _st, directRetired: _d, emulatedRetired: _e, walks: _w, ...monitor } = state["monitor"] as Record<string, unknown>;
    state["monitor"] = monitor;
    const { pending: _pending, ...cpu } = state["cpu"] as Record<string, unknown>;
    state["cpu"] = cpu;
  }
  // The instruction counts at which an STI/MOV SS shadow ends and a PVI STI raised VIF are
  // only ever compared with the current count (a shadow holds while the count is below its
  // end; an interrupt at exactly the VIF count is held one instruction), so once passed they
  // mean nothing, and the monitor emulating a stretch instead of running it directly (a slice
  // boundary does that, at N as anywhere) leaves other past values there. Compare what they
  // mean: still to come, or passed.
  const cpu = state["cpu"] as Record<string, unknown>;
  const now = m.clock.instructions;
  for (const key of ["shadowEnd", "vifRaised"]) {
    const v = cpu[key];
    if (typeof v === "number" && v < now) cpu[key] = "passed";
  }
  return {
    output,
    screen: m.device<Vga>("vga").screenText(),
    outcome,
    instructions: m.clock.instructions,
    events: m.events.length,
    eventSummary: m.events.summary(),
    stats: scanning ? "(the monitor's cost)" : m.monitor.stats.rows(),
    counters: scanning ? "(the monitor's cost)" : m.monitor.counters(),
    state,
    ram: snap.blobs[0]!.slice(),
  };
}

/**
 * The state minus the CPU's recent-instruction ring (what a crash report disassembles):
 * a REP string instruction that a slice boundary splits is recorded as started again when
 * it resumes, so the ring depends on where slices end — at N as at any timer deadline or
 * `ringlab run` slice — while nothing the guest computes does. Everything else must match.
 */
function withoutRecentRing(state: { cpu: Record<string, unknown> }): unknown {
  // insnEip too: the start of the instruction a fault rewinds to, written only when an
  // instruction faults or a stretch stops and read right then, so between instructions it
  // holds whatever the last such event left — history, not state.
  const { recent: _recent, recentNext: _next, insnEip: _insnEip, ...cpu } = state.cpu;
  return { ...state, cpu };
}

/** A snapshot as it comes back from a file: JSON text and copied bytes, nothing shared. */
function throughFile(s: MachineSnapshot): MachineSnapshot {
  return { state: JSON.parse(JSON.stringify(s.state)), blobs: s.blobs.map((b) => b.slice()) };
}

function expectSameEnd(a: RunEnd, b: RunEnd, label: string): void {
  expect(a.output, label).toBe(b.output);
  expect(a.screen, label).toBe(b.screen);
  expect(a.outcome, label).toEqual(b.outcome);
  expect(a.instructions, label).toBe(b.instructions);
  expect(a.events, label).toBe(b.events);
  expect(a.eventSummary, label).toEqual(b.eventSummary);
  expect(a.stats, label).toEqual(b.stats);
  expect(a.counters, label).toEqual(b.counters);
  expect(a.state, label).toEqual(b.state);
  expect(Buffer.from(a.ram).equals(Buffer.from(b.ram)), `${label}: RAM`).toBe(true);
}

/**
 * Runs `guest` to instruction `n`, saves the machine, restores it into a machine built from
 * the configuration alone (no kernel loaded: RAM comes from the snapshot), runs that to the
 * end and returns the concatenated view.
 */
function splitRun(guest: string, policy: PolicyName, n: number): RunEnd & { stoppedAt: RunOutcome } {
  const c1 = new CollectingConsole();
  const first = boot(guest, policy, c1);
  const stoppedAt = first.run(n);
  const snap = throughFile(saveMachine(first));
  const c2 = new CollectingConsole();
  const second = build(guest, policy, c2);
  restoreMachine(second, snap);
  const outcome = second.run();
  return { ...end(second, c1.text() + c2.text(), outcome), stoppedAt };
}

const GUESTS = ["demo", "nullkernel-preempt", "irq-boundary", "monitor-torture", "monitor-torture2", "fpubench", "pae", "syscallbench", "sensitive"];
/** Policies whose snapshots round-trip; the others are refused (below). */
const SNAPSHOT_POLICIES: PolicyName[] = ["pure", "scan-patch", "pvi", "vtx"];
/** Splits per (guest, policy) resumed to the guest's end, besides N = 1 (each reruns the guest). */
const FULL_SPLITS = 1;
/** Splits per (guest, policy) resumed for a window of {@link WINDOW} instructions. */
const WINDOWS = 28;
const WINDOW = 100_000;
/** The window for a guest of `total` instructions: {@link WINDOW}, or an eighth of a short guest. */
const windowOf = (total: number) => Math.min(WINDOW, Math.floor(total / 8));

/**
 * Many N, cheaply: one run of the guest stops at every N and at every N + WINDOW; at each N
 * the machine is saved, and at N + WINDOW a new machine restored from that snapshot and run to
 * N + WINDOW must hold exactly the state the run holds there (every register, device, timer,
 * RAM byte, event and console byte since N). Equal whole states at one instruction mean equal
 * runs from there on; the splits above check that to the end, against a run never stopped.
 * Returns how many windows were checked.
 */
function windowChecks(guest: string, policy: PolicyName, total: number, ns: readonly number[]): number {
  const windows = ns.map((n) => ({ n, e: n + windowOf(total) })).filter((w) => w.e < total);
  const points = [...new Set(windows.flatMap((w) => [w.n, w.e]))].sort((a, b) => a - b);
  const c = new CollectingConsole();
  const m = boot(guest, policy, c);
  const saved = new Map<number, { snap: MachineSnapshot; text: number }>();
  for (const p of points) {
    const stopped = m.run(p);
    expect(stopped, `${guest} ${policy}: the run stops at ${p}`).toEqual({ kind: "instruction-limit", instructions: p });
    if (windows.some((w) => w.n === p)) saved.set(p, { snap: throughFile(saveMachine(m)), text: c.text().length });
    const ending = windows.filter((w) => w.e === p);
    if (ending.length === 0) continue;
    const text = c.text();
    for (const w of ending) {
      const from = saved.get(w.n)!;
      const reference = end(m, text.slice(from.text), stopped);
      // A machine built from the configuration alone, as `ringlab resume` restores into (a
      // machine that already ran is checked below).
      const c2 = new CollectingConsole();
      const second = build(guest, policy, c2);
      restoreMachine(second, from.snap);
      const outcome = second.run(w.e);
      expectSameEnd(end(second, c2.text(), outcome), reference, `${guest} ${policy} window N=${w.n}..${w.e}`);
      if (!windows.some((o) => o.n === w.n && o.e > p)) saved.delete(w.n);
    }
  }
  return windows.length;
}

describe("a snapshot taken at instruction N and resumed gives exactly the uninterrupted run", () => {
  let pairs = 0;
  for (const policy of SNAPSHOT_POLICIES) {
    for (const guest of GUESTS) {
      it(`${guest} under ${policy}: output, screen, outcome, instruction count, event log, stats and final state`, () => {
        const c = new CollectingConsole();
        const m = boot(guest, policy, c);
        const outcome = m.run();
        const reference = end(m, c.text(), outcome);
        expect(reference.outcome.kind, "the guest runs to its own end").toBe("exit");
        const total = reference.instructions;
        // N from a seeded PRNG over the run, plus the edges: the first instruction, an odd
        // one, the last but one. Across these guests they land inside REP strings (monitor-
        // torture's copies), in STI shadows and with IRQs pending (irq-boundary), in x87 code
        // (fpubench) and under PAE paging (pae).
        const random = prng(0x5eed ^ guest.length ^ total);
        const full = new Set([1]);
        while (full.size < FULL_SPLITS + 1) full.add(1 + Math.floor(random() * (total - 1)));
        for (const n of full) {
          const split = splitRun(guest, policy, n);
          expect(split.stoppedAt, `N=${n}`).toEqual({ kind: "instruction-limit", instructions: n });
          expectSameEnd(split, reference, `${guest} ${policy} N=${n}`);
        }
        // Every window ends before the guest does (short guests get shorter windows).
        const last = total - windowOf(total) - 1;
        const ns = new Set([7, last]);
        while (ns.size < WINDOWS) ns.add(1 + Math.floor(random() * (last - 1)));
        pairs += full.size + windowChecks(guest, policy, total, [...ns]);
      });
    }
  }

  it("covers at least 1,000 (guest, N) pairs across the guests and policies above", () => {
    expect(pairs).toBeGreaterThanOrEqual(1000);
  });

  it("every instruction boundary of irq-boundary's interrupt tests: the same end (pure)", { timeout: 600_000 }, () => {
    // irq-boundary is where STI / MOV SS shadows and pending IRQs meet: split at every one of
    // a stretch of consecutive boundaries around its first device interrupt.
    const c = new CollectingConsole();
    const m = boot("irq-boundary", "pure", c);
    const outcome = m.run();
    const reference = end(m, c.text(), outcome);
    const first = (reference.state as { events: { retired: number[]; packed: number[] } }).events;
    const external = first.retired.find((_, i) => ((first.packed[i]! >>> 8) & 3) === 3);
    expect(external, "irq-boundary takes a device interrupt").toBeDefined();
    for (let n = external! - 12; n <= external! + 12; n++) {
      expectSameEnd(splitRun("irq-boundary", "pure", n), reference, `irq-boundary N=${n}`);
    }
  });

  it("a restore into a machine that already ran is exact too", () => {
    // Found by restoring window after window into one machine: the PIT kept its handle to a
    // timer the restore had dropped, because the restored deadline was the same tick
    // (nullkernel-preempt's first PIT edge at tick 1,047,619 is next both after instruction
    // 100,007 and after 1,036,920), so no IRQ 0 came and the guest printed nothing.
    const c = new CollectingConsole();
    const m = boot("nullkernel-preempt", "pure", c);
    m.run(7);
    const early = throughFile(saveMachine(m));
    m.run(1_036_920);
    const late = throughFile(saveMachine(m));
    const lateText = c.text().length;
    m.run(1_136_920);
    const reference = end(m, c.text().slice(lateText), { kind: "instruction-limit", instructions: 1_136_920 });
    const c2 = new CollectingConsole();
    const reused = build("nullkernel-preempt", "pure", c2);
    restoreMachine(reused, early);
    reused.run(100_007);
    const before = c2.text().length;
    restoreMachine(reused, late);
    const outcome = reused.run(1_136_920);
    expectSameEnd(end(reused, c2.text().slice(before), outcome), reference, "restored into a machine that ran");
  });

  it("a snapshot of a snapshot: split twice, the same end", () => {
    const c = new CollectingConsole();
    const m = boot("nullkernel-preempt", "pure", c);
    const outcome = m.run();
    const reference = end(m, c.text(), outcome);
    const c1 = new CollectingConsole();
    const a = boot("nullkernel-preempt", "pure", c1);
    a.run(10_001);
    const c2 = new CollectingConsole();
    const b = build("nullkernel-preempt", "pure", c2);
    restoreMachine(b, throughFile(saveMachine(a)));
    b.run(reference.instructions - 5_003);
    const c3 = new CollectingConsole();
    const d = build("nullkernel-preempt", "pure", c3);
    restoreMachine(d, throughFile(saveMachine(b)));
    const last = d.run();
    expectSameEnd(end(d, c1.text() + c2.text() + c3.text(), last), reference, "twice");
  });
});

describe("a policy without saveState is refused by name", () => {
  it("saving names the policy", () => {
    const m = boot("demo", "pure", new CollectingConsole());
    m.run(1000);
    Object.defineProperty(m.monitor, "saveState", { value: undefined });
    expect(() => saveMachine(m)).toThrow("snapshots of the 'pure' monitor policy are not supported (it has no saveState)");
  });
});

describe("a restored CPU state is checked field by field", () => {
  it("refuses a CPU state of another schema version and a bad field, naming them", () => {
    const m = boot("demo", "pure", new CollectingConsole());
    m.run(5000);
    const s = m.cpu.saveState();
    expect(() => m.cpu.loadState({ ...s, version: 99 })).toThrow("cpu state: schema version 99, this build reads version 1");
    const arch = s["arch"] as Record<string, unknown>;
    expect(() => m.cpu.loadState({ ...s, arch: { ...arch, cpl: 4 } as never })).toThrow("cpu state: field 'cpl': expected a whole number from 0 to 3, got 4");
    expect(() => m.cpu.loadState({ ...s, arch: { ...arch, regs: [1, 2] } as never })).toThrow("cpu state: field 'regs': expected 8 numbers, got 2");
  });

  it("round-trips the segment descriptor caches, not the selectors' descriptors", () => {
    const m = boot("pae", "pure", new CollectingConsole());
    m.run(20_000);
    const saved = m.cpu.saveState();
    // Clobber the GDT in RAM: a restore that reloaded segments from it would differ.
    const gdt = m.cpu.gdtrBase >>> 0;
    m.bus.memory.ram8.fill(0, gdt, gdt + m.cpu.gdtrLimit + 1);
    const other = build("pae", "pure", new CollectingConsole());
    other.cpu.loadState(JSON.parse(JSON.stringify(saved)));
    expect(other.cpu.saveState()).toEqual(saved);
    expect(Array.from(other.cpu.segBase)).toEqual(Array.from(m.cpu.segBase));
    expect(Array.from(other.cpu.segAttr)).toEqual(Array.from(m.cpu.segAttr));
  });
});

/**
 * The same property through the built CLI, as a user runs it: `ringlab run --snapshot-at N
 * --snapshot F` then `ringlab resume F` print, together, exactly what one `ringlab run` prints
 * (console, screen), with the same `--stats`, `--trace-events` file and exit status.
 */
describe("ringlab run --snapshot-at N, then ringlab resume: one run's output, byte for byte", () => {
  const CLI = fileURLToPath(new URL("../packages/cli/dist/main.js", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "ringlab-snapshot-"));
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "latin1", timeout: 120_000 });
  const stats = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("[stats]")).join("\n");

  for (const guest of ["demo", "irq-boundary", "nullkernel-preempt"]) {
    it(`${guest}: stdout, --stats, --trace-events and the status, at two N from a seeded PRNG`, () => {
      const image = `${guestsDir}${guest}/${guest}.bin`;
      const common = ["--screen", "text", "--stats"];
      const whole = cli(["run", image, ...common, "--trace-events", "whole.events"]);
      expect(whole.status, whole.stderr).toBe(0);
      const total = Number(/instructions retired: (\d+)/.exec(whole.stderr)![1]);
      const random = prng(total);
      for (const n of [1 + Math.floor(random() * (total - 1)), 1 + Math.floor(random() * (total - 1))]) {
        const first = cli(["run", image, ...common, "--snapshot-at", String(n), "--snapshot", "s.snap"]);
        expect(first.status, first.stderr).toBe(0);
        expect(first.stderr).toBe(`ringlab: snapshot at instruction ${n} written to s.snap (continue it with: ringlab resume s.snap)\n`);
        const rest = cli(["resume", "s.snap", ...common, "--trace-events", "resumed.events"]);
        expect(rest.status, `N=${n}: ${rest.stderr}`).toBe(whole.status);
        expect(first.stdout + rest.stdout, `N=${n}`).toBe(whole.stdout);
        expect(stats(rest.stderr), `N=${n}`).toBe(stats(whole.stderr));
        expect(readFileSync(join(dir, "resumed.events"), "latin1"), `N=${n}`).toBe(readFileSync(join(dir, "whole.events"), "latin1"));
      }
    });
  }

  for (const policy of ["scan-patch", "pvi"]) {
    it(`monitor-torture under ${policy}: stdout, --trace-events, the status and the guest's --stats`, () => {
      const image = `${guestsDir}monitor-torture/monitor-torture.bin`;
      const common = ["--screen", "text", "--stats", "--policy", policy];
      const whole = cli(["run", image, ...common, "--trace-events", "whole.events"]);
      expect(whole.status, whole.stderr).toBe(0);
      // The guest's part of --stats (up to the monitor's cost, which a restore does not carry: README).
      const guestStats = (stderr: string) => stats(stderr).split("\n[stats] monitor policy:")[0];
      const n = 1 + Math.floor(prng(0x7e57)() * 700_000);
      const first = cli(["run", image, ...common, "--snapshot-at", String(n), "--snapshot", "p.snap"]);
      expect(first.status, first.stderr).toBe(0);
      const rest = cli(["resume", "p.snap", "--screen", "text", "--stats", "--trace-events", "resumed.events"]);
      expect(rest.status, rest.stderr).toBe(whole.status);
      expect(first.stdout + rest.stdout).toBe(whole.stdout);
      expect(guestStats(rest.stderr)).toBe(guestStats(whole.stderr));
      expect(stats(rest.stderr)).toContain(`[stats] monitor policy:       ${policy}`);
      expect(readFileSync(join(dir, "resumed.events"), "latin1")).toBe(readFileSync(join(dir, "whole.events"), "latin1"));
    });
  }

  it("resume --engine jit continues an interpreted run alike; resume --snapshot-at chains", () => {
    const image = `${guestsDir}nullkernel-preempt/nullkernel-preempt.bin`;
    const whole = cli(["run", image, "--screen", "text"]);
    expect(cli(["run", image, "--screen", "text", "--snapshot-at", "123457", "--snapshot", "a.snap"]).status).toBe(0);
    const middle = cli(["resume", "a.snap", "--screen", "text", "--engine", "jit", "--snapshot-at", "4000001", "--snapshot", "b.snap"]);
    expect(middle.status, middle.stderr).toBe(0);
    const last = cli(["resume", "b.snap", "--screen", "text"]);
    const first = cli(["run", image, "--screen", "text", "--snapshot-at", "123457", "--snapshot", "a.snap"]);
    expect(first.stdout + middle.stdout + last.stdout).toBe(whole.stdout);
    expect(last.status).toBe(whole.status);
  });
});
