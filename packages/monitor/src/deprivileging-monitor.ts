import {
  CR4_PVI,
  type Cpu,
  type DecodedInsn,
  type ExitEvent,
  type StopReason,
  decodeInstruction,
  eflags,
  mnemonicOf,
  vectors,
} from "@ringlab/cpu";
import { type JsonValue, StateReader } from "@ringlab/sdk";
import { CodeScanner } from "./code-scanner.js";
import { type ExitCount, type ExitReason, ExitStats } from "./exit-stats.js";
import type { MonitorCounters, MonitorPolicy } from "./monitor-policy.js";
import { ioInstruction, msrTrappedInstruction, privilegedInstruction, sensitiveInstruction } from "./sensitive-instructions.js";
import { canDeprivilege, MONITOR_IDT_BASE, MONITOR_IDT_LIMIT, VirtualState } from "./virtual-state.js";

const { IF: EFLAGS_IF, IOPL: EFLAGS_IOPL, VIF: EFLAGS_VIF, VIP: EFLAGS_VIP } = eflags;
const STOP_BUDGET: StopReason = Object.freeze({ kind: "budget" });
/** `vector 0x20`..., made once rather than on every interrupt. */
const VECTOR_LABELS = Array.from({ length: 256 }, (_, v) => `vector 0x${v.toString(16).padStart(2, "0")}`);
const CS = 1;
/** At most this many instructions' statistics rows are remembered (see exitRow). */
const ROW_CACHE_LIMIT = 4096;

/** How a deprivileging policy runs the guest kernel. */
export interface DeprivilegeOptions {
  readonly name: "scan-patch" | "pvi";
  /** The ring the guest's ring 0 runs in: 1 (ring compression) or 3 (PVI needs CPL 3). */
  readonly kernelRing: 1 | 3;
  /** Run the guest kernel with CR4.PVI, so its CLI/STI change VIF instead of exiting. */
  readonly pvi: boolean;
  /** Patch sensitive instructions (default). False shows what the guest then notices. */
  readonly patch: boolean;
}

/**
 * The deprivileging monitor behind the `scan-patch` and `pvi` policies (DESIGN.md; the
 * FreeMWare/plex86 plan). The guest kernel runs directly on the CPU in an outer ring; its
 * GDT, LDT, TSS, CR0 and CR3 stay loaded, while its privilege level, IF, IOPL, IDTR, CR2 and
 * CR4 are virtual ({@link VirtualState}) and the CPU holds the monitor's: CPL 1 or 3, IF=1,
 * IOPL=0, the monitor's IDT, a null IA32_SYSENTER_CS. Sensitive instructions are patched before they run
 * ({@link CodeScanner}).
 *
 * Every event the CPU raises while the guest runs deprivileged is an exit (the CPU's exit
 * hook stands in for the monitor's IDT):
 * - a fault: the deprivileged CPU is only ever *more* restrictive than the guest's true
 *   state, so the monitor switches the CPU to the guest's own view (its CPL, IF, IOPL, IDT)
 *   and runs that one instruction there with full IA-32 semantics. If it faults there too,
 *   the CPU delivers the fault through the guest's IDT; either way the guest sees exactly
 *   what an undeprivileged CPU would have done. Patched sensitive instructions arrive here.
 * - an external interrupt, before the controller acknowledges it: acknowledged and delivered
 *   through the guest's IDT when the guest's IF allows it; else it stays pending at the
 *   controller (the CPU's IF is then 0, and VIP is set under PVI) until the guest enables
 *   interrupts — so the controller sees the same acknowledgements as under `pure`.
 * - a trap or an unpatched INT n: already complete; delivered through the guest's IDT.
 * Real mode and virtual-8086 mode have no ring to compress: the monitor emulates them.
 *
 * Virtual time: every guest instruction retires exactly once (a fault retires nothing, the
 * emulated step retires it), so interrupts arrive at the same instruction counts as under
 * `pure`.
 */
