import { type Bus, ConfigError, type JsonValue, type StateObject, StateReader, type VirtualClock } from "@ringlab/sdk";
import { decode } from "./decode/decoder.js";
import { type DecodedInsn, Insn } from "./decode/insn.js";
import { addRR32, aluRI32, decR32, incR32, logicRR32, subRR32, testRI32, testRR32 } from "./exec/alu.js";
import { callRel32, jcc32, jmp32, jnz32, jz32, ret32 } from "./exec/control.js";
import { lea, movMR32, movRM32, movRR32, movRR32Rev, movZI32 } from "./exec/data.js";
import { shiftR32 } from "./exec/shift.js";
import { popZ32, pushZ32 } from "./exec/stack.js";
import { arithSt0, arithSti, fcomSti, fldSti, fxchSti } from "./exec/x87-register-forms.js";
import { CpuFault, fault, Unimplemented, unimplemented } from "./exceptions/cpu-fault.js";
import { deliverInterrupt, EventSource } from "./exceptions/delivery.js";
import { DB, DF_VEC, FaultClass, faultClass, GP } from "./exceptions/vectors.js";
import { undefinedOpcode } from "./exec/system.js";
import { type CpuModel, insnGroupMask, signatureOf } from "./model/cpu-model.js";
import { DEFAULT_CPU_MODEL } from "./model/cpu-models.js";
import { peekLinear } from "./mmu/debug-read.js";
import { loadPdptes } from "./mmu/pae-paging.js";
import { CR0_PG, CR4_PAE } from "./mmu/paging.js";
import { CpuMemory } from "./mmu/linear-memory.js";
import { CR0_AM, loadDataSegment, refreshSegCheck } from "./mmu/segmentation.js";
import { setAccessedBit } from "./mmu/descriptor.js";
import { sysRd32 } from "./mmu/system-access.js";
import type { ExitEvent, ExitKind } from "./state/cpu-state.js";
import { EFLAGS_FIXED1, EFLAGS_WRITABLE, IF, STATUS_FLAGS, TF, VM } from "./state/eflags.js";

/** DR6.BS: the #DB came from single-stepping. */
const DR6_BS = 0x4000;
import { getStatusFlags, setStatusFlags } from "./state/lazy-flags.js";
import { applyArchState, CPU_STATE_VERSION, readArchState, saveArchState } from "./state/cpu-snapshot.js";
import { FAULTED, NOT_RUN } from "./jit/jit-block.js";
import { HOT_THRESHOLD, JitEngine } from "./jit/jit-engine.js";
import type { Engine } from "./jit/engine-name.js";
import { CS, LDTR, SS, TR } from "./state/registers.js";
import { ATTR_ACCESSED, ATTR_P, ATTR_RW, ATTR_S, FLAT_CODE32_ATTR, FLAT_DATA32_ATTR } from "./state/segment-cache.js";

/** Why `run()` returned. */
export type StopReason =
  | { kind: "budget" }
  | { kind: "halt" }
  | { kind: "exception"; vector: number; errorCode?: number }
  | { kind: "shutdown"; why: string };

const STOP_BUDGET: StopReason = Object.freeze({ kind: "budget" });
const STOP_HALT: StopReason = Object.freeze({ kind: "halt" });

/** `pending` bits: something to look at between instructions. */
/** How many recently started instructions the CPU remembers for reports (a power of 2). */
export const RECENT_COUNT = 32;

/**
 * Marks an unused slot of the recent-instruction ring. An instruction could start at linear
 * 0xFFFFFFFF, but only as the last byte of the address space; a report would then omit it.
 */
const NO_RECENT = -1;

const P_STOP = 1;
const P_IRQ = 2;
/** EFLAGS.TF is set: run one instruction at a time and trap (#DB) after each. */
const P_STEP = 4;
/** The decoded-code view changed with the privilege class: the hot loop reloads it. */
const P_VIEW = 8;
/**
 * A handler signalled a fault ({@link Cpu.signalFault}) instead of throwing one: the run
 * loop un-counts the instruction and delivers the fault as if it had been thrown.
 */
const P_FAULT = 16;

/** What the run loop returns (in place of a caught exception) for a signalled fault. */
const SIGNALLED_FAULT = Symbol("signalled fault");

/**
 * The IA-32 core: registers, decode cache, run loop and event delivery. It is the hardware —
 * it knows nothing of monitors; the layer above may claim exceptions and interrupts through
 * {@link CpuState.exitHook}.
 */
