import { inject, injectable } from "tsyringe";
import { ioPortOption, type Bus, DEVICE_ID, DEVICE_OPTIONS, type Device, type JsonValue, defineDevicePlugin, deviceState, stateInts, z } from "@ringlab/sdk";

const options = z
  .object({
    /** The POST port: 0x80 on most PCs; test386.asm is built for 0x190. */
    port: ioPortOption(0x80),
  })
  .strict();

export type PostCodesOptions = z.output<typeof options>;

/** Saved state: every code written since reset (a guest can write any number of them). */
const state = deviceState(z.object({ codes: stateInts(Number.MAX_SAFE_INTEGER, 0, 0xff) }).strict());

/**
 * A POST-code display: remembers every byte a guest writes to the port, as the two-digit
 * display of a POST card does, so a front end can show how far a BIOS or a CPU test ROM got.
 * Reads return all-ones, as a write-only card leaves the bus undriven.
 */
@injectable()
export class PostCodes implements Device {
  private log: number[] = [];

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: PostCodesOptions,
  ) {}

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 1,
      handlers: { write8: (_o, v) => void this.log.push(v) },
    });
  }

  /** Every code written since reset, in order. */
  codes(): readonly number[] {
    return this.log;
  }

  /** The last code written, if any: what the card's display shows. */
  get last(): number | undefined {
    return this.log[this.log.length - 1];
  }

  reset(): void {
    this.log = [];
  }

  saveState(): JsonValue {
    return state.save({ codes: [...this.log] });
  }

  loadState(json: JsonValue): void {
    this.log = [...state.load(json, `${this.id} state`).codes];
  }
}

export const postCodesPlugin = defineDevicePlugin({
  name: "post-codes",
  description: "POST-code display: records the bytes a guest writes to port 0x80 (or another)",
  options,
  device: PostCodes,
});