export class DeprivilegingMonitor implements MonitorPolicy {
  readonly name: "scan-patch" | "pvi";
  readonly description: string;
  readonly stats: ExitStats;
  private readonly v = new VirtualState();
  private readonly scanner: CodeScanner;
  /** True while the CPU holds the deprivileged view (the guest runs directly). */
  private direct = false;
  /** The exit the hook claimed during the last `cpu.run`. */
  private exit: ExitEvent | null = null;
  /**
   * A device interrupt is pending while the guest's IF is 0: the CPU's IF is 0 (and VIP 1
   * under PVI) until the guest enables interrupts, so the monitor is not told again.
   */
  private waiting = false;
  private stopAsked = false;
  /** The decoded-instruction cache may hold code decoded unpatched (while emulating). */
  private unpatchedCached = true;
  private directRetired = 0;
  private emulatedRetired = 0;
  /** Statistics rows by instruction (see exitRow), valid for one stats generation. */
  private readonly rowByInsn = new Map<DecodedInsn, ExitCount>();
  private rowsGeneration = -1;

  constructor(
    private readonly cpu: Cpu,
    private readonly options: DeprivilegeOptions,
  ) {
    this.name = options.name;
    this.stats = new ExitStats(() => cpu.clock.instructions);
    this.description =
      `guest ring 0 runs in ring ${options.kernelRing}${options.pvi ? " with CR4.PVI (CLI/STI change VIF)" : ""}; ` +
      (options.patch ? "sensitive instructions patched before they run" : "sensitive instructions NOT patched (--no-patch)");
    this.scanner = new CodeScanner(() => this.direct, options.patch);
    cpu.exitHook = (ev) => {
      if (!this.direct) return false;
      this.exit = ev;
      return true;
    };
    cpu.patchHook = this.scanner.hook;
    // Decide before the interrupt controller commits: an interrupt the guest cannot take yet
    // stays pending there, exactly as on a CPU running the guest with IF=0.
    cpu.acknowledgeOnExit = false;
  }

  counters(): MonitorCounters {
    return {
      direct: this.directRetired,
      emulated: this.emulatedRetired,
      scanned: this.scanner.scanned,
      patched: this.scanner.patched,
    };
  }

  requestStop(): void {
    this.stopAsked = true;
    this.cpu.requestStop();
  }

  reset(): void {
    this.direct = false;
    this.waiting = false;
    this.exit = null;
    this.unpatchedCached = true;
    this.stats.reset();
    this.scanner.scanned = this.scanner.patched = 0;
    this.scanner.forget();
    this.directRetired = this.emulatedRetired = 0;
  }

  /**
   * The monitor's state between runs, for a machine snapshot. Between runs the CPU holds the
   * guest's own view (see {@link run}), so the guest's privileged state is the CPU's; what
   * is the monitor's own is whether a device interrupt waits for the guest's IF, the virtual
   * state last captured, and what it counted. Patches live in the CPU's decoded-code cache,
   * which a snapshot does not keep: after a restore the guest's code is scanned and patched
   * again as it runs, so `scanned`/`patched` and the `code-page-write` exits count that
   * rescanning too, while the guest (its output, events, instruction count) cannot tell.
   */
  saveState(): JsonValue {
    if (this.direct) throw new Error("DeprivilegingMonitor.saveState: called during a run; save between runs");
    const v = this.v;
    return {
      policy: this.name,
      waiting: this.waiting,
      virtual: { cpl: v.cpl, eflags: v.eflags, idtr: [v.idtrBase, v.idtrLimit], cr2: v.cr2, cr4: v.cr4, sysenterCs: v.sysenterCs },
      directRetired: this.directRetired,
      emulatedRetired: this.emulatedRetired,
      scanned: this.scanner.scanned,
      patched: this.scanner.patched,
      stats: this.stats.saveState() as unknown as JsonValue,
    };
  }

