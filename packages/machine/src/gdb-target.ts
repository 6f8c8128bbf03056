import { type Engine, type TlbEntry, f80h, peekTranslate } from "@ringlab/cpu";
import type { DebugTarget, PointKind, StopEvent } from "@ringlab/gdb-stub";
import { I386_REGISTERS } from "@ringlab/gdb-stub";
import { formatEvent } from "./event-log.js";
import type { Machine } from "./machine.js";
import type { RunOutcome } from "./run-loop.js";

const SIGINT = 2;
const SIGTRAP = 5;
/** Instructions a free (unwatched) stretch runs between looks at the host's event loop. */
const FREE_SLICE = 1_000_000;
/** Single steps between looks at the event loop while gdb waits for a breakpoint (Ctrl-C). */
const STEP_SLICE = 20_000;
/** `readMemory` never returns more than this (the session asks for at most a packet's worth). */
const MAX_READ = 0x10000;

// gdb register numbers (see @ringlab/gdb-stub's target description).
const REG = Object.fromEntries(I386_REGISTERS.map((r, i) => [r.name, i])) as Record<string, number>;
// The segment registers in gdb's order (cs ss ds es fs gs) as the CPU numbers them (ES=0 CS=1 SS=2 DS=3 FS=4 GS=5).
const GDB_SEGMENTS = [1, 2, 3, 0, 4, 5];
const SEG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr"];

/** A `kill` from gdb ends the run with this outcome reason. */
export const GDB_KILL_REASON = "gdb killed the run";

/** Options of a {@link MachineDebugTarget}. */
export interface MachineDebugTargetOptions {
  /** The status gdb is told when the run ends (`W` packet); default: the guest's exit status, else 1. */
  statusOf?: (outcome: RunOutcome) => number;
  /** Checked between slices of a free run: true ends it (the user typed Ctrl-A x on a serial terminal). */
  quitRequested?: () => boolean;
  /**
   * Runs `fn` after the host has handled its pending I/O (gdb's packets, Ctrl-C): Node's
   * `setImmediate` in the CLI. Default: a zero `setTimeout` (browsers have no setImmediate).
   */
  schedule?: (fn: () => void) => void;
}

const defaultSchedule = (fn: () => void): void => {
  (globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown }).setTimeout(fn, 0);
};

type Watch = { kind: PointKind; address: number; length: number; bytes: Uint8Array };

/**
 * ringlab's {@link DebugTarget}: a {@link Machine} that gdb can hold, step and inspect. It
 * lives in the composition layer — the CPU and the monitor know nothing of it.
 *
 * - The guest's view: between two runs of the monitor policy the CPU holds the guest's own
 *   state (its CPL in CS/SS, its IF and IOPL, its IDTR, CR4...; see `DeprivilegingMonitor.run`),
 *   so registers are read there and look the same under every policy. Patches live in the
 *   CPU's decoded-instruction view only, so memory reads show the guest's own bytes.
 * - Memory goes by linear address through the guest's page tables with `peekTranslate`,
 *   which sets no accessed/dirty bit, fills no TLB entry and raises nothing; only RAM and ROM
 *   are read (an MMIO read could change a device), only RAM is written, and decoded code is
 *   dropped after a write so the CPU (and a monitor's scanner) sees the new bytes.
 * - While gdb holds the guest the machine is simply not run, so virtual time stands still.
 *   Breakpoints are checked by EIP before each instruction while gdb waits (one instruction
 *   per `Machine.run`, on the interpreter: the JIT is switched off while gdb is attached);
 *   the guest's memory is never changed to insert them, so it cannot see them.
 * - Write watchpoints compare the watched bytes after each instruction (the CPU has no
 *   memory-access hook, and adding one to its hot path would slow every run); read and
 *   access watchpoints would need one, so they are refused (gdb then says it cannot insert them).
 */
