import {
  type Cpu,
  type DecodedInsn,
  type ExitEvent,
  type StopReason,
  SYS,
  systemClassOf,
  VMX_EXIT,
  type VmxExitName,
  vectors,
} from "@ringlab/cpu";
import { ConfigError, type JsonValue, StateReader } from "@ringlab/sdk";
import { type ExitCount, ExitStats } from "./exit-stats.js";
import type { MonitorCounters, MonitorPolicy } from "./monitor-policy.js";
import type { VtxControls } from "./vtx-controls.js";

const STOP_BUDGET: StopReason = Object.freeze({ kind: "budget" });
const CS = 1;
const UD = 6;
const GP = 13;
const PF = 14;
/**
 * What an intercepted instruction is replaced with in the CPU's instruction view: UD2
 * (0F 0B), which raises #UD at every CPL and in every mode before doing anything — a
 * fault, so nothing retires and the guest's own instruction then runs exactly once. It
 * stands in for the hardware's decision to exit at that instruction.
 */
const INTERCEPT_BYTES = Uint8Array.of(0x0f, 0x0b);
const UD2_OPCODE = 0x10b;
const CR0_TS = 1 << 3;
/** The basic exit reasons by number (VMX_EXIT inverted). */
const REASON_NAME = new Map<number, VmxExitName>(Object.entries(VMX_EXIT).map(([k, v]) => [v, k as VmxExitName]));
/** The MSR ranges the VMX MSR bitmaps cover (SDM vol.3 §24.6.9); any other MSR always exits. */
const msrInBitmaps = (msr: number) => msr <= 0x1fff || (msr >= 0xc000_0000 && msr <= 0xc000_1fff);
/**
 * The levels of the host's (EPT) page tables a nested walk goes through for every guest
 * physical address: 4, the EPT of the SDM (vol.3 §28.2.2, a 4-level structure).
 */
export const EPT_LEVELS = 4;

/**
 * The `vtx` policy: hardware-assisted virtualization as Intel VT-x provides it (Uhlig et
 * al., "Intel Virtualization Technology", IEEE Computer 2005; SDM vol.3 ch.23-28). The
 * guest runs in VMX non-root operation at its own privilege levels, with its own
 * descriptor tables, flags and control registers — the CPU holds its true state, as under
 * `pure`; nothing is compressed or virtual. What exits is the VM-execution controls'
 * ({@link VtxControls}), applied to what the opcode table states of each instruction form:
 * the VT-x exit reason it can cause and whether it causes it unconditionally
 * (`SystemClass.vmExit`, `SYS.vmExitAlways`: CPUID and INVD, SDM vol.3 §25.1.2).
 *
 * An instruction that may exit under the controls is intercepted where the CPU decodes it
 * (the patch hook; {@link INTERCEPT_BYTES}). At the exit the policy decides as the
 * hardware does, from the state before the instruction (the port and the I/O bitmap, ECX
 * and the MSR bitmap, the CR0/CR4 guest/host masks...; SDM vol.3 §25.1.3) and the
 * exceptions that have priority over the exit (a privileged instruction at CPL > 0, RDTSC
 * under CR4.TSD, an I/O instruction the IOPL/TSS bitmap refuses: §25.1.1), counts the exit
 * under its basic exit reason, and completes the instruction with the CPU's own semantics
 * (`executeOne`), as a monitor emulating it would. Exceptions whose bit is set in the
 * exception bitmap and external interrupts (external-interrupt exiting, with "acknowledge
 * interrupt on exit") are counted at the boundary the CPU takes them and then delivered
 * through the guest's IDT: so every event lands where it does under `pure`.
 *
 * Memory: with `paging: shadow` (first-generation VT-x) the monitor keeps shadow page
 * tables: every guest #PF exits (bit 14 of the exception bitmap is forced on), so do MOV
 * to and from CR3 and INVLPG, and every TLB fill the guest's paging makes is a shadow
 * fill, a #PF the guest never sees (counted as `EXCEPTION_NMI` `#PF (shadow fill)`: a
 * monitor that fills lazily and rebuilds its shadow after each CR3 load). With
 * `paging: nested` (EPT) nothing of the guest's paging exits; each TLB miss is a
 * two-dimensional walk of (n+1)(m+1)−1 memory references for n guest levels and m =
 * {@link EPT_LEVELS} host levels, counted in {@link MonitorCounters.measured}.
 */
