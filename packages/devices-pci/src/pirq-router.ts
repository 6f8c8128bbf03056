import type { Bus, IrqLine, PciAddress, PciInterruptRouter } from "@ringlab/sdk";

/** PIRQRC[A:D], the PIRQ route control registers at 0x60..0x63 of the PIIX3's function 0. */
export const PIRQRC_A = 0x60;
export const PIRQ_COUNT = 4;
/** Bit 7 of a route register: routing disabled (the reset value 80h). */
export const PIRQ_DISABLE = 0x80;
/**
 * The ISA IRQs a PIRQ may be steered to (PIIX3 datasheet, PIRQRC bits 3:0): 3-7, 9-12, 14
 * and 15. The others (0-2, 8, 13) are reserved — they belong to the timer, keyboard,
 * cascade, RTC and FPU — and a route to one connects nothing.
 */
export const ROUTABLE_IRQS: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15]);

/**
 * The board wiring from a function's INTx# pin to PIRQA#..PIRQD#: QEMU's PC board, which the
 * $PIR table SeaBIOS builds for it describes — device d's INTA# is on PIRQ (d - 1) mod 4 and
 * the pins rotate from there, so the PIIX3 itself (device 1) has INTA# on PIRQA#.
 */
export function pirqOf(device: number, pin: number): number {
  return (pin - 1 + device - 1) & 3;
}

/**
 * The PIIX3's PCI interrupt steering: four level-sensitive, wired-OR PIRQ lines, each routed by
 * its route register to an ISA IRQ of the 8259 pair (which the guest sets to level-triggered in
 * the ELCR at 0x4D0/0x4D1, served by the PIC). Several PIRQs may share an IRQ.
 *
 * The router claims an IRQ line only while a route register points at it, and gives it back
 * when the guest routes elsewhere. A route to a line an ISA device already owns (the UART's
 * IRQ 4, say) connects nothing — on the board both would drive the same pin — and never throws.
 */
export class PirqRouter implements PciInterruptRouter {
  /** Per PIRQ, the functions (by "device.function.pin") asserting it. */
  private readonly asserted: Set<string>[] = Array.from({ length: PIRQ_COUNT }, () => new Set<string>());
  private readonly routes = new Array<number>(PIRQ_COUNT).fill(PIRQ_DISABLE);
  private readonly held = new Map<number, IrqLine>();
  private bus: Bus | undefined;

  constructor(private readonly owner: string) {}

  /** Connects to the board's IRQ lines. */
  attach(bus: Bus): void {
    this.bus = bus;
    this.update();
  }

  /** A route register's new value (`pirq` 0 = PIRQA#). */
  setRoute(pirq: number, value: number): void {
    this.routes[pirq] = value & 0xff;
    this.update();
  }

  pciIntxChanged(address: PciAddress, pin: number, asserted: boolean): void {
    const key = `${address.device}.${address.function}.${pin}`;
    const set = this.asserted[pirqOf(address.device, pin)]!;
    if (asserted) set.add(key);
    else set.delete(key);
    this.update();
  }

  /** Whether PIRQ `pirq` is asserted by some function. */
  pirqAsserted(pirq: number): boolean {
    return this.asserted[pirq]!.size > 0;
  }

  /** The IRQ PIRQ `pirq` reaches now, or null (routing disabled, reserved IRQ, or line owned by another device). */
  irqOf(pirq: number): number | null {
    const irq = this.routedIrq(pirq);
    return irq !== null && this.held.has(irq) ? irq : null;
  }

  private routedIrq(pirq: number): number | null {
    const v = this.routes[pirq]!;
    const irq = v & 0x0f;
    return v & PIRQ_DISABLE || !ROUTABLE_IRQS.has(irq) ? null : irq;
  }

  private update(): void {
    const bus = this.bus;
    if (!bus) return;
    const wanted = new Map<number, boolean>();
    for (let p = 0; p < PIRQ_COUNT; p++) {
      const irq = this.routedIrq(p);
      if (irq !== null) wanted.set(irq, (wanted.get(irq) ?? false) || this.pirqAsserted(p));
    }
    for (const irq of [...this.held.keys()]) {
      if (!wanted.has(irq)) {
        bus.irqs.release(this.owner, irq);
        this.held.delete(irq);
      }
    }
    for (const [irq, high] of wanted) {
      let line = this.held.get(irq);
      if (!line) {
        if (bus.irqs.ownerOf(irq) !== undefined) continue;
        line = bus.irqs.claim(this.owner, irq);
        this.held.set(irq, line);
      }
      if (high) line.raise();
      else line.lower();
    }
  }
}