export class MachineDebugTarget implements DebugTarget {
  private readonly breakpoints = new Set<number>();
  private readonly watches: Watch[] = [];
  private state: "held" | "free" | "ended" = "held";
  private interruptAsked = false;
  private freeRuns = 0;
  private attachedEngine: Engine | undefined;
  private resolveEnd!: (o: RunOutcome) => void;
  private outcomeValue: RunOutcome | undefined;
  /** Resolves with the run's outcome when the guest ends (or gdb kills it). */
  readonly finished: Promise<RunOutcome>;

  constructor(
    readonly machine: Machine,
    private readonly options: MachineDebugTargetOptions = {},
  ) {
    this.finished = new Promise((done) => (this.resolveEnd = done));
    this.schedule = options.schedule ?? defaultSchedule;
  }

  private readonly schedule: (fn: () => void) => void;

  /** The outcome, once the run has ended. */
  get outcome(): RunOutcome | undefined {
    return this.outcomeValue;
  }

  private get limit(): number {
    return this.machine.config.maxInstructions ?? Infinity;
  }

  // ---- lifecycle ----

  /**
   * gdb connected: the guest stops at the next instruction boundary (a free run stops
   * between slices) and runs on the interpreter until {@link detach}.
   */
  attach(): void {
    if (this.state === "ended") return;
    this.state = "held";
    if (this.attachedEngine === undefined) {
      this.attachedEngine = this.machine.cpu.engine;
      if (this.attachedEngine !== "interp") this.machine.cpu.setEngine("interp");
    }
  }

  /** gdb detached or vanished: breakpoints go, and the guest runs on freely to its end. */
  detach(): void {
    this.breakpoints.clear();
    this.watches.length = 0;
    if (this.attachedEngine !== undefined && this.attachedEngine !== this.machine.cpu.engine) this.machine.cpu.setEngine(this.attachedEngine);
    this.attachedEngine = undefined;
    this.runFree();
  }

  /** Lets the guest run with no debugger attached (slices, yielding to the host between them). */
  runFree(): void {
    if (this.state === "ended") return;
    this.state = "free";
    // A detach soon after an attach must not leave the earlier free run's next slice going too.
    const generation = ++this.freeRuns;
    const slice = (): void => {
      if (this.state !== "free" || generation !== this.freeRuns) return;
      if (this.options.quitRequested?.()) {
        this.end({ kind: "exit", status: 0, reason: "the user typed Ctrl-A x" });
        return;
      }
      if (this.runStretch(FREE_SLICE)) this.schedule(slice);
    };
    this.schedule(slice);
  }

  kill(): void {
    this.end({ kind: "stopped", reason: GDB_KILL_REASON });
  }

  /**
   * The host ends the run (Ctrl-C, `kill` on ringlab itself) whether gdb holds the guest or
   * it runs free: the outcome is `stopped` with `reason`, and gdb is told the run ended.
   */
  stop(reason: string): void {
    this.end({ kind: "stopped", reason });
  }

  private end(o: RunOutcome): void {
    if (this.state === "ended") return;
    this.state = "ended";
    this.outcomeValue = o;
    this.resolveEnd(o);
  }

  private exited(): StopEvent {
    const o = this.outcomeValue!;
    const status = this.options.statusOf ? this.options.statusOf(o) : o.kind === "exit" ? o.status : 1;
    return { kind: "exited", status, why: o.kind };
  }

  // ---- execution ----

  /** Runs exactly one instruction; false when the run ended with it. */
  private stepOne(): boolean {
    return this.runStretch(1);
  }

  /** Runs `n` instructions (fewer if the run ends); false when it ended. */
  private runStretch(n: number): boolean {
    if (this.state === "ended") return false;
    const limit = this.limit;
    if (this.machine.clock.instructions >= limit) {
      this.end({ kind: "instruction-limit", instructions: this.machine.clock.instructions });
      return false;
    }
    const target = Math.min(limit, this.machine.clock.instructions + n);
    const o = this.machine.run(target);
    if (o.kind === "instruction-limit" && target < limit) return true;
    this.end(o);
    return false;
  }

