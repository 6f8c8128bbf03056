import { inject, injectable } from "tsyringe";
import {
  ioPortOption,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type JsonValue,
  RUN_CONTROL,
  type RunControl,
  defineDevicePlugin,
  deviceState,
  hex,
  z,
} from "@ringlab/sdk";

const options = z
  .object({
    /** QEMU's isa-debug-exit is usually put at 0xF4. */
    port: ioPortOption(0xf4),
  })
  .strict();

export type ExitPortOptions = z.output<typeof options>;

/** Saved state: none (the port only ever ends the run), so only `{}` loads. */
const state = deviceState(z.object({}).strict());

/**
 * The exit port: a guest write of value v ends the run and the front end exits with status
 * v (ringlab's convention; QEMU's isa-debug-exit exits with (v << 1) | 1 instead). Byte,
 * word and dword writes are all accepted, as QEMU's device with iosize 4 does; the status
 * is the value's low byte, since a process status is 0..255.
 */
@injectable()
export class ExitPort implements Device {
  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: ExitPortOptions,
    @inject(RUN_CONTROL) private readonly run: RunControl,
  ) {}

  attach(bus: Bus): void {
    const exit = (value: number) =>
      this.run.requestExit(value & 0xff, `guest wrote ${hex(value)} to the exit port ${hex(this.options.port)}`);
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 1,
      handlers: { write8: (_o, v) => exit(v), write16: (_o, v) => exit(v), write32: (_o, v) => exit(v) },
    });
  }

  reset(): void {}

  saveState(): JsonValue {
    return state.save({});
  }

  loadState(json: JsonValue): void {
    state.load(json, `${this.id} state`);
  }
}

export const exitPortPlugin = defineDevicePlugin({
  name: "exit-port",
  description: "Exit port 0xF4: a guest write of v ends the run with exit status v",
  options,
  device: ExitPort,
});