export class Cpu extends CpuMemory {
  readonly clock: VirtualClock;
  /** Offset (in CS) of the instruction that faulted: where the fault rewinds EIP to. */
  insnEip = 0;
  /** 0xFFFFFFFF or 0xFFFF: EIP wraps at the code segment's offset size. */
  private ipMask = 0xffff;
  private budget = 0;
  /** Instructions retired so far in the current slice. */
  private n = 0;
  private pending = 0;
  /** The fault a handler signalled (P_FAULT): vector and error code (-1: none). */
  private signalledVector = 0;
  private signalledCode = -1;
  private stopReason: StopReason | null = null;
  /** Absolute instruction count before which interrupts stay inhibited (STI, MOV/POP SS). */
  private shadowEnd = -1;
  private vifRaised = -1;
  private shutdownWhy: string | null = null;
  /**
   * Linear addresses of the last {@link RECENT_COUNT} instructions started, a ring whose next
   * slot is {@link recentNext}; unused slots hold {@link NO_RECENT}. What a crash report
   * disassembles; it costs one store per instruction.
   */
  private readonly recent = new Int32Array(RECENT_COUNT).fill(NO_RECENT);
  /**
   * Called before each instruction with its linear address and EIP, when set (`--trace`).
   * Setting it makes the CPU step one instruction at a time: slow, for debugging only.
   */
  traceHook: ((lin: number, eip: number) => void) | undefined = undefined;
  /**
   * Host hook consulted for each instruction decoded into the decoded-instruction cache (the
   * CPU's instruction view of guest memory), before it first runs: returning bytes makes the
   * CPU decode and run those bytes at that address instead, until the page's decoded code is
   * dropped (a guest write into it, a flush). Guest reads of the page still see the guest's
   * own bytes. This is where a scan-and-patch monitor puts its patches (a trapping opcode over
   * each sensitive instruction); {@link executeOne} ignores it.
   */
  patchHook: ((lin: number, insn: DecodedInsn) => Uint8Array | null) | undefined = undefined;
  /**
   * Whether an external interrupt is acknowledged at the interrupt controller before the exit
   * hook sees it (VT-x's "acknowledge interrupt on exit" control). When false, the hook is
   * offered `{kind: "external", vector: -1}` first; if it claims it, the request stays pending
   * at the controller, for the host to acknowledge (`bus.interrupts.acknowledge()`) and
   * {@link inject} when it chooses.
   */
  acknowledgeOnExit = true;
  /**
   * Called after each interrupt or exception the guest receives through its own IDT (or
   * real-mode IVT): `cs:eip` is where it was interrupted (the return address pushed; the
   * faulting instruction for a fault), `errorCode` -1 when none was pushed. Events an exit
   * hook claims are not deliveries and do not show. The run's event log (what "the guest
   * cannot tell the policies apart" compares) is built from it; `clock.instructions` gives
   * the retired-instruction count at which the event was taken.
   */
  deliveryHook: ((vector: number, kind: ExitKind, cs: number, eip: number, errorCode: number) => void) | undefined =
    undefined;
  private recentNext = 0;
  /**
   * The block JIT (jit/), or null to interpret everything (the reference engine). Set with
   * {@link setEngine}; used only while no trace hook is set (patched code runs translated: a patch ends a block).
   */
  private jit: JitEngine | null = null;
  /** Set when the instruction run by `stepOne` faulted / was INT n, INT3 or INTO. */
  private stepFaulted = false;
  private stepSoftInt = false;
  /** The vector of the fault the last {@link executeOne} raised, -1 for none. */
  private stepFaultVector = -1;

  /** The part this CPU is (model/cpu-models.ts): what CPUID reports, which instructions exist. */
  readonly model: CpuModel;
  /** The model's instruction groups as the decoder's mask. */
  private readonly insnGroups: number;

  constructor(bus: Bus, clock: VirtualClock, model: CpuModel = DEFAULT_CPU_MODEL) {
    super(bus);
    this.clock = clock;
    this.model = model;
    this.insnGroups = insnGroupMask(model.instructions);
    // Devices read the clock in the middle of a slice (a PIT counter read): it counts what
    // this slice has retired so far.
    clock.setInFlight(() => this.n);
    // Interrupt recognition is an event (SDM vol.3 §6.8.3): the controller tells the CPU
    // whenever INTR may have changed, and INTR is sampled at the very next boundary.
    bus.setInterruptRequestListener(() => {
      this.pending |= P_IRQ;
    });
    this.reset();
  }

  /** Power-on state (SDM vol.3 table 9-1): real mode at F000:FFF0. */
  reset(): void {
    this.recent.fill(NO_RECENT);
    this.recentNext = 0;
    this.regs.fill(0);
    // EDX holds the processor signature after reset (SDM vol.3 §9.1.4).
    this.regs[2] = signatureOf(this.model);
    this.setEflags(EFLAGS_FIXED1);
    for (let s = 0; s < 8; s++) {
      this.segSel[s] = 0;
      this.segBase[s] = 0;
      this.segLimit[s] = 0xffff;
      this.segAttr[s] = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED;
    }
    this.segSel[CS] = 0xf000;
    this.segBase[CS] = 0xffff0000 | 0;
    this.segAttr[LDTR] = ATTR_P | 2;
    this.segAttr[TR] = ATTR_P | 3;
    for (let s = 0; s < 8; s++) refreshSegCheck(this, s);
    this.eip = 0xfff0;
    this.gdtrBase = 0;
    this.gdtrLimit = 0xffff;
    this.idtrBase = 0;
    this.idtrLimit = 0xffff;
    this.cr0 = 0x60000010;
    if (this.pager !== null) this.pagingChanged();
    this.cr2 = this.cr3 = this.cr4 = 0;
    this.pdpte.fill(0);
    this.dr.fill(0);
    this.dr[6] = 0xffff0ff0 | 0;
    this.dr[7] = 0x400;
    this.cpl = 0;
    this.code32 = false;
    this.ipMask = 0xffff;
    this.stackMask = 0xffff;
    this.tscOffset = 0;
    this.sysenterCs = this.sysenterEsp = this.sysenterEip = 0;
    this.mtrrs.reset();
    this.halted = false;
    this.fpu.powerOn();
    this.shutdownWhy = null;
    this.shadowEnd = -1;
    this.vifRaised = -1;
    this.pending = 0;
    this.stopReason = null;
    this.code.flush();
  }

  /**
   * The whole CPU as plain JSON, between runs (not from inside an instruction handler): the
   * architectural registers ({@link saveArchState}: segment caches, control, debug and
   * descriptor-table registers, MSRs, x87), whether it is halted or shut down, and what the
   * run loop keeps between instructions — an interrupt request or single-step trap waiting
   * for the next boundary, the STI / MOV SS shadow and the last VIF-raising STI (both as
   * absolute instruction counts, so the clock's state must be restored with it), and the
   * recent-instruction ring that crash reports show. Decoded code and JIT translations are
   * caches and are not saved.
   */
  saveState(): StateObject {
    if (this.budget !== 0) throw new Error("Cpu.saveState: called during a run; save between runs");
    return {
      version: CPU_STATE_VERSION,
      arch: saveArchState(this, this.getEflags()),
      insnEip: this.insnEip,
      pending: this.pending & (P_IRQ | P_STEP),
      shadowEnd: this.shadowEnd,
      vifRaised: this.vifRaised,
      shutdown: this.shutdownWhy,
      recent: Array.from(this.recent),
      recentNext: this.recentNext,
    };
  }

