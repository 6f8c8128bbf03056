import { type Cpu, eflags } from "@ringlab/cpu";

const { IF, IOPL, VM, VIF, VIP } = eflags;
const CR0_PE = 1;

/**
 * Where the monitor's own IDT would be: while the guest runs deprivileged the CPU's IDTR
 * points at the monitor's table, whose every gate leads into the monitor. In ringlab the
 * CPU's exit hook stands in for those 256 gates, so the table itself is never read; the
 * register still holds the monitor's value, which is what an unpatched SIDT would show.
 */
export const MONITOR_IDT_BASE = 0xffc0_0000;
export const MONITOR_IDT_LIMIT = 0x7ff;

/**
 * The guest's privileged state that differs from the CPU's while the guest runs
 * deprivileged (DESIGN.md: CR0/CR3/CR4, GDTR/IDTR/LDTR/TR, IF, IOPL are virtual). In this
 * monitor the guest's GDT, LDT, TR, CR0 and CR3 stay loaded in the CPU, so only what ring
 * compression changes is kept here: the privilege level, IF, IOPL, VIF/VIP, IDTR, CR2, CR4
 * and IA32_SYSENTER_CS.
 */
export class VirtualState {
  cpl = 0;
  /** The guest's EFLAGS.IF, IOPL, VIF and VIP bits. */
  eflags = 0;
  idtrBase = 0;
  idtrLimit = 0;
  /**
   * The guest's CR2: a page fault that only the deprivileged run raises (the guest kernel
   * touching a supervisor page from ring 3) must not change what the guest reads there.
   */
  cr2 = 0;
  cr4 = 0;
  /**
   * The guest's IA32_SYSENTER_CS. While the guest runs deprivileged the CPU holds 0, so that
   * SYSENTER faults (#GP(0)) instead of entering the CPU's real ring 0; the monitor then runs
   * it in the guest's own view, where this value is back (see msrTrappedInstruction).
   */
  sysenterCs = 0;

  /** Takes the guest's true state from a CPU that is running in the guest's own view. */
  capture(cpu: Cpu): void {
    this.cpl = cpu.cpl;
    this.eflags = cpu.systemFlags & (IF | IOPL | VIF | VIP);
    this.idtrBase = cpu.idtrBase;
    this.idtrLimit = cpu.idtrLimit;
    this.cr2 = cpu.cr2;
    this.cr4 = cpu.cr4;
    this.sysenterCs = cpu.sysenterCs;
  }

  /** Puts the guest's true state back into the CPU (the guest's own view, for emulation). */
  restore(cpu: Cpu): void {
    cpu.writeSystemFlags(this.eflags, IF | IOPL | VIF | VIP);
    cpu.setCpl(this.cpl);
    cpu.idtrBase = this.idtrBase;
    cpu.idtrLimit = this.idtrLimit;
    cpu.cr2 = this.cr2;
    cpu.cr4 = this.cr4;
    cpu.sysenterCs = this.sysenterCs;
  }

  get interruptFlag(): boolean {
    return (this.eflags & IF) !== 0;
  }

  set interruptFlag(on: boolean) {
    this.eflags = on ? this.eflags | IF : this.eflags & ~IF;
  }
}

/**
 * True when the CPU's current mode can run the guest deprivileged: protected mode outside
 * virtual-8086 mode. Real mode has no rings to compress, and a virtual-8086 task already
 * runs at CPL 3 under the guest kernel's own rules; the monitor emulates both.
 */
export function canDeprivilege(cpu: Cpu): boolean {
  return (cpu.cr0 & CR0_PE) !== 0 && (cpu.systemFlags & VM) === 0;
}
