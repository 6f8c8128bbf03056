import "reflect-metadata";
import type { IrqLine } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { PicPair, picPlugin } from "../src/index.js";

/** A kit whose IRQ lines reach the PIC (no recorder), with the PIC installed. */
export function setup(options: unknown = {}): { kit: DeviceTestKit; pic: PicPair; line: (n: number) => IrqLine } {
  const kit = new DeviceTestKit({ recordIrqs: false });
  const pic = kit.install(new PicPair("pic", kit.options(picPlugin, options)));
  const lines = new Map<number, IrqLine>();
  const line = (n: number) => {
    let l = lines.get(n);
    if (!l) lines.set(n, (l = kit.bus.irqs.claim("test", n)));
    return l;
  };
  return { kit, pic, line };
}

/**
 * The PC BIOS initialisation of both chips: ICW1 0x11 (edge, cascade, ICW4 needed),
 * ICW2 0x08 / 0x70, ICW3 0x04 (slave on IR2) / 0x02 (slave ID 2), ICW4 0x01 (8086 mode).
 */
export function biosInit(kit: DeviceTestKit, icw4Master = 0x01, icw4Slave = 0x01): void {
  kit.out8(0x20, 0x11);
  kit.out8(0x21, 0x08);
  kit.out8(0x21, 0x04);
  kit.out8(0x21, icw4Master);
  kit.out8(0xa0, 0x11);
  kit.out8(0xa1, 0x70);
  kit.out8(0xa1, 0x02);
  kit.out8(0xa1, icw4Slave);
}

/** What a CPU with IF=1 does between instructions: INTA if INTR is high, else nothing. */
export function take(pic: PicPair): number | undefined {
  return pic.hasPendingInterrupt() ? pic.acknowledge() : undefined;
}

/** Reads the IRR of the chip at `base` (OCW3 RR=1 RIS=0). */
export function irr(kit: DeviceTestKit, base: number): number {
  kit.out8(base, 0x0a);
  return kit.in8(base);
}

/** Reads the ISR of the chip at `base` (OCW3 RR=1 RIS=1). */
export function isr(kit: DeviceTestKit, base: number): number {
  kit.out8(base, 0x0b);
  return kit.in8(base);
}

/** Non-specific EOI (OCW2 0x20) to the chip at `base`. */
export function eoi(kit: DeviceTestKit, base: number): void {
  kit.out8(base, 0x20);
}