  /**
   * Restores {@link saveState}'s output (refusing, by field, one it did not write) and then
   * rebuilds what derives from it: the segments' check flags, EIP's wrap mask, the paging
   * unit and its tables for the CPL; every cached translation, decoded instruction and JIT
   * block is dropped (TLB and code caches start cold, as after a flush).
   */
  loadState(state: JsonValue): void {
    const r = new StateReader("cpu state");
    const o = r.object(state);
    const version = r.int(o, "version", 0, Number.MAX_SAFE_INTEGER);
    if (version !== CPU_STATE_VERSION) {
      throw new ConfigError(`cpu state: schema version ${version}, this build reads version ${CPU_STATE_VERSION}`);
    }
    const arch = readArchState(r, r.object(o["arch"], "arch"));
    const insnEip = r.int(o, "insnEip", -0x80000000, 0xffffffff);
    const pending = r.int(o, "pending", 0, P_IRQ | P_STEP);
    const shadowEnd = r.int(o, "shadowEnd", -1, Number.MAX_SAFE_INTEGER);
    const vifRaised = r.int(o, "vifRaised", -1, Number.MAX_SAFE_INTEGER);
    const shutdown = o["shutdown"];
    if (shutdown !== null && typeof shutdown !== "string") throw new ConfigError("cpu state: field 'shutdown': expected null or a reason");
    const recent = r.ints(o, "recent", RECENT_COUNT, -0x80000000, 0xffffffff);
    if (recent.length !== RECENT_COUNT) throw new ConfigError(`cpu state: field 'recent': expected ${RECENT_COUNT} addresses`);
    const recentNext = r.int(o, "recentNext", 0, RECENT_COUNT - 1);

    this.reset();
    applyArchState(this, arch);
    // The status flags go back un-lazy; IF/TF set their pending bits, which are then
    // replaced by the saved ones (exactly what was waiting for the next boundary).
    this.setEflags(arch.eflags);
    this.pending = pending;
    for (let s = 0; s < 8; s++) refreshSegCheck(this, s);
    this.ipMask = this.code32 ? -1 : 0xffff;
    this.insnEip = insnEip;
    this.shadowEnd = shadowEnd;
    this.vifRaised = vifRaised;
    this.shutdownWhy = shutdown;
    this.recent.set(recent.map((v) => v | 0));
    this.recentNext = recentNext;
    // Builds (or drops) the paging unit for CR0.PG with the restored CPL and rights, and
    // flushes every translation and decoded instruction — JIT blocks hang off those.
    this.pagingChanged();
    this.code.flush();
    this.pending &= P_IRQ | P_STEP;
  }

  /**
   * 32-bit protected mode, flat 4 GiB code/data segments (base 0), CPL 0, paging off, IF=0,
   * EFLAGS=0x2: the Multiboot entry state minus EAX/EBX. CS = `codeSel` (0x08), the data
   * selectors `dataSel` (0x10); the GDTR is left as it is.
   */
  setFlat32(eip: number, codeSel = 0x08, dataSel = 0x10): void {
    for (let s = 0; s < 6; s++) {
      this.segSel[s] = s === CS ? codeSel : dataSel;
      this.segBase[s] = 0;
      this.segLimit[s] = -1;
      this.segAttr[s] = s === CS ? FLAT_CODE32_ATTR : FLAT_DATA32_ATTR;
      refreshSegCheck(this, s);
    }
    this.cr0 = (this.cr0 & ~0x80000000) | 0x11;
    if (this.pager !== null) this.pagingChanged();
    this.cpl = 0;
    this.code32 = true;
    this.ipMask = -1;
    this.stackMask = 0xffffffff;
    this.setEflags(EFLAGS_FIXED1);
    this.eip = eip >>> 0;
    this.halted = false;
    this.shutdownWhy = null;
    this.code.flush();
  }

  /**
   * Chooses the execution engine: `interp` (the interpreter, the reference) or `jit` (hot
   * straight-line blocks translated into JS functions, the rest interpreted). Both retire
   * the same instructions with the same results, faults and interrupt boundaries.
   * `hotThreshold`: how often an instruction is interpreted before its block is translated
   * (1 translates at first sight: what differential tests use).
   */
  setEngine(engine: Engine, hotThreshold = HOT_THRESHOLD): void {
    this.jit = engine === "jit" ? new JitEngine((eip, lin) => this.jitFetch(eip, lin), hotThreshold) : null;
  }

  /** The engine in use. */
  get engine(): Engine {
    return this.jit === null ? "interp" : "jit";
  }

  /** The JIT engine (statistics for tests and benchmarks), or null when interpreting. */
  get jitEngine(): JitEngine | null {
    return this.jit;
  }

  /** General register `i` (0=EAX 1=ECX 2=EDX 3=EBX 4=ESP 5=EBP 6=ESI 7=EDI), unsigned. */
  getReg32(i: number): number {
    return this.regs[i & 7]! >>> 0;
  }

  /** Sets general register `i` (same numbering as {@link getReg32}). */
  setReg32(i: number, v: number): void {
    this.regs[i & 7] = v;
  }

  /** EFLAGS with the lazily kept status flags materialised. */
  getEflags(): number {
    return (this.eflagsRest | getStatusFlags(this)) >>> 0;
  }

  /** Sets EFLAGS as a whole (reserved bits forced: bit 1 = 1, others 0). */
  setEflags(v: number): void {
    this.eflagsRest = (v & EFLAGS_WRITABLE & ~STATUS_FLAGS) | EFLAGS_FIXED1;
    setStatusFlags(this, v);
    if (v & IF) this.pending |= P_IRQ;
    if (v & TF) this.pending |= P_STEP;
  }

