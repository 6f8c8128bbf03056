import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
  type Bus,
  CONSOLE,
  type ConsoleSink,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type JsonValue,
  defineDevicePlugin,
  deviceState,
  stateInt,
  z,
} from "@ringlab/sdk";

const options = z
  .object({
    /** The port; 0xE9 is where Bochs and QEMU put theirs. */
    port: ioPortOption(0xe9),
  })
  .strict();

export type DebugConsoleOptions = z.output<typeof options>;

/** Saved state: the byte count `--stats` shows. */
const state = deviceState(z.object({ written: stateInt(0, Number.MAX_SAFE_INTEGER) }).strict());

/**
 * The Bochs/QEMU debug console ("port E9 hack"): every byte the guest writes to the port goes
 * to the machine's console, unbuffered. Reading the port returns 0xE9, which is how guests
 * detect that the console is there (Bochs and QEMU both answer so).
 */
@injectable()
export class DebugConsole implements Device {
  /** Bytes written since reset (kept for `--stats`). */
  private written = 0;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: DebugConsoleOptions,
    @inject(CONSOLE) private readonly console: ConsoleSink,
  ) {}

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 1,
      handlers: {
        read8: () => 0xe9,
        write8: (_offset, value) => {
          this.written++;
          this.console.write(Uint8Array.of(value));
        },
      },
    });
  }

  /** Bytes the guest wrote since reset. */
  get bytesWritten(): number {
    return this.written;
  }

  reset(): void {
    this.written = 0;
  }

  saveState(): JsonValue {
    return state.save({ written: this.written });
  }

  loadState(json: JsonValue): void {
    this.written = state.load(json, `${this.id} state`).written;
  }
}

export const debugConsolePlugin = defineDevicePlugin({
  name: "debugcon",
  description: "Bochs/QEMU debug console: guest bytes written to port 0xE9 go to stdout",
  options,
  device: DebugConsole,
});
