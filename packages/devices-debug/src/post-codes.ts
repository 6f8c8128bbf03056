import { inject, injectable } from "tsyringe";
import { ioPortOption, type Bus, ConfigError, DEVICE_ID, DEVICE_OPTIONS, type Device, type JsonValue, defineDevicePlugin, z } from "@ringlab/sdk";

const options = z
  .object({
    /** The POST port: 0x80 on most PCs; test386.asm is built for 0x190. */
    port: ioPortOption(0x80),
  })
  .strict();

export type PostCodesOptions = z.output<typeof options>;

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
    return { codes: [...this.log] };
  }

  loadState(state: JsonValue): void {
    const s = state as { codes?: unknown } | null;
    if (!Array.isArray(s?.codes) || !s.codes.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xff)) {
      throw new ConfigError(`${this.id} state: expected { codes: byte[] }`);
    }
    this.log = [...(s.codes as number[])];
  }
}

export const postCodesPlugin = defineDevicePlugin({
  name: "post-codes",
  description: "POST-code display: records the bytes a guest writes to port 0x80 (or another)",
  options,
  device: PostCodes,
});
