import { CC_NONE, type LazyFlags } from "./lazy-flags.js";
import { EFLAGS_FIXED1 } from "./eflags.js";
import { X87State } from "../fpu/x87-state.js";
import { Mtrrs } from "./mtrrs.js";

/** What `run()` reports when a host exit hook claimed an event. */
export type ExitKind = "fault" | "trap" | "software" | "external";

/**
 * An exception or interrupt about to be delivered. The host hook sees it first (see
 * {@link CpuState.exitHook}).
 */
export interface ExitEvent {
  /** The vector; -1 for an external interrupt not yet acknowledged (`Cpu.acknowledgeOnExit`). */
  vector: number;
  /** The error code, when the vector pushes one. */
  errorCode?: number;
  /**
   * fault: EIP is the faulting instruction; trap: EIP follows the instruction (INTO, INT3
   * and INT n are "software"); external: an interrupt acknowledged from the bus controller.
   */
  kind: ExitKind;
  /** EIP the guest handler would see pushed: the faulting instruction or the next one. */
  eip: number;
}

/**
 * Every architectural register of the IA-32 core (SDM vol.3 ch.2), laid out for speed:
 * general registers in an Int32Array, segment caches in parallel typed arrays, status flags
 * lazily (see lazy-flags.ts). Values in Int32Arrays are signed; the public accessors return
 * unsigned numbers.
 */
export class CpuState implements LazyFlags {
  /** EAX..EDI, then an always-zero slot (ZERO_REG) used by effective addresses. */
  readonly regs = new Int32Array(9);
  /** Offset of the next instruction in CS (unsigned). */
  eip = 0;

  // Lazy status flags.
  ccOp = CC_NONE;
  ccA = 0;
  ccB = 0;
  ccRes = 0;
  ccFlags = 0;
  /** EFLAGS without the six status flags (bit 1 always set). */
  eflagsRest = EFLAGS_FIXED1;

  /** Segment selectors ES, CS, SS, DS, FS, GS, then LDTR, TR. */
  readonly segSel = new Int32Array(8);
  /** Descriptor-cache base (stored signed; add and `| 0` to wrap at 4 GiB). */
  readonly segBase = new Int32Array(8);
  /** Descriptor-cache limit, byte granular (compare with `>>> 0`). */
  readonly segLimit = new Int32Array(8);
  /** Descriptor-cache attributes (see segment-cache.ts). */
  readonly segAttr = new Int32Array(8);
  /**
   * 1 when an access through the segment must be checked (a limit below 4 GiB, expand-down,
   * read-only, a code segment or an unusable null selector); 0 for flat read/write data,
   * the fast path.
   */
  readonly segCheck = new Uint8Array(8);

  gdtrBase = 0;
  gdtrLimit = 0;
  idtrBase = 0;
  idtrLimit = 0x3ff;

  cr0 = 0x60000010;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  /**
   * The PDPTE registers of PAE paging (SDM vol.3 §4.4.1): the four entries of the
   * page-directory-pointer table at CR3, low and high dword each, copied from memory by
   * MOV CR3 with PAE paging on, by MOV CR0/CR4 changes that leave PAE paging on, and by task
   * switches (mmu/pae-paging.ts); the walk reads these copies, not the table.
   */
  readonly pdpte = new Int32Array(8);
  readonly dr = new Int32Array(8);

  /** Current privilege level (CS.RPL in protected mode). */
  cpl = 0;
  /** CS.D: default operand and address size is 32 bits. */
  code32 = false;
  /** SS.B: ESP (0xFFFFFFFF) or SP (0xFFFF) is the stack pointer. */
  stackMask = 0xffff;

  /** Added to the virtual clock's ticks to form the TSC (WRMSR 0x10 changes it). */
  tscOffset = 0;

  /**
   * IA32_SYSENTER_CS, _ESP, _EIP (MSRs 0x174-0x176, SDM vol.3 §5.8.7): where SYSENTER goes.
   * Kept as 32-bit values; the IA-32 parts here have no upper halves.
   */
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;
  /** The memory type range registers (on models reporting CPUID.1:EDX.MTRR). */
  readonly mtrrs = new Mtrrs();

  /** HLT executed and no interrupt has woken the CPU yet. */
  halted = false;

  /** The x87 FPU's registers (SDM vol.1 §8.1). */
  readonly fpu = new X87State();
  /**
   * The FPU's FERR# output (SDM vol.1 appendix D): called when a waiting x87 instruction
   * finds an unmasked exception pending with CR0.NE = 0. A PC routes it to IRQ 13 through a
   * latch that a write to port 0xF0 clears; the machine wires that up.
   */
  ferrHook: (() => void) | undefined = undefined;

  /**
   * Page-level protection checks every access with supervisor rights, whatever the CPL
   * (default false: user rights at CPL 3, SDM vol.3 §4.6). No IA-32 part has this switch: it
   * stands in for shadow page tables that mark a guest's supervisor pages user-accessible
   * while its kernel runs at CPL 3, as a host's exit hook stands in for its IDT. Change it with
   * `Cpu.setSupervisorPages`, which drops what was cached for the other rights.
   */
  supervisorPages = false;

  /**
   * Set while the CPU itself accesses a system structure (GDT/LDT, IDT, TSS, an inner
   * stack): paging treats those as supervisor accesses whatever the CPL (SDM vol.3 §4.6).
   */
  sysAccess = false;

  /**
   * Optional host hook: called for every exception and interrupt before the guest IDT sees
   * it. Returning true claims the event: `run()` stops with `{kind:"exception"}` and the
   * guest state is left as at the event (EIP per {@link ExitEvent.eip}, nothing pushed).
   * The CPU does not know who sets it (a monitor, a debugger, a test).
   */
  exitHook: ((event: ExitEvent) => boolean) | undefined = undefined;
}