export class VtxPolicy implements MonitorPolicy {
  readonly name = "vtx";
  readonly description: string;
  readonly stats: ExitStats;
  private readonly shadow: boolean;
  /** The exception bitmap as the monitor programs it (#PF forced on under shadow paging). */
  private readonly exceptionBitmap: number;
  /** The guest's own instruction under each intercept, by linear address. */
  private readonly sites = new Map<number, DecodedInsn>();
  /** The intercepted instruction the exit hook claimed during the last `cpu.run`. */
  private exitAt: DecodedInsn | null = null;
  /** True while the policy completes an instruction (its faults are the guest's). */
  private emulating = false;
  /** Interrupt-window exiting is armed: an interrupt waits for the guest to take it. */
  private windowArmed = false;
  private stopAsked = false;
  private directRetired = 0;
  private emulatedRetired = 0;
  private scanned = 0;
  private patched = 0;
  private walks = 0;
  private completedWalks = 0;
  private entryReads = 0;
  /** Rows of exceptions and interrupts by vector, for this stats generation. */
  private readonly vectorRows = new Map<number, ExitCount>();
  private rowsGeneration = -1;

  constructor(
    private readonly cpu: Cpu,
    private readonly controls: VtxControls,
  ) {
    this.shadow = controls.paging === "shadow";
    this.exceptionBitmap = (controls.exceptions | (this.shadow ? 1 << PF : 0)) >>> 0;
    this.stats = new ExitStats(() => cpu.clock.instructions);
    this.description = `VT-x: the guest runs at its own privilege levels in VMX non-root operation; ${this.shadow ? "shadow page tables" : "nested paging (EPT)"}`;
    cpu.exitHook = this.onEvent;
    cpu.patchHook = this.onDecode;
    // VT-x's "acknowledge interrupt on exit": the exit sees the vector, and the interrupt is
    // then delivered at that same boundary, as the CPU would.
    cpu.acknowledgeOnExit = true;
    // Code decoded before the policy was attached carries no intercepts.
    cpu.flushCodeCache();
  }

  // ---- the hardware's side: what is intercepted, and claimed ----

  /** Patch hook: intercepts each instruction form that may exit under the controls. */
  private readonly onDecode = (lin: number, insn: DecodedInsn): Uint8Array | null => {
    this.scanned++;
    if (!this.mayExit(insn)) {
      this.sites.delete(lin); // the guest may have written over an intercepted instruction
      return null;
    }
    this.patched++;
    this.sites.set(lin, insn);
    return INTERCEPT_BYTES;
  };

  /** Exit hook: claims the intercepts' #UD; counts bitmap exceptions and interrupts, which the CPU then delivers. */
  private readonly onEvent = (ev: ExitEvent): boolean => {
    if (ev.kind === "fault" && ev.vector === UD && !this.emulating) {
      const lin = (this.cpu.segBase[CS]! + ev.eip) >>> 0;
      const insn = this.sites.get(lin);
      if (insn !== undefined) {
        const cached = this.cpu.cachedInstruction(lin);
        // An intercept not cached (it crosses a page) was decoded, and recorded, just now.
        if (cached === undefined || (cached.opcode === UD2_OPCODE && cached.len === INTERCEPT_BYTES.length)) {
          this.exitAt = insn;
          return true;
        }
      }
    }
    if (ev.kind === "external") {
      if (this.controls.extint) {
        if (this.windowArmed) {
          this.windowArmed = false;
          this.stats.record("INTERRUPT_WINDOW");
        }
        this.stats.count(this.vectorRow(ev.vector, "EXTERNAL_INTERRUPT"));
      }
      return false;
    }
    // INT n is no exception (no exit); INT3 and INTO come through here alike and are not
    // told apart, so software interrupts are never counted.
    if ((ev.kind === "fault" || ev.kind === "trap") && ev.vector < 32 && ((this.exceptionBitmap >>> ev.vector) & 1) !== 0) {
      this.stats.count(this.vectorRow(ev.vector, "EXCEPTION_NMI"));
    }
    return false;
  };