  loadState(state: JsonValue): void {
    const r = new StateReader(`monitor state (${this.name})`);
    const o = r.object(state);
    const policy = r.choice(o, "policy", [this.name] as const);
    const vo = r.object(o["virtual"], "virtual");
    const idtr = r.ints(vo, "idtr", 2, -0x8000_0000, 0xffff_ffff);
    const wide = (obj: typeof o, key: string) => r.int(obj, key, -0x8000_0000, 0xffff_ffff);
    const virtual = { cpl: r.int(vo, "cpl", 0, 3), eflags: wide(vo, "eflags"), cr2: wide(vo, "cr2"), cr4: wide(vo, "cr4"), sysenterCs: wide(vo, "sysenterCs") };
    const count = (key: string) => r.int(o, key, 0, Number.MAX_SAFE_INTEGER);
    const restored = {
      waiting: r.bool(o, "waiting"),
      directRetired: count("directRetired"),
      emulatedRetired: count("emulatedRetired"),
      scanned: count("scanned"),
      patched: count("patched"),
    };
    void policy;
    this.stats.loadState(o["stats"] ?? null);
    Object.assign(this.v, virtual);
    this.v.idtrBase = idtr[0] ?? 0;
    this.v.idtrLimit = idtr[1] ?? 0;
    this.waiting = restored.waiting;
    this.directRetired = restored.directRetired;
    this.emulatedRetired = restored.emulatedRetired;
    this.scanner.scanned = restored.scanned;
    this.scanner.patched = restored.patched;
    // The CPU restores with its decoded code dropped: nothing patched is cached, and the
    // next entry to direct execution flushes again before scanning.
    this.direct = false;
    this.exit = null;
    this.unpatchedCached = true;
    this.scanner.forget();
    this.rowByInsn.clear();
  }

  /** The guest's IF, and no STI / MOV SS shadow. */
  interruptsEnabled(): boolean {
    if (!this.direct) return this.cpu.interruptsEnabled();
    return this.guestIf() && !this.cpu.inInterruptShadow();
  }

  /**
   * Runs the guest for at most `budget` instructions. Between runs the CPU holds the guest's
   * own view (its CPL, IF, IDT...), so reports, debuggers and loaders see and change the
   * guest's true state; the next run takes it from there.
   */
  run(budget: number): StopReason {
    try {
      return this.runDeprivileged(budget);
    } finally {
      if (this.direct) this.toGuestView();
    }
  }

  private runDeprivileged(budget: number): StopReason {
    const cpu = this.cpu;
    const clock = cpu.clock;
    const end = clock.instructions + budget;
    this.stopAsked = false;
    for (;;) {
      const left = end - clock.instructions;
      if (this.stopAsked || left <= 0) return STOP_BUDGET;
      if (!this.direct) {
        if (canDeprivilege(cpu)) {
          this.enterDirect();
          continue;
        }
        const r = this.runEmulated(left);
        if (r !== null) return r;
        continue;
      }
      this.exit = null;
      const before = clock.instructions;
      const invalidations = cpu.code.invalidations;
      const stop = cpu.run(left);
      this.directRetired += clock.instructions - before;
      this.stats.record("code-page-write", "-", cpu.code.invalidations - invalidations);
      if (stop.kind === "exception" && this.exit !== null) {
        const ev = this.exit;
        this.exit = null;
        const r = this.handleExit(ev);
        if (r !== null) return r;
        continue;
      }
      if (stop.kind !== "budget") return stop;
    }
  }

  // ---- exits ----