  /**
   * The EFLAGS bits other than the six status flags (IF, IOPL, VIF, VIP, VM, TF, DF...), read
   * without materialising the lazily kept status flags.
   */
  get systemFlags(): number {
    return this.eflagsRest >>> 0;
  }

  /**
   * Changes the EFLAGS bits in `mask` as {@link setEflags} would, leaving the six status
   * flags (never part of `mask`) lazily kept: a monitor's world switch changes IF, IOPL,
   * VIF and VIP on every exit, and must not pay for computing the arithmetic flags.
   */
  writeSystemFlags(v: number, mask: number): void {
    const m = mask & EFLAGS_WRITABLE & ~STATUS_FLAGS;
    const rest = (this.eflagsRest & ~m) | (v & m) | EFLAGS_FIXED1;
    this.eflagsRest = rest;
    if (rest & IF) this.pending |= P_IRQ;
    if (rest & TF) this.pending |= P_STEP;
  }

  /** Changes only the EFLAGS bits in `mask` (POPF, IRET). */
  writeEflags(v: number, mask: number): void {
    this.setEflags((this.getEflags() & ~mask) | (v & mask));
  }

  /**
   * Retires at most `budget` instructions (calls clock.retire for what it retired) and
   * returns why it stopped.
   */
  run(budget: number): StopReason {
    if (this.shutdownWhy !== null) return { kind: "shutdown", why: this.shutdownWhy };
    this.budget = budget;
    this.n = 0;
    try {
      return this.runSlice();
    } finally {
      this.clock.retire(this.n);
      this.n = 0;
      this.budget = 0;
    }
  }

  /**
   * Linear addresses of the last instructions started (at most {@link RECENT_COUNT}), oldest
   * first; the last one is the instruction that was executing when the run stopped.
   */
  recentInstructions(): number[] {
    const out: number[] = [];
    for (let k = 0; k < RECENT_COUNT; k++) {
      const lin = this.recent[(this.recentNext + k) & (RECENT_COUNT - 1)]!;
      if (lin !== NO_RECENT) out.push(lin >>> 0);
    }
    return out;
  }

  /**
   * Reads guest memory at a linear address through the current page tables without any side
   * effect (no A/D bits, no faults): for reports and debuggers. Stops at an unmapped page.
   */
  peekLinear(lin: number, length: number): Uint8Array {
    return peekLinear(this.bus.memory, this.cr0, this.cr3, this.cr4, lin, length, this.pdpte);
  }

  /** Drops every decoded instruction (e.g. after the host wrote guest memory directly). */
  flushCodeCache(): void {
    this.code.flush();
  }

  /**
   * True when an external interrupt would be taken now: IF=1 and no STI / MOV SS shadow.
   * The machine loop asks it when the CPU halts, to tell a wait from a hang.
   */
  interruptsEnabled(): boolean {
    return (this.eflagsRest & IF) !== 0 && this.retiredTotal() >= this.shadowEnd;
  }

  /**
   * Ends the current slice after the instruction in progress, e.g. when a device asked the
   * machine to stop from inside an OUT. run() then returns {kind: "budget"}.
   */
  requestStop(): void {
    this.stopReason ??= STOP_BUDGET;
    this.pending |= P_STOP;
  }

  private runSlice(): StopReason {
    for (;;) {
      if (this.pending !== 0) {
        // At the slice's end only a stop is reported: an interrupt requested there is
        // sampled at the start of the next slice, at the same instruction boundary but after
        // the timers due there fired (DESIGN.md: timers fire, then a pending interrupt is
        // delivered) — the same order whatever ended the slice and whichever policy runs.
        const r = this.n < this.budget ? this.service() : this.takeStop();
        if (r !== null) return r;
      }
      if (this.halted) return STOP_HALT;
      if (this.n >= this.budget) return STOP_BUDGET;
      if ((this.pending & P_STEP) !== 0) continue; // single-stepping: service() runs each one
      let thrown: unknown;
      try {
        thrown = this.traceHook === undefined ? this.loop() : this.tracedStep(this.traceHook);
      } catch (e) {
        thrown = e;
      }
      if (thrown !== undefined) {
        const r = this.onThrow(thrown);
        if (r !== null) return r;
      }
    }
  }

  /**
   * Tracing: one instruction at a time through the same loop, telling the hook about each
   * before it runs (each REP iteration counts as one). The untraced path pays nothing.
   */
  private tracedStep(hook: (lin: number, eip: number) => void): unknown {
    const saved = this.budget;
    this.budget = this.n + 1;
    try {
      hook((this.segBase[CS]! + this.eip) >>> 0, this.eip);
      return this.loop();
    } finally {
      this.budget = saved;
    }
  }

