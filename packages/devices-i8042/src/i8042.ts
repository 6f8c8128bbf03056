import { inject, injectable } from "tsyringe";
import {
  A20_GATE,
  type A20Gate,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type IrqLine,
  type JsonValue,
  RUN_CONTROL,
  ConfigError,
  type RunControl,
  defineDevicePlugin,
  deviceState,
  stateBool,
  stateInt,
  stateInts,
  hex,
  z,
} from "@ringlab/sdk";
import { Ps2Keyboard, ps2KeyboardState } from "./ps2-keyboard.js";
import { Ps2Mouse, ps2MouseState } from "./ps2-mouse.js";
import * as R from "./registers.js";
import { SET2_TO_SET1 } from "./scancodes.js";

const options = z
  .object({
    /** The keyboard's IRQ line: 1 on a PC. */
    irq: z.number().int().min(0).max(15).default(1),
    /** The auxiliary (mouse) port's IRQ line: 12 on a PS/2-style PC. */
    auxIrq: z.number().int().min(0).max(15).default(12),
    /** Whether a PS/2 mouse is plugged into the auxiliary port (default: none). */
    mouse: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.irq !== o.auxIrq, { message: "expected 'irq' and 'auxIrq' to be different lines", path: ["auxIrq"] });

/** Validated options of the {@link I8042}. */
export type I8042Options = z.output<typeof options>;

/** A byte the controller itself put out (a command's result, 0xD2/0xD3, a device timeout). */
interface ControllerByte {
  byte: number;
  aux: boolean;
  timeout: boolean;
}

/** Bytes of the controller's internal RAM (byte 0 is the command byte). */
const RAM_SIZE = 32;

/** The controller's saved state, with the keyboard's and the mouse's (null: no mouse). */
const state = deviceState(
  z
    .object({
      ram: stateInts(RAM_SIZE, 0, 0xff).refine((ram) => ram.length === RAM_SIZE, {
        error: (issue) => `expected an array of ${RAM_SIZE} numbers, got ${JSON.stringify(issue.input).slice(0, 40)}`,
      }),
      outputPort: stateInt(0, 0xff),
      // Each as byte | 0x100 (auxiliary) | 0x200 (timeout). No bound: commands the guest sends
      // while it reads nothing queue their replies (more than 64 were once saved, then refused).
      replies: stateInts(Number.MAX_SAFE_INTEGER, 0, 0x3ff),
      ob: stateInt(0, 0xff),
      obFull: stateBool(),
      obAux: stateBool(),
      obTimeout: stateBool(),
      lastWasCommand: stateBool(),
      awaiting: stateInt(0, 0xff),
      breakPrefix: stateBool(),
      keyboard: ps2KeyboardState,
      mouse: ps2MouseState.nullable(),
    })
    .strict(),
);

/**
 * The Intel 8042 keyboard controller of a PC/AT or PS/2 (an AT-compatible controller with
 * an auxiliary port, as every PC since has), with a PS/2 keyboard and optionally a PS/2
 * mouse behind it, on ports 0x60 (data) and 0x64 (status/command), IRQ 1 and IRQ 12.
 *
 * It takes every byte written at once (IBF never reads 1) and answers at once: a command's
 * result, and the bytes a device sends, wait in the controller or the device until the
 * single output buffer is empty, then fill it — the controller's own bytes first, then the
 * keyboard's, then the mouse's, each only while its interface is enabled. A filled buffer
 * raises IRQ 1 (keyboard and controller bytes) or IRQ 12 (auxiliary bytes) when the command
 * byte enables it; reading port 0x60 empties it and lowers the line, so the next byte makes
 * a new edge for the edge-triggered 8259.
 *
 * The output port drives the A20 gate (bit 1) and the CPU's reset line (bit 0, active low):
 * 0xD1 writes it, 0xF0-0xFF pulse its low bits (0xFE: reset), through the injected
 * {@link A20Gate} and {@link RunControl}.
 */
@injectable()
export class I8042 implements Device {
  /** The PS/2 keyboard on the keyboard port. */
  readonly keyboard: Ps2Keyboard;
  /** The PS/2 mouse on the auxiliary port, when the `mouse` option is set. */
  readonly mouse: Ps2Mouse | undefined;
  /** Controller RAM; byte 0 is the command byte. */
  private readonly ram = new Uint8Array(RAM_SIZE);
  private outputPort = R.POWER_ON_OUTPUT_PORT;
  private readonly replies: ControllerByte[] = [];
  private ob = 0;
  private obFull = false;
  private obAux = false;
  private obTimeout = false;
  private lastWasCommand = false;
  /** A command waiting for its data byte at port 0x60 (0: none). */
  private awaiting = 0;
  /** Translation saw a set 2 break prefix (0xF0): the next byte gets bit 7. */
  private breakPrefix = false;
  private kbdLine: IrqLine | undefined;
  private auxLine: IrqLine | undefined;
  private kbdIrq = false;
  private auxIrq = false;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: I8042Options,
    @inject(A20_GATE) private readonly a20: A20Gate,
    @inject(RUN_CONTROL) private readonly run: RunControl,
  ) {
    this.keyboard = new Ps2Keyboard(() => this.refill());
    this.mouse = options.mouse ? new Ps2Mouse(() => this.refill()) : undefined;
  }

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: R.DATA_PORT,
      count: 1,
      handlers: { read8: () => this.readData(), write8: (_o, v) => this.writeData(v & 0xff) },
    });
    bus.ports.claim({
      owner: this.id,
      base: R.COMMAND_PORT,
      count: 1,
      handlers: { read8: () => this.status, write8: (_o, v) => this.writeCommand(v & 0xff) },
    });
    this.kbdLine = bus.irqs.claim(this.id, this.options.irq);
    this.auxLine = bus.irqs.claim(this.id, this.options.auxIrq);
  }

  /**
   * Power-on, as a BIOS's POST leaves the controller (a boot without one finds it so):
   * command byte 0x45 (IRQ 1, system flag, translation), output port 0xCF (A20 on, reset
   * released), buffers empty, keyboard (and mouse) at their power-on state.
   */
  reset(): void {
    this.ram.fill(0);
    this.ram[0] = R.POWER_ON_COMMAND_BYTE;
    this.outputPort = R.POWER_ON_OUTPUT_PORT;
    this.replies.length = 0;
    this.ob = 0;
    this.obFull = this.obAux = this.obTimeout = false;
    this.lastWasCommand = false;
    this.awaiting = 0;
    this.breakPrefix = false;
    this.keyboard.reset();
    this.mouse?.reset();
    this.a20.drive(this.id, true);
    this.setIrqs(false, false);
  }

  // ---- host API ---------------------------------------------------------------------------

  /** A key went down: `key` is its set 2 make code, 0xE0xx for extended keys (see `KEY`). */
  pressKey(key: number): void {
    this.keyboard.key(key, true);
  }

  /** A key went up (see {@link pressKey}). */
  releaseKey(key: number): void {
    this.keyboard.key(key, false);
  }

  /** A key pressed and released. */
  tapKey(key: number): void {
    this.pressKey(key);
    this.releaseKey(key);
  }

  /** The command byte (controller RAM byte 0). */
  get commandByte(): number {
    return this.ram[0]!;
  }

  /** The output port as 0xD0 would read it (bit 1 A20, bit 0 reset released). */
  get outputPortValue(): number {
    return (this.outputPort & ~(R.OP_KBD_IRQ | R.OP_AUX_IRQ)) | (this.kbdIrq ? R.OP_KBD_IRQ : 0) | (this.auxIrq ? R.OP_AUX_IRQ : 0);
  }

  /** The status register as port 0x64 reads it. */
  get status(): number {
    const cb = this.ram[0]!;
    return (
      (this.obFull ? R.ST_OBF : 0) |
      (cb & R.CB_SYS ? R.ST_SYS : 0) |
      (this.lastWasCommand ? R.ST_CMD : 0) |
      R.ST_UNLOCKED |
      (this.obFull && this.obAux ? R.ST_AUX : 0) |
      (this.obFull && this.obTimeout ? R.ST_TIMEOUT : 0)
    );
  }

  // ---- ports ------------------------------------------------------------------------------

  private readData(): number {
    const v = this.ob;
    if (this.obFull) {
      this.obFull = false;
      this.updateIrqs();
      this.refill();
    }
    return v;
  }

  private writeData(b: number): void {
    this.lastWasCommand = false;
    const command = this.awaiting;
    this.awaiting = 0;
    if (command === 0) {
      // A byte with no command pending goes to the keyboard; it cannot go out with the
      // clock inhibited, so the controller enables the keyboard interface (AT firmware).
      this.setCommandByte(this.ram[0]! & ~R.CB_KBD_DISABLE);
      this.keyboard.receive(b);
      return;
    }
    if (command >= R.CMD_WRITE_RAM && command < R.CMD_WRITE_RAM + 0x20) {
      if ((command & 0x1f) === 0) this.setCommandByte(b);
      else this.ram[command & 0x1f] = b;
      return;
    }
    switch (command) {
      case 0xa5: // load password: bytes up to a 0 (no password support: discarded)
        if (b !== 0) this.awaiting = 0xa5;
        return;
      case R.CMD_WRITE_OUTPUT:
        this.writeOutputPort(b);
        return;
      case R.CMD_WRITE_KBD_OB:
        this.reply(b, false);
        return;
      case R.CMD_WRITE_AUX_OB:
        this.reply(b, true);
        return;
      case R.CMD_WRITE_AUX:
        this.setCommandByte(this.ram[0]! & ~R.CB_AUX_DISABLE);
        if (this.mouse) {
          this.mouse.receive(b);
        } else {
          // Nothing answers on the auxiliary port: the controller reports a timeout with 0xFE.
          this.replies.push({ byte: 0xfe, aux: true, timeout: true });
          this.refill();
        }
        return;
    }
  }

  private writeCommand(c: number): void {
    this.lastWasCommand = true;
    this.awaiting = 0;
    if (c >= R.CMD_READ_RAM && c < R.CMD_READ_RAM + 0x20) {
      this.reply(this.ram[c & 0x1f]!, false);
      return;
    }
    if ((c >= R.CMD_WRITE_RAM && c < R.CMD_WRITE_RAM + 0x20) || c === 0xa5) {
      this.awaiting = c;
      return;
    }
    if (c >= R.CMD_PULSE) {
      // Bits 0-3 = 0 pulse those output-port lines low for about 6 us; the reset line's
      // pulse resets the CPU. A pulse on A20 is too short to matter to a program.
      if ((c & R.OP_RESET) === 0) this.run.requestReset(`${this.id}: command ${hex(c, 2)} pulsed the CPU reset line`);
      return;
    }
    const cb = this.ram[0]!;
    switch (c) {
      case R.CMD_PASSWORD_TEST:
        this.reply(R.NO_PASSWORD, false);
        return;
      case R.CMD_AUX_DISABLE:
        this.setCommandByte(cb | R.CB_AUX_DISABLE);
        return;
      case R.CMD_AUX_ENABLE:
        this.setCommandByte(cb & ~R.CB_AUX_DISABLE);
        return;
      case R.CMD_AUX_TEST:
        this.reply(this.mouse ? R.INTERFACE_OK : R.AUX_TEST_NO_DEVICE, false);
        return;
      case R.CMD_SELF_TEST:
        this.setCommandByte(cb | R.CB_SYS);
        this.reply(R.SELF_TEST_OK, false);
        return;
      case R.CMD_KBD_TEST:
        this.reply(R.INTERFACE_OK, false);
        return;
      case R.CMD_KBD_DISABLE:
        this.setCommandByte(cb | R.CB_KBD_DISABLE);
        return;
      case R.CMD_KBD_ENABLE:
        this.setCommandByte(cb & ~R.CB_KBD_DISABLE);
        return;
      case R.CMD_READ_INPUT:
        this.reply(R.INPUT_PORT, false);
        return;
      case R.CMD_READ_OUTPUT:
        this.reply(this.outputPortValue, false);
        return;
      case R.CMD_WRITE_OUTPUT:
      case R.CMD_WRITE_KBD_OB:
      case R.CMD_WRITE_AUX_OB:
      case R.CMD_WRITE_AUX:
        this.awaiting = c;
        return;
      case R.CMD_A20_OFF:
      case R.CMD_A20_ON:
        this.writeOutputPort(c === R.CMD_A20_ON ? this.outputPort | R.OP_A20 : this.outputPort & ~R.OP_A20);
        return;
      case R.CMD_READ_TEST:
        // T0 = keyboard clock (held low while the interface is disabled), T1 = keyboard data (idle high).
        this.reply((cb & R.CB_KBD_DISABLE ? 0 : 1) | 2, false);
        return;
      default:
      // Other commands (0xA6 enable password, 0xAC diagnostic dump, 0xC1/0xC2 input-port
      // polling, vendor ones) do nothing here; a guest may send anything.
    }
  }

  /** 0xD1: bit 1 drives A20; bit 0 written 0 resets the CPU, after which the firmware sets it again. */
  private writeOutputPort(v: number): void {
    this.outputPort = (v & ~(R.OP_KBD_IRQ | R.OP_AUX_IRQ)) | R.OP_RESET;
    this.a20.drive(this.id, (v & R.OP_A20) !== 0);
    if ((v & R.OP_RESET) === 0) this.run.requestReset(`${this.id}: output port written with the reset bit clear (${hex(v, 2)})`);
  }

  private setCommandByte(v: number): void {
    this.ram[0] = v & 0xff;
    this.updateIrqs();
    this.refill();
  }

  private reply(byte: number, aux: boolean): void {
    this.replies.push({ byte, aux, timeout: false });
    this.refill();
  }

  /** Fills an empty output buffer from the controller, then the keyboard, then the mouse. */
  private refill(): void {
    if (this.obFull) return;
    const cb = this.ram[0]!;
    const own = this.replies.shift();
    if (own !== undefined) {
      this.fill(own.byte, own.aux, own.timeout);
      return;
    }
    if (!(cb & R.CB_KBD_DISABLE)) {
      while (this.keyboard.pending > 0) {
        const b = this.keyboard.take();
        if (!(cb & R.CB_XLATE)) return this.fill(b, false, false);
        if (b === 0xf0) {
          this.breakPrefix = true; // swallowed: it becomes bit 7 of the next byte
          continue;
        }
        const v = SET2_TO_SET1[b]! | (this.breakPrefix ? 0x80 : 0);
        this.breakPrefix = false;
        return this.fill(v, false, false);
      }
    }
    if (this.mouse && !(cb & R.CB_AUX_DISABLE) && this.mouse.pending > 0) this.fill(this.mouse.take(), true, false);
  }

  private fill(byte: number, aux: boolean, timeout: boolean): void {
    this.ob = byte & 0xff;
    this.obFull = true;
    this.obAux = aux;
    this.obTimeout = timeout;
    this.updateIrqs();
  }

  private updateIrqs(): void {
    const cb = this.ram[0]!;
    this.setIrqs(this.obFull && !this.obAux && (cb & R.CB_KBD_INT) !== 0, this.obFull && this.obAux && (cb & R.CB_AUX_INT) !== 0);
  }

  private setIrqs(kbd: boolean, aux: boolean): void {
    if (kbd !== this.kbdIrq) drive(this.kbdLine, (this.kbdIrq = kbd));
    if (aux !== this.auxIrq) drive(this.auxLine, (this.auxIrq = aux));
  }

  // ---- state ------------------------------------------------------------------------------

  saveState(): JsonValue {
    return state.save({
      ram: Array.from(this.ram),
      outputPort: this.outputPort,
      replies: this.replies.map((r) => r.byte | (r.aux ? 0x100 : 0) | (r.timeout ? 0x200 : 0)),
      ob: this.ob,
      obFull: this.obFull,
      obAux: this.obAux,
      obTimeout: this.obTimeout,
      lastWasCommand: this.lastWasCommand,
      awaiting: this.awaiting,
      breakPrefix: this.breakPrefix,
      keyboard: this.keyboard.saveState(),
      mouse: this.mouse ? this.mouse.saveState() : null,
    });
  }

  loadState(json: JsonValue): void {
    const where = `${this.id} state`;
    const s = state.load(json, where);
    if (this.mouse && s.mouse === null) throw new ConfigError(`${where}: field 'mouse': expected the state of the mouse this controller has, got null`);
    const replies = s.replies.map((e) => ({ byte: e & 0xff, aux: (e & 0x100) !== 0, timeout: (e & 0x200) !== 0 }));
    this.keyboard.loadState(s.keyboard);
    if (this.mouse && s.mouse) this.mouse.loadState(s.mouse);
    this.ram.set(s.ram);
    this.replies.length = 0;
    this.replies.push(...replies);
    this.outputPort = s.outputPort | R.OP_RESET;
    this.ob = s.ob;
    this.obFull = s.obFull;
    this.obAux = s.obAux;
    this.obTimeout = s.obTimeout;
    this.lastWasCommand = s.lastWasCommand;
    this.awaiting = s.awaiting;
    this.breakPrefix = s.breakPrefix;
    this.a20.drive(this.id, (this.outputPort & R.OP_A20) !== 0);
    // Drive both lines to the restored levels, whatever they were before.
    const cb = this.ram[0]!;
    this.kbdIrq = !(this.obFull && !this.obAux && (cb & R.CB_KBD_INT) !== 0);
    this.auxIrq = !(this.obFull && this.obAux && (cb & R.CB_AUX_INT) !== 0);
    this.updateIrqs();
  }
}

function drive(line: IrqLine | undefined, high: boolean): void {
  if (high) line?.raise();
  else line?.lower();
}

/** The `i8042` device plugin: options `irq` (1), `auxIrq` (12), `mouse` (false). */
export const i8042Plugin = defineDevicePlugin({
  name: "i8042",
  description: "Intel 8042 keyboard controller with a PS/2 keyboard on ports 0x60/0x64 (IRQ 1, aux IRQ 12): A20 gate, CPU reset",
  options,
  device: I8042,
});