  private handleExit(ev: ExitEvent): StopReason | null {
    switch (ev.kind) {
      case "external": {
        // The CPU asks before acknowledging (acknowledgeOnExit = false), after any STI shadow.
        if (!this.guestIf()) {
          this.v.interruptFlag = false; // under PVI the guest may have cleared VIF itself
          this.waiting = true;
          this.stats.record("external-interrupt", "left pending (guest IF=0)");
          this.applyDeprivileged();
          return null;
        }
        // Under PVI the guest's STI only set VIF, which has no shadow on the hardware: an
        // interrupt at the boundary right after it waits one instruction, as the guest's
        // own STI (IF 0 to 1) would make it (SDM vol.2 "STI").
        if (this.pviActive() && this.cpu.vifRaisedAt === this.cpu.clock.instructions) {
          this.stats.record("external-interrupt", "held for the guest's STI shadow");
          this.cpu.holdInterruptsOneInstruction();
          return null;
        }
        const vector = ev.vector >= 0 ? ev.vector : this.cpu.bus.interrupts.acknowledge() & 0xff;
        this.stats.record("external-interrupt", VECTOR_LABELS[vector]!);
        return this.inject(vector, -1, "external");
      }
      case "software":
        this.stats.record("software-interrupt", `int 0x${ev.vector.toString(16).padStart(2, "0")}`);
        return this.inject(ev.vector, -1, "software");
      case "trap":
        this.stats.record("guest-exception", vectors.vectorName(ev.vector));
        return this.inject(ev.vector, ev.errorCode ?? -1, "trap");
      case "fault":
        return this.emulateFaulting();
    }
  }

  /**
   * Runs the instruction that faulted while deprivileged once more in the guest's own view,
   * and records why it exited.
   */
  private emulateFaulting(): StopReason | null {
    const cpu = this.cpu;
    const lin = (cpu.segBase[CS]! + cpu.eip) >>> 0;
    const cached = cpu.cachedInstruction(lin);
    // The cached (or, under a patch, the scanned) decoding is the guest's current code: the
    // CPU drops cached code the guest writes to. Otherwise decode what is there now.
    const known = cached === undefined ? undefined : this.scanner.guestInstruction(lin, cached);
    const insn = known ?? this.instructionAt(lin);
    const invalidations = cpu.code.invalidations;
    this.toGuestView();
    const before = cpu.clock.instructions;
    const r = cpu.executeOne(known);
    this.emulatedRetired += this.cpu.clock.instructions - before;
    const faulted = this.cpu.lastStepFaulted;
    // What the guest received, not why the monitor was entered: the deprivileged CPU may
    // fault for a reason of its own (a #GP for LIDT before the #PF of its operand, a #GP for
    // a DPL before the #NP of a segment, a #PF where the guest's page tables forbid the
    // outer ring), and the statistics tell the guest's story.
    const vector = faulted ? this.cpu.lastStepFaultVector : -1;
    this.fromGuestView();
    this.stats.record("code-page-write", "-", this.cpu.code.invalidations - invalidations);
    this.stats.count(faulted || insn === null ? this.faultRow(insn, faulted, vector) : this.exitRow(insn));
    return r.kind === "budget" ? null : r;
  }

  /**
   * The statistics row of an exit by an instruction that did not fault once emulated: it
   * depends only on the instruction, so it is classified once per decoded instruction (the
   * CPU keeps one object per cached instruction) rather than on every exit.
   */
  private exitRow(insn: DecodedInsn): ExitCount {
    if (this.rowsGeneration !== this.stats.generation || this.rowByInsn.size >= ROW_CACHE_LIMIT) {
      this.rowByInsn.clear(); // after a reset, or bounded: code the guest rewrites makes new objects
      this.rowsGeneration = this.stats.generation;
    }
    let row = this.rowByInsn.get(insn);
    if (row === undefined) {
      const [reason, what] = this.classify(insn, false, -1);
      this.rowByInsn.set(insn, (row = this.stats.row(reason, what)));
    }
    return row;
  }

  private faultRow(insn: DecodedInsn | null, faulted: boolean, vector: number): ExitCount {
    const [reason, what] = this.classify(insn, faulted, vector);
    return this.stats.row(reason, what);
  }