  /**
   * The hot loop: fetch a decoded instruction from the page cache, run it, count it. The
   * instruction's own offset stays in a local; only a fault (caught here) publishes it. A
   * fault is returned rather than thrown on (a second throw costs as much as the first).
   */
  private loop(): unknown {
    let pages = this.code.pages;
    const segBase = this.segBase;
    const budget = this.budget;
    const jit = this.traceHook === undefined ? this.jit : null;
    let eip = this.eip;
    try {
      while (this.n < budget) {
        eip = this.eip;
        const lin = (segBase[CS]! + eip) | 0;
        const p = pages[lin >>> 12];
        let insn = p !== null ? p![lin & 0xfff] : undefined;
        if (insn === undefined) insn = this.decodeAt(eip, lin);
        if (jit !== null) {
          // The JIT hook: run the translated block starting here, if any (jit/jit-engine.ts).
          const r = jit.enter(this, insn, budget - this.n);
          if (r !== NOT_RUN) {
            if (r === FAULTED) {
              this.insnEip = this.eip;
              return jit.takeFault();
            }
            if (this.pending !== 0) {
              if (this.pending !== P_VIEW) return;
              this.pending = 0;
              pages = this.code.pages;
            }
            continue;
          }
        }
        this.recent[this.recentNext] = lin;
        this.recentNext = (this.recentNext + 1) & (RECENT_COUNT - 1);
        this.eip = ((eip + insn.len) & this.ipMask) >>> 0;
        // Hot handlers are called directly (see decode/hot-handlers.ts for the numbering).
        switch (insn.fast) {
          case 1: movRR32(this, insn); break;
          case 2: movRR32Rev(this, insn); break;
          case 3: movRM32(this, insn); break;
          case 4: movMR32(this, insn); break;
          case 5: movZI32(this, insn); break;
          case 6: addRR32(this, insn); break;
          case 7: subRR32(this, insn); break;
          case 8: logicRR32(this, insn); break;
          case 9: aluRI32(this, insn); break;
          case 10: incR32(this, insn); break;
          case 11: decR32(this, insn); break;
          case 12: testRR32(this, insn); break;
          case 13: testRI32(this, insn); break;
          case 14: jz32(this, insn); break;
          case 15: jnz32(this, insn); break;
          case 16: jcc32(this, insn); break;
          case 17: jmp32(this, insn); break;
          case 18: callRel32(this, insn); break;
          case 19: ret32(this, insn); break;
          case 20: pushZ32(this, insn); break;
          case 21: popZ32(this, insn); break;
          case 22: shiftR32(this, insn); break;
          case 23: lea(this, insn); break;
          case 24: arithSt0(this, insn); break;
          case 25: arithSti(this, insn); break;
          case 26: fldSti(this, insn); break;
          case 27: fxchSti(this, insn); break;
          case 28: fcomSti(this, insn); break;
          default: insn.handler(this, insn);
        }
        this.n++;
        if (this.pending !== 0) {
          if ((this.pending & P_FAULT) !== 0) {
            // The handler signalled a fault before changing anything: it did not retire.
            this.n--;
            this.insnEip = eip;
            return SIGNALLED_FAULT;
          }
          // Only the code view changed (a CPL change under paging): reload it and go on.
          if (this.pending !== P_VIEW) return;
          this.pending = 0;
          pages = this.code.pages;
        }
      }
    } catch (e) {
      this.insnEip = eip;
      return e;
    }
    return undefined;
  }

  /**
   * For the JIT's block builder: the decoded instruction at CS:`eip` (linear `lin`) as the
   * run loop would cache it (decoding and caching it now), or undefined when the page is not
   * in the current code view or the instruction cannot be cached (a page crossing, a fault).
   */
  private jitFetch(eip: number, lin: number): Insn | undefined {
    const page = lin >>> 12;
    const slots = this.code.pages[page];
    if (slots === null || slots === undefined) return undefined;
    const cached = slots[lin & 0xfff];
    if (cached !== undefined) return cached;
    let insn: Insn;
    try {
      insn = this.decodeAt(eip, lin);
    } catch {
      return undefined;
    }
    return this.code.pages[page]?.[lin & 0xfff] === insn ? insn : undefined;
  }

  /** Decodes the instruction at CS:`eip` (linear `lin`) from guest memory, checking CS's limit. */
  private decodeFromMemory(eip: number, lin: number): Insn {
    const limit = this.segLimit[CS]! >>> 0;
    if (eip > limit) fault(GP, 0);
    const insn = new Insn(undefinedOpcode);
    decode((k) => this.rd8((lin + k) | 0), this.code32, insn, this.insnGroups);
    if (eip + insn.len - 1 > limit) fault(GP, 0);
    return insn;
  }

  protected override codeViewChanged(): void {
    this.pending |= P_VIEW;
  }

  private decodeAt(eip: number, lin: number): Insn {
    this.insnEip = eip;
    const code = this.code;
    const page = lin >>> 12;
    if (code.isParked(page)) {
      // Set aside at a CR3 load: translate the page again (a fault here is the fetch's own,
      // after its CS limit check) and get its instructions back if it still maps the
      // physical page they came from.
      if (eip > this.segLimit[CS]! >>> 0) fault(GP, 0);
      const pager = this.pager!;
      pager.translate(this, lin, false);
      code.unpark(page, this.directPage(page) ? pager.physOf[page]! : -1);
    }
    if (code.pages !== code.all) {
      // A user fetch from a page whose code was cached by supervisor fetches: the fetch's own
      // checks (CS limit, then U/S through the user tables: #PF from a supervisor page), and
      // the page joins the user view with its instructions as they are (not scanned again).
      const cached = code.all[lin >>> 12]?.[lin & 0xfff];
      if (cached !== undefined) {
        const limit = this.segLimit[CS]! >>> 0;
        if (eip > limit || eip + cached.len - 1 > limit) fault(GP, 0);
        this.rd8(lin);
        if (this.directPage(lin >>> 12)) {
          code.linkUser(lin >>> 12);
          return cached;
        }
      }
    }
    let insn = this.decodeFromMemory(eip, lin);
    // The guest's bytes the cached entry stands for: a patch covers the whole instruction,
    // so a write to any of its bytes must drop it.
    const span = insn.len;
    const patch = this.patchHook?.(lin >>> 0, insn);
    if (patch) {
      insn = new Insn(undefinedOpcode);
      decode((k) => (k < patch.length ? patch[k]! : 0x90), this.code32, insn, this.insnGroups);
    }
    const off = lin & 0xfff;
    if (off + span <= 0x1000 && this.directPage(page)) {
      this.noteCodeSource(page);
      this.code.store(page, off, insn, span);
    }
    return insn;
  }

  /** Runs exactly one instruction (or delivers its fault). */
  private stepOne(): StopReason | null {
    const saved = this.budget;
    this.budget = this.n + 1;
    this.stepFaulted = false;
    this.stepSoftInt = false;
    const thrown = this.loop();
    if (thrown !== undefined) {
      this.stepFaulted = true;
      const r = this.onThrow(thrown);
      if (r !== null) {
        this.budget = saved;
        return r;
      }
    }
    this.budget = saved;
    return null;
  }

