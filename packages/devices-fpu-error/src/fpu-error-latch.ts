import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  FPU_ERROR,
  type FpuErrorSignal,
  type IrqLine,
  type JsonValue,
  defineDevicePlugin,
  deviceState,
  stateBool,
  z,
} from "@ringlab/sdk";

const options = z
  .object({
    /** The clear port: 0xF0 on every PC/AT-compatible board. */
    port: ioPortOption(0xf0),
    /** The interrupt line: IRQ 13 on the PC/AT (the slave 8259's input 5). */
    irq: z.number().int().min(0).max(15).default(13),
  })
  .strict();

export type FpuErrorLatchOptions = z.output<typeof options>;

/** Saved state: whether the latch is set (and so holds the IRQ line high). */
const state = deviceState(z.object({ latched: stateBool() }).strict());

/**
 * The PC/AT's coprocessor error latch. The AT wired the 80287's ERROR# output to IRQ 13
 * through a flip-flop instead of to the CPU, and every later PC kept it for software written
 * for that board: an x87 running with CR0.NE = 0 asserts FERR# when a waiting instruction finds
 * an unmasked exception pending (SDM vol.1 §8.7, appendix D), the latch sets and holds IRQ 13
 * high, and the handler's write of any value to port 0xF0 clears it (IBM PC/AT Technical
 * Reference, "Math Coprocessor" ports 0F0-0FF; SDM vol.1 D.2.1.2). Reads of the port return
 * nothing (all ones), as on the AT, where 0xF0 is write-only.
 */
@injectable()
export class FpuErrorLatch implements Device {
  private line!: IrqLine;
  private latched = false;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: FpuErrorLatchOptions,
    @inject(FPU_ERROR) ferr: FpuErrorSignal,
  ) {
    ferr.onAssert(() => this.set());
  }

  attach(bus: Bus): void {
    this.line = bus.irqs.claim(this.id, this.options.irq);
    const clear = () => this.clear();
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 1,
      handlers: { read8: () => 0xff, write8: clear, write16: clear, write32: clear },
    });
  }

  /** True while the latch holds IRQ 13 high. */
  get asserted(): boolean {
    return this.latched;
  }

  /** FERR# went active: the latch sets (again: an edge only when it was clear). */
  set(): void {
    if (this.latched) return;
    this.latched = true;
    this.line.raise();
  }

  /** The write to port 0xF0. */
  clear(): void {
    if (!this.latched) return;
    this.latched = false;
    this.line.lower();
  }

  reset(): void {
    this.latched = false;
    this.line.lower();
  }

  saveState(): JsonValue {
    return state.save({ latched: this.latched });
  }

  loadState(json: JsonValue): void {
    const { latched } = state.load(json, `${this.id} state`);
    if (latched) {
      this.latched = false;
      this.set();
    } else this.reset();
  }
}

/** The `fpu-error` device plugin: options `port` (0xF0) and `irq` (13). */
export const fpuErrorLatchPlugin = defineDevicePlugin({
  name: "fpu-error",
  description: "PC/AT coprocessor error latch: the CPU's FERR# onto IRQ 13, cleared by a write to port 0xF0",
  options,
  device: FpuErrorLatch,
});