  step(): Promise<StopEvent> {
    if (!this.stepOne()) return Promise.resolve(this.exited());
    const hit = this.watchHit();
    return Promise.resolve({ kind: "signal", signal: SIGTRAP, ...(hit ? { watch: hit } : {}) });
  }

  resume(): Promise<StopEvent> {
    this.interruptAsked = false;
    return new Promise((done) => {
      let first = true;
      const slice = (): void => {
        if (this.state === "ended") return done(this.exited());
        if (this.state === "free") return; // detached meanwhile: the free run reports the end
        if (this.breakpoints.size === 0 && this.watches.length === 0) {
          // Nothing to check between instructions: run a stretch, then look for Ctrl-C.
          first = false;
          if (!this.runStretch(STEP_SLICE * 10)) return done(this.exited());
          if (this.interruptAsked) return done({ kind: "signal", signal: SIGINT });
          return this.schedule(slice);
        }
        for (let k = 0; k < STEP_SLICE; k++) {
          // The instruction gdb resumed at runs even if it has a breakpoint (gdb steps off it).
          if (!first && this.breakpoints.has(this.machine.cpu.eip >>> 0)) return done({ kind: "signal", signal: SIGTRAP });
          first = false;
          if (!this.stepOne()) return done(this.exited());
          const hit = this.watchHit();
          if (hit) return done({ kind: "signal", signal: SIGTRAP, watch: hit });
        }
        if (this.interruptAsked) return done({ kind: "signal", signal: SIGINT });
        this.schedule(slice);
      };
      slice();
    });
  }

  interrupt(): void {
    this.interruptAsked = true;
  }

  /** The first write watchpoint whose bytes changed (their new value becomes the reference). */
  private watchHit(): { kind: "watch"; address: number } | undefined {
    let hit: { kind: "watch"; address: number } | undefined;
    for (const w of this.watches) {
      const now = this.readMemory(w.address, w.length);
      if (now.length !== w.bytes.length || now.some((b, i) => b !== w.bytes[i])) {
        w.bytes = now;
        hit ??= { kind: "watch", address: w.address };
      }
    }
    return hit;
  }

  insertPoint(kind: PointKind, address: number, length: number): boolean {
    address >>>= 0;
    if (kind === "sw-break" || kind === "hw-break") {
      this.breakpoints.add(address);
      return true;
    }
    if (kind !== "watch") return false;
    this.watches.push({ kind, address, length, bytes: this.readMemory(address, length) });
    return true;
  }

  removePoint(kind: PointKind, address: number, length: number): boolean {
    address >>>= 0;
    if (kind === "sw-break" || kind === "hw-break") return this.breakpoints.delete(address);
    const i = this.watches.findIndex((w) => w.kind === kind && w.address === address && w.length === length);
    if (i < 0) return false;
    this.watches.splice(i, 1);
    return true;
  }

  // ---- state ----