  private onThrow(e: unknown): StopReason | null {
    if (e === SIGNALLED_FAULT) return this.deliverSignalledFault();
    if (e instanceof CpuFault) {
      this.eip = e.eip >= 0 ? e.eip : this.insnEip;
      return this.raise(e.vector, e.errorCode, "fault", this.eip, EventSource.Exception);
    }
    if (e instanceof Unimplemented) return this.shutdown(`not implemented yet: ${e.what}`);
    throw e;
  }

  /**
   * Raises exception `vector` from inside an instruction handler without throwing: the
   * handler must return at once, having changed nothing, and the run loop then delivers the
   * fault exactly as a thrown {@link CpuFault} (EIP rewound, the instruction not retired,
   * offered to the exit hook, then through the IDT). For the checks a monitor meets on every
   * exit (privileged instructions, IOPL and the I/O bitmap, CLI/STI), where a JS exception
   * would cost more than the rest of the exit (issue 15: "exits without exceptions").
   */
  signalFault(vector: number, errorCode = -1): void {
    this.signalledVector = vector;
    this.signalledCode = errorCode;
    this.pending |= P_FAULT;
  }

  private deliverSignalledFault(): StopReason | null {
    this.pending &= ~P_FAULT;
    this.eip = this.insnEip;
    return this.raise(this.signalledVector, this.signalledCode, "fault", this.eip, EventSource.Exception);
  }

  private shutdown(why: string): StopReason {
    this.shutdownWhy = why;
    return { kind: "shutdown", why };
  }

  /** Offers the event to the exit hook, then delivers it through the IDT. */
  private raise(vector: number, errorCode: number, kind: ExitKind, eip: number, source: EventSource): StopReason | null {
    const hook = this.exitHook;
    if (hook !== undefined) {
      const ev: ExitEvent = { vector, kind, eip };
      if (errorCode >= 0) ev.errorCode = errorCode;
      if (hook(ev)) return errorCode >= 0 ? { kind: "exception", vector, errorCode } : { kind: "exception", vector };
    }
    try {
      const cs = this.segSel[CS]!;
      deliverInterrupt(this, vector, errorCode, eip, source);
      this.halted = false;
      this.deliveryHook?.(vector, kind, cs, eip >>> 0, errorCode);
      return null;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      // SDM vol.3 table 6-5: a contributory fault while delivering a contributory fault (or
      // anything but a benign one while delivering a page fault) is a double fault; a fault
      // while delivering #DF shuts the processor down.
      if (vector === DF_VEC && source === EventSource.Exception) return this.shutdown("triple fault");
      const first = source === EventSource.Exception ? faultClass(vector) : FaultClass.Benign;
      const second = faultClass(e.vector);
      const dbl =
        (first === FaultClass.Contributory && second === FaultClass.Contributory) ||
        (first === FaultClass.PageFault && second !== FaultClass.Benign);
      if (dbl) return this.raise(DF_VEC, 0, "fault", this.eip, EventSource.Exception);
      return this.raise(e.vector, e.errorCode, "fault", this.eip, EventSource.Exception);
    }
  }

  /** A pending stop request, taken. */
  private takeStop(): StopReason | null {
    if (!(this.pending & P_STOP)) return null;
    this.pending &= ~P_STOP;
    const r = this.stopReason;
    this.stopReason = null;
    return r;
  }

  private service(): StopReason | null {
    this.pending &= ~P_VIEW;
    const stop = this.takeStop();
    if (stop !== null) return stop;
    if (this.pending & P_IRQ) {
      if (this.retiredTotal() < this.shadowEnd) {
        // Inside an STI / MOV SS shadow: run the shadowed instruction first. If it opens a
        // shadow of its own (STI; MOV SS, MOV SS; STI...), that one is honoured too: the SDM
        // guarantees only the first of such a sequence delays, and allows every one to
        // (vol.2 "MOV", "STI"). QEMU delays only for the first; Bochs for STI; MOV SS and
        // MOV SS; STI too, but not for a second MOV SS in a row (test/guests/README.md).
        // The monitors' emulated steps come through here alike, so every policy agrees.
        do {
          if (this.n >= this.budget || this.halted) return null;
          const r = this.stepOne();
          if (r !== null) return r;
          if (this.pending & P_STOP) return this.service();
        } while (this.retiredTotal() < this.shadowEnd);
        if (this.n >= this.budget) return null; // sampled at the next slice, as above
      }
      this.pending &= ~P_IRQ;
      if (this.eflagsRest & IF && this.bus.interrupts.hasPendingInterrupt()) {
        if (!this.acknowledgeOnExit && this.exitHook !== undefined && this.exitHook({ vector: -1, kind: "external", eip: this.eip })) {
          return { kind: "exception", vector: -1 };
        }
        const vector = this.bus.interrupts.acknowledge() & 0xff;
        const r = this.raise(vector, -1, "external", this.eip, EventSource.External);
        if (r !== null) return r;
        this.halted = false;
        // Another request may be waiting behind this one once the handler re-enables IF.
      }
    }
    if (this.pending & P_STEP) {
      if (!(this.eflagsRest & TF)) {
        this.pending &= ~P_STEP;
      } else if (this.n < this.budget && !this.halted) {
        // SDM vol.3 §17.3.1.4: with TF set at the start of an instruction, a #DB trap
        // (DR6.BS) follows it; not after a fault, nor after INT n/INT3/INTO, which clear TF.
        const r = this.stepOne();
        if (r !== null) return r;
        // HLT or a stop request from the stepped instruction: report it now.
        if (this.pending & P_STOP) return this.service();
        if (!this.stepFaulted && !this.stepSoftInt) {
          this.dr[6] = this.dr[6]! | DR6_BS;
          const t = this.raise(DB, -1, "trap", this.eip, EventSource.Exception);
          if (t !== null) return t;
        }
      }
    }
    return null;
  }

