import type { Cpu } from "../cpu.js";
import { GP } from "../exceptions/vectors.js";
import { VIF, VIP, VM } from "../state/eflags.js";

/**
 * Protected-mode virtual interrupts (CR4.PVI, SDM vol.3 §20.4): at CPL 3 with IOPL < 3,
 * CLI and STI change EFLAGS.VIF instead of faulting, so a guest kernel run in ring 3 by a
 * monitor can mask "its" interrupts without a trap; STI still faults when VIP says an
 * interrupt is waiting, which is when the monitor must step in. Virtual-8086 mode (CR4.VME)
 * is not modelled, so CLI/STI there keep faulting.
 */

/** CR4.VME and CR4.PVI. */
export const CR4_VME = 1;
export const CR4_PVI = 2;

function pviApplies(cpu: Cpu): boolean {
  return cpu.cpl === 3 && (cpu.cr4 & CR4_PVI) !== 0 && !(cpu.eflagsRest & VM);
}

/** CLI when CPL > IOPL: VIF = 0 under PVI, else #GP(0) (SDM vol.2 "CLI"). */
export function cliVirtual(cpu: Cpu): void {
  if (!pviApplies(cpu)) return cpu.signalFault(GP, 0); // every guest CLI exits here: no throw
  cpu.eflagsRest &= ~VIF;
}

/**
 * STI when CPL > IOPL: VIF = 1 under PVI unless VIP = 1, else #GP(0) (SDM vol.2 "STI").
 * IF does not change, so the hardware gives no interrupt shadow; the CPU notes where VIF
 * rose for a host that must give the guest the shadow its own STI would have had.
 */
export function stiVirtual(cpu: Cpu): void {
  if (!pviApplies(cpu) || cpu.eflagsRest & VIP) return cpu.signalFault(GP, 0);
  if (!(cpu.eflagsRest & VIF)) cpu.noteVifRaised();
  cpu.eflagsRest |= VIF;
}