  readRegister(n: number): bigint {
    const cpu = this.machine.cpu;
    const fpu = cpu.fpu;
    if (n < 8) return BigInt(cpu.getReg32(n));
    if (n === REG.eip) return BigInt(cpu.eip >>> 0);
    if (n === REG.eflags) return BigInt(cpu.getEflags());
    if (n >= REG.cs! && n <= REG.gs!) return BigInt(cpu.segSel[GDB_SEGMENTS[n - REG.cs!]!]! & 0xffff);
    if (n >= REG.st0! && n <= REG.st7!) {
      // gdb's st0..st7 are ST(0)..ST(7), relative to TOP (SDM vol.1 §8.1.2), as 80-bit values.
      const v = fpu.st(n - REG.st0!);
      return (BigInt((v.sign << 15) | v.exp) << 64n) | (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0);
    }
    switch (I386_REGISTERS[n]?.name) {
      case "fctrl":
        return BigInt(fpu.cw);
      case "fstat":
        return BigInt(fpu.status());
      case "ftag":
        return BigInt(fpu.tagWord());
      case "fiseg":
        return BigInt(fpu.fcs & 0xffff);
      case "fioff":
        return BigInt(fpu.fip >>> 0);
      case "foseg":
        return BigInt(fpu.fds & 0xffff);
      case "fooff":
        return BigInt(fpu.fdp >>> 0);
      case "fop":
        return BigInt(fpu.fop & 0x7ff);
      case "cr0":
        return BigInt(cpu.cr0 >>> 0);
      case "cr2":
        return BigInt(cpu.cr2 >>> 0);
      case "cr3":
        return BigInt(cpu.cr3 >>> 0);
      case "cr4":
        return BigInt(cpu.cr4 >>> 0);
    }
    return 0n;
  }

  writeRegister(n: number, value: bigint): boolean {
    const cpu = this.machine.cpu;
    const fpu = cpu.fpu;
    const v = Number(BigInt.asUintN(32, value));
    if (n < 8) cpu.setReg32(n, v);
    else if (n === REG.eip) cpu.eip = v;
    else if (n === REG.eflags) cpu.setEflags(v);
    else if (n >= REG.cs! && n <= REG.gs!) {
      // Loading a selector means loading its descriptor with the CPU's checks; only an
      // unchanged value is accepted (gdb's G writes every register back).
      return (cpu.segSel[GDB_SEGMENTS[n - REG.cs!]!]! & 0xffff) === (v & 0xffff);
    } else if (n >= REG.st0! && n <= REG.st7!) {
      const x = BigInt.asUintN(80, value);
      const sig = x & ((1n << 64n) - 1n);
      const se = Number(x >> 64n);
      fpu.set(n - REG.st0!, f80h(se >> 15, se & 0x7fff, Number(sig >> 32n), Number(sig & 0xffffffffn)));
    } else {
      switch (I386_REGISTERS[n]?.name) {
        case "fctrl":
          fpu.cw = v & 0xffff;
          fpu.updatePending();
          break;
        case "fstat":
          fpu.setStatus(v & 0xffff);
          break;
        case "ftag":
          fpu.setTagWord(v & 0xffff);
          break;
        case "fiseg":
          fpu.fcs = v & 0xffff;
          break;
        case "fioff":
          fpu.fip = v;
          break;
        case "foseg":
          fpu.fds = v & 0xffff;
          break;
        case "fooff":
          fpu.fdp = v;
          break;
        case "fop":
          fpu.fop = v & 0x7ff;
          break;
        default:
          // Control registers change paging and modes: only an unchanged value is accepted.
          return this.readRegister(n) === BigInt.asUintN(32, value);
      }
    }
    return true;
  }

  /** The physical address of linear `lin` now, without side effects, or undefined. */
  private translate(lin: number): number | undefined {
    const cpu = this.machine.cpu;
    return peekTranslate(this.machine.bus.memory, cpu.cr0, cpu.cr3, cpu.cr4, lin >>> 0, cpu.pdpte);
  }

  readMemory(address: number, length: number): Uint8Array {
    const mem = this.machine.bus.memory;
    const out: number[] = [];
    for (let i = 0; i < Math.min(length, MAX_READ); i++) {
      const phys = this.translate(address + i);
      const r = phys === undefined ? undefined : mem.regionAt(phys);
      if (r === undefined || r.bytes === undefined) break; // unmapped, or MMIO: a read could change a device
      out.push(r.bytes[phys! - r.base]!);
    }
    return Uint8Array.from(out);
  }