  /**
   * The reason and label of an exit whose instruction ran once in the guest's view;
   * `vector` is the exception that instruction raised there (-1: none, or no vector).
   */
  private classify(insn: DecodedInsn | null, faulted: boolean, vector: number): [ExitReason, string] {
    const raised = vector >= 0 ? `${vectors.vectorName(vector)} ` : "";
    if (insn === null) return [faulted ? "guest-exception" : "ring-compression", `${faulted ? raised : ""}(unreadable)`];
    if (faulted) return ["guest-exception", `${raised}${mnemonicOf(insn)}`];
    // Without patches a sensitive instruction only exits when it faults for another reason;
    // SYSENTER always exits (the monitor's IA32_SYSENTER_CS is 0).
    const sensitive = msrTrappedInstruction(insn) ?? (this.options.patch ? sensitiveInstruction(insn) : null);
    if (sensitive !== null) return ["sensitive-instruction", sensitive];
    const io = ioInstruction(insn);
    if (io !== null) return ["io", io];
    const privileged = privilegedInstruction(insn);
    if (privileged !== null) return ["privileged-instruction", privileged];
    return ["ring-compression", mnemonicOf(insn)];
  }

  /** The guest's instruction at linear `lin`, read without side effects. */
  private instructionAt(lin: number): DecodedInsn | null {
    return decodeInstruction(this.cpu.peekLinear(lin, 15), this.cpu.code32);
  }

  /** Delivers an event through the guest's IDT, in the guest's own view. */
  private inject(vector: number, errorCode: number, kind: ExitEvent["kind"]): StopReason | null {
    this.toGuestView();
    const r = this.cpu.inject(vector, errorCode, kind);
    this.fromGuestView();
    return r;
  }

  /** Guest stretches that cannot run deprivileged (real mode, virtual-8086 mode). */
  private runEmulated(left: number): StopReason | null {
    const cpu = this.cpu;
    this.waiting = false; // the CPU holds the guest's own IF here and takes interrupts itself
    const before = cpu.clock.instructions;
    this.unpatchedCached = true;
    const stop = cpu.run(left);
    this.emulatedRetired += cpu.clock.instructions - before;
    return stop.kind === "budget" ? null : stop;
  }

  // ---- world switches ----

  /** The guest's IF: VIF while the kernel runs with PVI, else the virtual copy. */
  private guestIf(): boolean {
    if (this.pviActive()) return (this.cpu.systemFlags & EFLAGS_VIF) !== 0;
    return this.v.interruptFlag;
  }

  /**
   * Whether the CPU runs the guest with CR4.PVI: under the pvi policy, while the guest's own
   * CLI and STI would succeed (CPL <= IOPL) and it is not in ring 3 (whose CLI/STI the guest's
   * rules govern without PVI). Elsewhere they fault and are emulated, as they must.
   */
  private pviActive(): boolean {
    const v = this.v;
    return this.options.pvi && v.cpl < 3 && v.cpl <= (v.eflags & EFLAGS_IOPL) >>> 12;
  }

  /** The CPU state is the guest's own and protected mode: start running it deprivileged. */
  private enterDirect(): void {
    this.v.capture(this.cpu);
    this.direct = true;
    this.applyDeprivileged();
    // Code decoded while emulating is unpatched: scan it again before it runs directly.
    if (this.unpatchedCached) {
      this.cpu.flushCodeCache();
      this.unpatchedCached = false;
    }
  }

  /** Puts the guest's true state into the CPU (it stays there for one emulated step). */
  private toGuestView(): void {
    const ef = this.cpu.systemFlags;
    if (this.pviActive()) this.v.interruptFlag = (ef & EFLAGS_VIF) !== 0;
    // Otherwise VIF and VIP in the CPU are the guest's own (it may use CR4.PVI itself).
    else this.v.eflags = (this.v.eflags & ~(EFLAGS_VIF | EFLAGS_VIP)) | (ef & (EFLAGS_VIF | EFLAGS_VIP));
    this.direct = false;
    const directCs = this.cpu.segSel[CS]!;
    this.v.restore(this.cpu);
    // After the CPL is the guest's: at CPL 0-2 the rights do not change, so nothing is flushed.
    this.cpu.setSupervisorPages(false);
    this.guestX87CodeSelector(directCs);
  }