  private vectorRow(vector: number, reason: "EXCEPTION_NMI" | "EXTERNAL_INTERRUPT"): ExitCount {
    if (this.rowsGeneration !== this.stats.generation) {
      this.vectorRows.clear();
      this.rowsGeneration = this.stats.generation;
    }
    const key = reason === "EXCEPTION_NMI" ? vector : 256 + (vector & 0xff);
    let row = this.vectorRows.get(key);
    if (row === undefined) {
      const label = reason === "EXCEPTION_NMI" ? vectors.vectorName(vector) : `vector 0x${(vector & 0xff).toString(16).padStart(2, "0")}`;
      this.vectorRows.set(key, (row = this.stats.row(reason, label)));
    }
    return row;
  }

  /**
   * Whether an instruction form can exit under these controls at all (else it runs with no
   * intercept): its exit reason from the opcode table, and the control for that reason.
   */
  private mayExit(insn: DecodedInsn): boolean {
    const c = systemClassOf(insn);
    if (c === null || c.vmExit < 0) return false;
    if ((c.bits & SYS.vmExitAlways) !== 0) return true;
    const k = this.controls;
    switch (c.vmExit) {
      case VMX_EXIT.HLT:
        return k.hlt;
      case VMX_EXIT.INVLPG:
        return k.invlpg || this.shadow;
      case VMX_EXIT.RDTSC:
        return k.rdtsc;
      case VMX_EXIT.DR_ACCESS:
        return k.dr;
      case VMX_EXIT.WBINVD:
        return k.wbinvd;
      case VMX_EXIT.GDTR_IDTR:
      case VMX_EXIT.LDTR_TR:
        return k.descriptorTables;
      case VMX_EXIT.IO_INSTRUCTION:
        return k.io !== "none";
      case VMX_EXIT.RDMSR:
      case VMX_EXIT.WRMSR:
        return true; // MSRs outside the bitmaps' ranges exit whatever they say
      case VMX_EXIT.CR_ACCESS:
        return this.crMayExit(insn);
      default:
        return false;
    }
  }

  /** MOV CRn, CLTS, LMSW: which forms the CR controls can make exit (SDM vol.3 §25.1.3). */
  private crMayExit(insn: DecodedInsn): boolean {
    const k = this.controls;
    const cr3 = this.shadow || k.cr3Load;
    switch (insn.opcode) {
      case 0x122: // MOV to CRn
        return insn.reg === 0 ? k.cr0Mask !== 0 : insn.reg === 3 ? cr3 : insn.reg === 4 ? k.cr4Mask !== 0 : false;
      case 0x120: // MOV from CRn: CR0 and CR4 read the read shadows
        return insn.reg === 3 && (this.shadow || k.cr3Store);
      case 0x106: // CLTS
        return (k.cr0Mask & CR0_TS) !== 0;
      default: // LMSW
        return (k.cr0Mask & 0xf) !== 0;
    }
  }

  // ---- the exit ----

  /**
   * At an intercepted instruction (the CPU's state is from before it): whether the hardware
   * exits there, and with what label, or null when the instruction runs without exiting.
   */
  private exitOf(insn: DecodedInsn): [VmxExitName, string] | null {
    const cpu = this.cpu;
    const c = systemClassOf(insn)!;
    const reason = REASON_NAME.get(c.vmExit)!;
    // SDM vol.3 §25.1.1: the privilege checks come before the exit.
    if ((c.bits & SYS.privileged) !== 0 && cpu.cpl > 0) return null;
    if ((c.bits & SYS.vmExitAlways) !== 0) return [reason, c.name];
    const k = this.controls;
    switch (c.vmExit) {
      case VMX_EXIT.RDTSC:
        return (cpu.cr4 & 4) !== 0 && cpu.cpl > 0 ? null : [reason, c.name];
      case VMX_EXIT.IO_INSTRUCTION: {
        if (k.io === "all") return [reason, c.name];
        const imm = insn.opcode === 0xe4 || insn.opcode === 0xe5 || insn.opcode === 0xe6 || insn.opcode === 0xe7;
        const port = imm ? insn.imm & 0xff : cpu.regs[2]! & 0xffff;
        const size = (insn.opcode & 1) === 0 ? 1 : insn.opSize >>> 3;
        for (let p = port; p < port + size; p++) {
          // An access that wraps past port 0xFFFF exits (SDM vol.3 §25.1.3).
          if (p > 0xffff || (k.io !== "none" && k.io.has(p))) return [reason, `${c.name} 0x${port.toString(16).padStart(4, "0")}`];
        }
        return null;
      }
      case VMX_EXIT.RDMSR:
      case VMX_EXIT.WRMSR: {
        const msr = cpu.regs[1]! >>> 0;
        const exits = k.msr === "all" || !msrInBitmaps(msr) || (k.msr !== "none" && k.msr.has(msr));
        return exits ? [reason, `${c.name} 0x${msr.toString(16)}`] : null;
      }
      case VMX_EXIT.CR_ACCESS:
        return this.crExit(insn);
      default:
        return [reason, c.name];
    }
  }

