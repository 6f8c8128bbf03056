import { stateBool, stateInt, z } from "@ringlab/sdk";
import { PS2_ACK as ACK, Ps2Device, ps2OutputState } from "./ps2-device.js";

const RESEND = 0xfe;
/** Commands followed by an option byte: set resolution, set sample rate. */
const CMD_RESOLUTION = 0xe8;
const CMD_SAMPLE_RATE = 0xf3;
const CMD_RESET_WRAP = 0xec;
const CMD_RESET = 0xff;

/** What the mouse can be waiting for an option byte of: nothing (0), set resolution or set sample rate. */
const OPTION_COMMANDS: readonly unknown[] = [0, CMD_RESOLUTION, CMD_SAMPLE_RATE];

/** The mouse's saved state, part of the controller's. */
export const ps2MouseState = z
  .object({
    ...ps2OutputState,
    awaiting: stateInt(0, 0xff).refine((v) => OPTION_COMMANDS.includes(v), {
      error: (issue) => `expected 0, 0xE8 or 0xF3, got ${String(issue.input)}`,
    }),
    reporting: stateBool(),
    remote: stateBool(),
    wrap: stateBool(),
    scaling21: stateBool(),
    sampleRate: stateInt(0, 0xff),
    resolution: stateInt(0, 3),
    buttons: stateInt(0, 7),
  })
  .strict();

/** The values of {@link ps2MouseState}. */
export type Ps2MouseState = z.output<typeof ps2MouseState>;

/**
 * A minimal standard PS/2 mouse (device ID 0, three-byte packets) on the controller's
 * auxiliary port: the commands of the IBM PS/2 reference's "Pointing Device" chapter, so
 * that a driver's probe finds a mouse, and {@link move} to inject motion and buttons. The
 * power-on state is the one after its self-test with the AA 00 it sends already read: stream
 * mode, reporting off, 100 samples/s, 4 counts/mm, scaling 1:1.
 */
export class Ps2Mouse extends Ps2Device {
  private awaiting = 0;
  private reporting = false;
  private remote = false;
  private wrap = false;
  private scaling21 = false;
  private sampleRate = 100;
  private resolution = 2;
  private buttons = 0;

  reset(): void {
    this.resetOutput();
    this.awaiting = 0;
    this.wrap = false;
    this.defaults();
  }

  /** Whether the driver enabled data reporting (0xF4). */
  get reportingEnabled(): boolean {
    return this.reporting;
  }

  /**
   * The mouse moved by (`dx`, `dy`) counts (y up) with `buttons` held (bit 0 left, 1 right,
   * 2 middle): in stream mode with reporting on, queues one packet (movement clamped to
   * ±255, overflow bits set when clamped).
   */
  move(dx: number, dy: number, buttons = this.buttons): void {
    this.buttons = buttons & 7;
    if (this.reporting && !this.remote && !this.wrap) this.reply(...this.packet(dx, dy));
  }

  receive(byte: number): void {
    const b = byte & 0xff;
    if (this.wrap && b !== CMD_RESET_WRAP && b !== CMD_RESET) {
      this.reply(b); // wrap mode echoes every byte but these two
      return;
    }
    if (this.awaiting !== 0) {
      if (this.awaiting === CMD_SAMPLE_RATE) this.sampleRate = b;
      else this.resolution = b & 3;
      this.awaiting = 0;
      this.reply(ACK);
      return;
    }
    switch (b) {
      case CMD_RESOLUTION:
      case CMD_SAMPLE_RATE:
        this.awaiting = b;
        this.reply(ACK);
        return;
      case 0xe6:
      case 0xe7:
        this.scaling21 = b === 0xe7;
        this.reply(ACK);
        return;
      case 0xe9: // status request: mode/buttons, resolution, sample rate
        this.reply(ACK, this.statusByte(), this.resolution, this.sampleRate);
        return;
      case 0xea:
      case 0xf0:
        this.remote = b === 0xf0;
        this.reply(ACK);
        return;
      case 0xeb: // read data
        this.reply(ACK, ...this.packet(0, 0));
        return;
      case CMD_RESET_WRAP:
      case 0xee:
        this.wrap = b === 0xee;
        this.reply(ACK);
        return;
      case 0xf2:
        this.reply(ACK, 0x00);
        return;
      case 0xf4:
      case 0xf5:
        this.reporting = b === 0xf4;
        this.reply(ACK);
        return;
      case 0xf6:
        this.defaults();
        this.reply(ACK);
        return;
      case RESEND:
        this.reply(this.lastSent);
        return;
      case CMD_RESET:
        this.queue.length = 0;
        this.wrap = false;
        this.defaults();
        this.reply(ACK, 0xaa, 0x00);
        return;
      default:
        this.reply(RESEND);
    }
  }

  private defaults(): void {
    this.reporting = false;
    this.remote = false;
    this.scaling21 = false;
    this.sampleRate = 100;
    this.resolution = 2;
  }

  private statusByte(): number {
    const b = this.buttons;
    // Bits 0-2 buttons (left, middle, right in this byte's order), 4 scaling 2:1, 5 enabled, 6 remote.
    const btn = (b & 1) | ((b & 4) >> 1) | ((b & 2) << 1);
    return btn | (this.scaling21 ? 0x10 : 0) | (this.reporting ? 0x20 : 0) | (this.remote ? 0x40 : 0);
  }

  private packet(dx: number, dy: number): number[] {
    const x = Math.max(-255, Math.min(255, Math.trunc(dx)));
    const y = Math.max(-255, Math.min(255, Math.trunc(dy)));
    const head =
      0x08 | (this.buttons & 7) | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) | (x !== Math.trunc(dx) ? 0x40 : 0) | (y !== Math.trunc(dy) ? 0x80 : 0);
    return [head, x & 0xff, y & 0xff];
  }

  /** The mouse's state, for the controller's {@link ps2MouseState}. */
  saveState(): Ps2MouseState {
    return {
      ...this.saveOutput(),
      awaiting: this.awaiting,
      reporting: this.reporting,
      remote: this.remote,
      wrap: this.wrap,
      scaling21: this.scaling21,
      sampleRate: this.sampleRate,
      resolution: this.resolution,
      buttons: this.buttons,
    };
  }

  /** Restores {@link saveState}'s value, already checked against {@link ps2MouseState}. */
  loadState(s: Ps2MouseState): void {
    this.loadOutput(s);
    this.awaiting = s.awaiting;
    this.reporting = s.reporting;
    this.remote = s.remote;
    this.wrap = s.wrap;
    this.scaling21 = s.scaling21;
    this.sampleRate = s.sampleRate;
    this.resolution = s.resolution;
    this.buttons = s.buttons;
  }
}
