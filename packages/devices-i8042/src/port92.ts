import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
  A20_GATE,
  type A20Gate,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type JsonValue,
  RUN_CONTROL,
  type RunControl,
  defineDevicePlugin,
  deviceState,
  stateInt,
  hex,
  z,
} from "@ringlab/sdk";

/** Bit 0: fast reset — a 0 → 1 transition resets the CPU. */
export const PORT92_RESET = 0x01;
/** Bit 1: alternate A20 gate — 1 enables address bit 20 (ORed with the keyboard controller's). */
export const PORT92_A20 = 0x02;

const options = z
  .object({
    /** The port: 0x92 on every PC since the PS/2. */
    port: ioPortOption(0x92),
  })
  .strict();

/** Validated options of {@link Port92}. */
export type Port92Options = z.output<typeof options>;

/** Saved state: the port's value (A20 and the stored bits follow from it). */
const state = deviceState(z.object({ value: stateInt(0, 0xff) }).strict());

/**
 * System Control Port A at 0x92, the "fast A20" and "fast reset" port of PS/2s and every
 * PC chipset since (Intel PIIX3 datasheet, "Port 92h"): bit 1 is an alternate A20 gate, ORed
 * with the keyboard controller's A20 line, so it can enable A20 but never disable it when the
 * controller enables it; a 0 → 1 write of bit 0 resets the CPU. The other bits (3: CMOS
 * password lock, 6-7: disk activity light) are stored and read back. Reads return what was
 * written (bit 0 is cleared again by the reset it asks for).
 */
@injectable()
export class Port92 implements Device {
  private value = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: Port92Options,
    @inject(A20_GATE) private readonly a20: A20Gate,
    @inject(RUN_CONTROL) private readonly run: RunControl,
  ) {}

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 1,
      handlers: { read8: () => this.value, write8: (_o, v) => this.write(v & 0xff) },
    });
  }

  /** Power-on: 0 (the PIIX3 default), so this port does not enable A20; the keyboard controller's line decides. */
  reset(): void {
    this.value = 0;
    this.driveA20();
  }

  /** The register as the guest reads it. */
  get register(): number {
    return this.value;
  }

  private write(v: number): void {
    const rising = (v & PORT92_RESET) !== 0 && (this.value & PORT92_RESET) === 0;
    this.value = v;
    this.driveA20();
    if (rising) {
      // The reset it causes clears the bit, so that the next 0 → 1 write resets again.
      this.value &= ~PORT92_RESET;
      this.run.requestReset(`${this.id}: fast reset (${hex(v, 2)} written to port ${hex(this.options.port, 2)})`);
    }
  }

  /** An OR input of the gate: bit 1 set enables A20; clear, this port leaves it to the others. */
  private driveA20(): void {
    if (this.value & PORT92_A20) this.a20.drive(this.id, true);
    else this.a20.release(this.id);
  }

  saveState(): JsonValue {
    return state.save({ value: this.value });
  }

  loadState(json: JsonValue): void {
    this.value = state.load(json, `${this.id} state`).value;
    this.driveA20();
  }
}

/** The `port92` device plugin: option `port` (0x92). */
export const port92Plugin = defineDevicePlugin({
  name: "port92",
  description: "System Control Port A at 0x92: fast A20 gate (bit 1) and fast CPU reset (bit 0)",
  options,
  device: Port92,
});