  /** CR_ACCESS, before the instruction (LMSW is decided after it: see {@link complete}). */
  private crExit(insn: DecodedInsn): [VmxExitName, string] | null {
    const cpu = this.cpu;
    const k = this.controls;
    switch (insn.opcode) {
      case 0x122: {
        const v = cpu.regs[insn.rm]! >>> 0;
        // A MOV to CR0/CR4 exits when a bit the monitor owns would differ from the read
        // shadow, which is the guest's own value here.
        if (insn.reg === 0) return ((v ^ cpu.cr0) & k.cr0Mask) !== 0 ? ["CR_ACCESS", "mov to cr0"] : null;
        if (insn.reg === 4) return ((v ^ cpu.cr4) & k.cr4Mask) !== 0 ? ["CR_ACCESS", "mov to cr4"] : null;
        return insn.reg === 3 ? ["CR_ACCESS", "mov to cr3"] : null;
      }
      case 0x120:
        return insn.reg === 3 ? ["CR_ACCESS", "mov from cr3"] : null;
      case 0x106:
        return (cpu.cr0 & CR0_TS) !== 0 ? ["CR_ACCESS", "clts"] : null;
      default:
        return null;
    }
  }

  /** Runs the intercepted instruction with the CPU's own semantics, counting its exit. */
  private complete(insn: DecodedInsn): StopReason | null {
    const cpu = this.cpu;
    const before = cpu.clock.instructions;
    const decided = this.exitOf(insn);
    const lmsw = insn.opcode === 0x101 && insn.reg === 6 && cpu.cpl === 0;
    const cr0 = cpu.cr0;
    this.emulating = true;
    let r: StopReason;
    try {
      r = cpu.executeOne(insn);
    } finally {
      this.emulating = false;
    }
    let exit = decided;
    // An I/O instruction the IOPL or the TSS I/O bitmap refuses raises #GP(0) before any exit.
    if (exit !== null && exit[0] === "IO_INSTRUCTION" && cpu.lastStepFaulted && cpu.lastStepFaultVector === GP) exit = null;
    // LMSW exits when it changes a bit of CR0's low four the monitor owns (SDM vol.3 §25.1.3;
    // it cannot clear PE), which is what it did: decided afterwards, from CR0 before and after.
    if (lmsw && ((cpu.cr0 ^ cr0) & this.controls.cr0Mask & 0xf) !== 0) exit = ["CR_ACCESS", "lmsw"];
    // An intercepted instruction the hardware would not have exited on ran in the guest.
    if (exit !== null) {
      this.stats.record(exit[0], exit[1]);
      this.emulatedRetired += cpu.clock.instructions - before;
    } else this.directRetired += cpu.clock.instructions - before;
    this.checkInterruptWindow();
    return r.kind === "budget" ? null : r;
  }

  /**
   * With external-interrupt exiting, an interrupt that arrives while the guest cannot take
   * it (IF = 0, an STI/MOV SS shadow) exits at once; the monitor then sets interrupt-window
   * exiting and takes one more exit when the guest can, to inject it. Checked when the
   * monitor has control (each slice, each exit), as the arrival itself is the device's.
   */
  private checkInterruptWindow(): void {
    if (!this.controls.extint || this.windowArmed) return;
    if (!this.cpu.interruptsEnabled() && this.cpu.bus.interrupts.hasPendingInterrupt()) this.windowArmed = true;
  }

  // ---- the machine's side ----