  private retiredTotal(): number {
    return this.clock.instructions; // includes this slice's (setInFlight)
  }

  // ---- Host API: what a monitor (or a debugger) uses to run a guest deprivileged ----

  /**
   * Runs exactly one instruction at CS:EIP, decoded straight from guest memory: the decoded
   * cache and {@link patchHook} are bypassed, so a patched site runs the guest's own
   * instruction. A fault it raises is delivered like any other (offered to the exit hook,
   * then through the IDT). Interrupts are not sampled before it. Returns why it stopped:
   * `budget` once it retired or delivered its fault, else halt / exception / shutdown.
   *
   * `decoded` saves the decoding: an instruction from {@link cachedInstruction} or the one
   * the patch hook was shown for CS:EIP, while that code is still cached (unchanged).
   */
  executeOne(decoded?: DecodedInsn): StopReason {
    if (this.shutdownWhy !== null) return { kind: "shutdown", why: this.shutdownWhy };
    this.budget = 1;
    this.n = 0;
    this.stepFaulted = false;
    this.stepSoftInt = false;
    this.stepFaultVector = -1;
    // SDM vol.3 §17.3.1.4: TF set when the instruction starts means a #DB trap after it.
    const stepping = (this.eflagsRest & TF) !== 0;
    try {
      const eip = this.eip;
      this.insnEip = eip;
      try {
        const lin = (this.segBase[CS]! + eip) | 0;
        this.traceHook?.(lin >>> 0, eip);
        // A cached decoding passed the limit checks when it was decoded, as in the hot loop.
        const insn = (decoded as Insn | undefined) ?? this.decodeFromMemory(eip, lin);
        this.recent[this.recentNext] = lin;
        this.recentNext = (this.recentNext + 1) & (RECENT_COUNT - 1);
        this.eip = ((eip + insn.len) & this.ipMask) >>> 0;
        insn.handler(this, insn);
        if ((this.pending & P_FAULT) === 0) this.n++;
        else {
          this.stepFaulted = true;
          this.stepFaultVector = this.signalledVector;
          const r = this.deliverSignalledFault();
          if (r !== null) return r;
        }
      } catch (e) {
        this.stepFaulted = true;
        if (e instanceof CpuFault) this.stepFaultVector = e.vector;
        const r = this.onThrow(e);
        if (r !== null) return r;
      }
      if (stepping && !this.stepFaulted && !this.stepSoftInt && !(this.pending & P_STOP)) {
        this.dr[6] = this.dr[6]! | DR6_BS;
        const t = this.raise(DB, -1, "trap", this.eip, EventSource.Exception);
        if (t !== null) return t;
      }
      return this.takeStop() ?? STOP_BUDGET;
    } finally {
      this.clock.retire(this.n);
      this.n = 0;
      this.budget = 0;
    }
  }

  /**
   * The decoded instruction cached for linear address `lin` (as the CPU will run it there,
   * patched or not), or undefined when none is cached.
   */
  cachedInstruction(lin: number): DecodedInsn | undefined {
    return this.code.pages[lin >>> 12]?.[lin & 0xfff];
  }

  /** True when the last {@link executeOne} ended in a fault (delivered or claimed). */
  get lastStepFaulted(): boolean {
    return this.stepFaulted;
  }

  /**
   * The vector of the exception the last {@link executeOne}'s instruction raised (#DE for a
   * DIV by zero), or -1 when it raised none (it retired, or it hit something not
   * implemented). This is the exception the instruction itself caused, the one its
   * delivery began with, even if delivering it then faulted again (a #DF).
   */
  get lastStepFaultVector(): number {
    return this.stepFaultVector;
  }

  /**
   * Delivers an event now, as the hardware would at an instruction boundary (an event
   * injected on entry to the guest): through the IDT, with the double-fault rules; it is not
   * offered to the exit hook. `errorCode` < 0 pushes none. Wakes a halted CPU. Returns a stop
   * reason when delivery ended in a shutdown (triple fault) or was claimed, else null.
   */
  inject(vector: number, errorCode: number, kind: ExitKind): StopReason | null {
    const source =
      kind === "software" ? EventSource.Software : kind === "external" ? EventSource.External : EventSource.Exception;
    const hook = this.exitHook;
    this.exitHook = undefined;
    try {
      const r = this.raise(vector & 0xff, errorCode, kind, this.eip, source);
      if (r === null) this.halted = false;
      return r;
    } finally {
      this.exitHook = hook;
    }
  }

  /**
   * Sets {@link CpuState.supervisorPages}: page protection with supervisor rights at every CPL
   * (a host's stand-in for shadow page tables). Switches to the fast tables and decoded code
   * of those rights; nothing is dropped.
   */
  setSupervisorPages(on: boolean): void {
    if (on === this.supervisorPages) return;
    this.supervisorPages = on;
    this.privilegeChanging(this.cpl);
  }

  /**
   * Sets the current privilege level as a world switch does: CPL, and the RPL of CS and SS
   * (which always equal it in protected mode). Nothing is checked: the caller owns the
   * consequences. Nothing cached is dropped: the CPU just uses the translations and decoded
   * code of the new privilege class (paging-unit.ts).
   */
  setCpl(cpl: number): void {
    cpl &= 3;
    if (cpl === this.cpl) return;
    this.privilegeChanging(cpl);
    this.cpl = cpl;
    this.segSel[CS] = (this.segSel[CS]! & 0xfffc) | cpl;
    this.segSel[SS] = (this.segSel[SS]! & 0xfffc) | cpl;
  }

  /** True while an STI / MOV SS shadow holds off interrupts for one more instruction. */
  inInterruptShadow(): boolean {
    return this.retiredTotal() < this.shadowEnd;
  }