  writeMemory(address: number, data: Uint8Array): boolean {
    const mem = this.machine.bus.memory;
    const targets: { bytes: Uint8Array; off: number }[] = [];
    for (let i = 0; i < data.length; i++) {
      const phys = this.translate(address + i);
      const r = phys === undefined ? undefined : mem.regionAt(phys);
      if (r === undefined || r.kind !== "ram" || r.bytes === undefined) return false;
      targets.push({ bytes: r.bytes, off: phys! - r.base });
    }
    targets.forEach((t, i) => (t.bytes[t.off] = data[i]!));
    // The host wrote guest memory behind the CPU's back: decoded (and patched) code may be stale.
    this.machine.cpu.flushCodeCache();
    return true;
  }

  // ---- monitor commands ----

  monitorCommands(): readonly { name: string; help: string }[] {
    return [
      { name: "policy", help: "the monitor policy running the guest" },
      { name: "exits", help: "the policy's exits so far, by reason and instruction" },
      { name: "events", help: "the last interrupts and exceptions delivered to the guest (events N: the last N)" },
      { name: "segments", help: "the segment descriptor caches, GDTR and IDTR (the guest's view)" },
      { name: "tlb", help: "the CPU's cached page translations (linear -> physical)" },
      { name: "time", help: "instructions retired and virtual time" },
    ];
  }

  monitorCommand(command: string): string | undefined {
    const [name, arg] = command.trim().split(/\s+/);
    const m = this.machine;
    const hex = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, "0");
    switch (name) {
      case "policy":
        return `${m.monitor.name}: ${m.monitor.description}\n`;
      case "exits": {
        const rows = m.monitor.stats.rows();
        const c = m.monitor.counters();
        let s = `${m.monitor.name}: ${c.direct} instructions direct, ${c.emulated} emulated, ${m.monitor.stats.total} exits\n`;
        for (const r of rows) s += `  ${r.reason.padEnd(23)} ${r.instruction.padEnd(16)} ${r.count}\n`;
        return s;
      }
      case "events": {
        const n = arg === undefined ? 10 : Number(arg);
        if (!Number.isInteger(n) || n < 0) return `events: expected a count such as 10, got '${arg}'\n`;
        const log = m.events;
        if (log.length === 0) return "no events delivered yet\n";
        let s = "";
        for (let i = Math.max(0, log.length - n); i < log.length; i++) s += formatEvent(log.at(i)) + "\n";
        return s;
      }
      case "segments": {
        const cpu = m.cpu;
        let s = "";
        SEG_NAMES.forEach((seg, i) => {
          s += `${seg.padEnd(4)} ${hex(cpu.segSel[i]! & 0xffff, 4)} base=${hex(cpu.segBase[i]!)} limit=${hex(cpu.segLimit[i]!)} attr=${hex(cpu.segAttr[i]!, 4)}\n`;
        });
        s += `gdtr base=${hex(cpu.gdtrBase)} limit=${hex(cpu.gdtrLimit, 4)}\nidtr base=${hex(cpu.idtrBase)} limit=${hex(cpu.idtrLimit, 4)}\ncpl  ${cpu.cpl}\n`;
        return s;
      }
      case "tlb": {
        const tlb = m.cpu.pager?.tlb;
        if (!tlb || tlb.size === 0) return (m.cpu.cr0 & 0x80000000) === 0 ? "paging is off: no translations cached\n" : "the TLB is empty\n";
        const entries: [number, Readonly<TlbEntry>][] = [...tlb.cached()].sort((a, b) => a[0] - b[0]);
        let s = `${entries.length} translations\n`;
        for (const [page, e] of entries) {
          s += `  ${hex(page * 4096)} -> ${e.phys.toString(16).padStart(8, "0")} ${e.user ? "U" : "S"}${e.writable ? "W" : "R"}${e.dirty ? "D" : "-"}${e.global ? "G" : "-"}\n`;
        }
        return s;
      }
      case "time":
        return `${m.clock.instructions} instructions, ${(m.clock.nanoseconds / 1e6).toFixed(3)} ms of virtual time\n`;
    }
    return undefined;
  }
}