  /**
   * The x87 records the CS selector of its last non-control instruction (FCS, stored by
   * FNSTENV/FNSAVE/FXSAVE; SDM vol.1 §8.1.8), RPL included, so an x87 instruction the guest kernel
   * ran deprivileged left the compressed ring's RPL there. A direct stretch runs at one CS:
   * everything that changes CS or the CPL (far transfers, IRET, INT n, interrupts) exits.
   * So at the end of the stretch, FCS equal to the stretch's deprivileged CS came from it, and
   * the guest must see its own selector; the guest's own code can never have loaded that
   * value (its RPL would differ from the CPL it ran at). FNSTENV, FNSAVE and FXSAVE are patched, so
   * they store only after this ran.
   */
  private guestX87CodeSelector(directCs: number): void {
    const fpu = this.cpu.fpu;
    const guestCs = this.cpu.segSel[CS]!;
    if (directCs !== guestCs && fpu.fcs === directCs) fpu.fcs = guestCs;
  }

  /** After an emulated step: back to running deprivileged, or to emulation. */
  private fromGuestView(): void {
    if (!canDeprivilege(this.cpu)) {
      // Patched code must not run in the guest's own view.
      this.cpu.flushCodeCache();
      this.unpatchedCached = true;
      return;
    }
    this.v.capture(this.cpu);
    this.direct = true;
    this.applyDeprivileged();
  }

  /**
   * The deprivileged view: the guest kernel's ring compressed to the policy's ring, IOPL 0
   * (so CLI/STI/POPF/I/O exit), IF=1 so the monitor sees interrupts (0 while one waits for
   * the guest's IF), the monitor's IDT, and under PVI the guest's IF as VIF (VIP: one waits).
   */
  private applyDeprivileged(): void {
    const cpu = this.cpu;
    const v = this.v;
    const pvi = this.pviActive();
    // Every change of the guest's IF goes through the guest's own view, so this is where
    // an interrupt waiting for it is let through again.
    if (this.waiting && v.interruptFlag) this.waiting = false;
    let ef = 0; // IOPL 0
    if (!this.waiting) ef |= EFLAGS_IF;
    if (pvi) {
      if (v.interruptFlag) ef |= EFLAGS_VIF;
      if (this.waiting) ef |= EFLAGS_VIP;
    } else {
      ef |= v.eflags & (EFLAGS_VIF | EFLAGS_VIP); // the guest's own
    }
    cpu.writeSystemFlags(ef, EFLAGS_IF | EFLAGS_IOPL | EFLAGS_VIF | EFLAGS_VIP);
    // A guest kernel run at CPL 3 would fault on each access to its own supervisor pages; a
    // monitor gives it shadow page tables that mark them user-accessible, which the CPU's
    // supervisorPages switch stands in for. Ring 1 (scan-patch) is supervisor already.
    // Set while the CPU still holds the guest's CPL, so that no transition flushes the caches.
    cpu.setSupervisorPages(this.options.kernelRing === 3 && v.cpl < 3);
    cpu.setCpl(v.cpl === 0 || this.options.kernelRing === 3 ? Math.max(v.cpl, this.options.kernelRing) : v.cpl);
    cpu.idtrBase = MONITOR_IDT_BASE;
    cpu.idtrLimit = MONITOR_IDT_LIMIT;
    cpu.cr4 = pvi ? v.cr4 | CR4_PVI : v.cr4;
    // SYSENTER would enter the CPU's real ring 0: a null SYSENTER_CS makes it #GP(0) instead.
    cpu.sysenterCs = 0;
  }
}