  run(budget: number): StopReason {
    const cpu = this.cpu;
    const clock = cpu.clock;
    const end = clock.instructions + budget;
    const w = cpu.pageWalks;
    const walks = w.walks;
    const completed = w.completed;
    const reads = w.entryReads;
    this.stopAsked = false;
    this.checkInterruptWindow();
    try {
      for (;;) {
        const left = end - clock.instructions;
        if (this.stopAsked || left <= 0) return STOP_BUDGET;
        this.exitAt = null;
        const before = clock.instructions;
        const stop = cpu.run(left);
        this.directRetired += clock.instructions - before;
        if (stop.kind === "exception" && this.exitAt !== null) {
          const insn = this.exitAt;
          this.exitAt = null;
          const r = this.complete(insn);
          if (r !== null) return this.stopped(r);
          continue;
        }
        if (stop.kind !== "budget") return this.stopped(stop);
      }
    } finally {
      const fills = w.completed - completed;
      this.walks += w.walks - walks;
      this.completedWalks += fills;
      this.entryReads += w.entryReads - reads;
      if (this.shadow && fills > 0) this.stats.record("EXCEPTION_NMI", "#PF (shadow fill)", fills);
    }
  }

  private stopped(r: StopReason): StopReason {
    if (r.kind === "shutdown" && r.why === "triple fault") this.stats.record("TRIPLE_FAULT");
    return r;
  }

  interruptsEnabled(): boolean {
    return this.cpu.interruptsEnabled();
  }

  requestStop(): void {
    this.stopAsked = true;
    this.cpu.requestStop();
  }

  reset(): void {
    this.stats.reset();
    this.sites.clear();
    this.cpu.flushCodeCache();
    this.exitAt = null;
    this.windowArmed = false;
    this.directRetired = this.emulatedRetired = this.scanned = this.patched = 0;
    this.walks = this.completedWalks = this.entryReads = 0;
  }

  counters(): MonitorCounters {
    const measured: Record<string, number> = { "page walks": this.walks, "page-table entries read": this.entryReads };
    if (!this.shadow) {
      // Σ over walks of (n+1)(m+1)−1, n the guest entries that walk read: the guest's
      // entries and the final guest-physical address each take an m-level EPT walk.
      measured["nested walk references"] = (EPT_LEVELS + 1) * (this.entryReads + this.walks) - this.walks;
    } else measured["shadow fills"] = this.completedWalks;
    return { direct: this.directRetired, emulated: this.emulatedRetired, scanned: this.scanned, patched: this.patched, measured };
  }

  /**
   * Between runs the CPU holds all of the guest's state; the policy's own is what it
   * counted and whether an interrupt-window exit is armed. Intercepts live in the CPU's
   * decoded-code cache, which a snapshot does not keep: after a restore the guest's code is
   * intercepted again as it runs (so `scanned`/`patched` count that again).
   */
  saveState(): JsonValue {
    return {
      policy: this.name,
      paging: this.controls.paging,
      windowArmed: this.windowArmed,
      directRetired: this.directRetired,
      emulatedRetired: this.emulatedRetired,
      scanned: this.scanned,
      patched: this.patched,
      walks: [this.walks, this.completedWalks, this.entryReads],
      stats: this.stats.saveState() as unknown as JsonValue,
    };
  }

  loadState(state: JsonValue): void {
    const r = new StateReader("monitor state (vtx)");
    const o = r.object(state);
    r.choice(o, "policy", ["vtx"] as const);
    const paging = r.choice(o, "paging", ["shadow", "nested"] as const);
    if (paging !== this.controls.paging) throw new ConfigError(`monitor state (vtx): field 'paging': saved under ${paging} paging, restoring under ${this.controls.paging}`);
    const count = (key: string) => r.int(o, key, 0, Number.MAX_SAFE_INTEGER);
    const restored = {
      windowArmed: r.bool(o, "windowArmed"),
      directRetired: count("directRetired"),
      emulatedRetired: count("emulatedRetired"),
      scanned: count("scanned"),
      patched: count("patched"),
    };
    const walks = r.ints(o, "walks", 3, 0, Number.MAX_SAFE_INTEGER);
    this.stats.loadState(o["stats"] ?? null);
    Object.assign(this, restored);
    [this.walks, this.completedWalks, this.entryReads] = [walks[0] ?? 0, walks[1] ?? 0, walks[2] ?? 0];
    this.sites.clear();
    this.exitAt = null;
    this.cpu.flushCodeCache();
  }
}