  /**
   * Holds off external interrupts for the next instruction, as if the one just retired had
   * been an STI with IF=0 — for a host that virtualises IF, whose guest's STI must keep its
   * shadow (see {@link vifRaisedAt}). A held request is sampled again right after it.
   */
  holdInterruptsOneInstruction(): void {
    this.shadowEnd = Math.max(this.shadowEnd, this.retiredTotal() + 1);
    this.pending |= P_IRQ;
  }

  /**
   * The retired-instruction count right after the last STI that changed EFLAGS.VIF from 0
   * to 1 (CR4.PVI at CPL 3), or -1. The hardware gives that STI no interrupt shadow, since
   * IF did not change (SDM vol.2 "STI"); a monitor that runs a guest's kernel with PVI and
   * takes an interrupt at exactly this count must hold it one instruction, as the guest's
   * own STI (IF 0 to 1) would have.
   */
  get vifRaisedAt(): number {
    return this.vifRaised;
  }

  // ---- Services for instruction handlers ----

  /** Instructions the current slice may still retire, counting the running one. */
  budgetLeft(): number {
    return this.budget - this.n;
  }

  /**
   * True when something waits for the next instruction boundary (an interrupt request, a
   * stop, a single-step trap): a REP string instruction then stops after its current
   * iteration, as the hardware takes interrupts between iterations (SDM vol.2 "REP").
   */
  get eventPending(): boolean {
    return this.pending !== 0;
  }

  /** Counts `k` more retired instructions (REP iterations beyond the first). */
  retireExtra(k: number): void {
    this.n += k;
  }

  /** HLT: stop the slice; the CPU stays halted until an interrupt is delivered. */
  halt(): void {
    this.halted = true;
    this.stopReason = STOP_HALT;
    this.pending |= P_STOP;
  }

  /** STI set VIF (see {@link vifRaisedAt}): called while that STI runs. */
  noteVifRaised(): void {
    this.vifRaised = this.retiredTotal() + 1;
  }

  /** Blocks interrupt recognition until after the next instruction (STI, MOV SS, POP SS). */
  inhibitInterrupts(): void {
    this.shadowEnd = this.retiredTotal() + 2;
    this.pending |= P_IRQ;
  }

  /** INT n / INT3 / INTO: offered to the exit hook, else delivered (faults are the INT's). */
  softwareInterrupt(vector: number): void {
    this.stepSoftInt = true;
    const hook = this.exitHook;
    if (hook !== undefined && hook({ vector, kind: "software", eip: this.eip })) {
      this.stopReason = { kind: "exception", vector };
      this.pending |= P_STOP;
      return;
    }
    const cs = this.segSel[CS]!;
    const eip = this.eip;
    deliverInterrupt(this, vector, -1, eip, EventSource.Software);
    this.deliveryHook?.(vector, "software", cs, eip >>> 0, -1);
  }

  /** A trap-class exception raised by an instruction (ICEBP): pushed EIP follows it. */
  trapException(vector: number): void {
    const r = this.raise(vector, -1, "trap", this.eip, EventSource.Exception);
    if (r !== null) {
      this.stopReason = r;
      this.pending |= P_STOP;
    }
  }

  /** MOV/POP/LxS to a segment register: protected-mode checks, or real-mode base = sel*16. */
  loadSegment(seg: number, selector: number): void {
    selector &= 0xffff;
    if (this.cr0 & 1 && !(this.eflagsRest & VM)) {
      loadDataSegment(this, seg, selector, (a) => sysRd32(this, a));
      if (selector & 0xfffc) {
        setAccessedBit(this, selector);
        this.segAttr[seg] = this.segAttr[seg]! | ATTR_ACCESSED;
      }
      return;
    }
    this.segSel[seg] = selector;
    this.segBase[seg] = selector << 4;
    refreshSegCheck(this, seg);
  }

  /** The guest's TSC: the virtual clock's ticks (this slice's instructions included). */
  readTsc(): number {
    return this.clock.ticks + this.tscOffset;
  }

  writeTsc(v: number): void {
    this.tscOffset = v - this.clock.ticks;
  }

  /**
   * MOV CR0 / LMSW (SDM vol.3 §2.5): PG without PE, or NW without CD, is #GP(0). A write
   * that changes CD, NW or PG and leaves PAE paging on reloads the PDPTEs first (SDM vol.3
   * §4.4.1), and a bad one makes it #GP(0) with CR0 unchanged.
   */
  writeCr0(v: number): void {
    if ((v & 0x80000001) === 0x80000000 || (v & 0x60000000) === 0x20000000) fault(GP, 0);
    const was = this.cr0;
    if (v & CR0_PG && this.cr4 & CR4_PAE && (was ^ v) & 0xe0000000) this.loadPdptes(this.cr3);
    this.cr0 = v | 0x10;
    // PG and WP decide every translation (mmu/paging-unit.ts).
    if ((was ^ this.cr0) & 0x80010000) this.pagingChanged();
    // AM sends every access through the checked path (alignment checks, #AC).
    if ((was ^ this.cr0) & CR0_AM) for (let s = 0; s < 6; s++) refreshSegCheck(this, s);
  }

  /**
   * Copies the four PDPTEs of the table CR3 value `cr3` names into the PDPTE registers, or
   * raises #GP(0), changing nothing, when a present one sets a reserved bit (SDM vol.3
   * §4.4.1). The callers decide when (MOV CR0/CR3/CR4, task switches).
   */
  loadPdptes(cr3: number): void {
    if (!loadPdptes(this.bus.memory, cr3, this.pdpte)) fault(GP, 0);
  }

  /** CS.D changed: decoded instructions depend on it, so drop them. */
  codeModeChanged(): void {
    this.ipMask = this.code32 ? -1 : 0xffff;
    this.code.flush();
  }
}
