import { stateInt, stateInts } from "@ringlab/sdk";

/** A PS/2 device's acknowledge byte: what it sends after each command it accepts. */
export const PS2_ACK = 0xfa;

/**
 * The saved-state fields of a PS/2 device's output: the bytes waiting for the controller and
 * the last byte taken. The queue has no bound: a guest that keeps sending commands (or a host
 * that keeps moving the mouse) while the controller takes nothing grows it, and such a state
 * must restore too (the hand-written reader refused more than 64 bytes, a snapshot the
 * device had saved itself).
 */
export const ps2OutputState = {
  queue: stateInts(Number.MAX_SAFE_INTEGER, 0, 0xff),
  lastSent: stateInt(0, 0xff),
};

/** The values of {@link ps2OutputState}. */
export interface Ps2OutputState {
  queue: number[];
  lastSent: number;
}

/**
 * What the keyboard and the mouse share as devices on a PS/2 port: the bytes they have for
 * the controller, waiting until it takes them, and the last byte taken, which a resend
 * (0xFE) command sends again (IBM PS/2 reference: "Resend").
 */
export abstract class Ps2Device {
  protected readonly queue: number[] = [];
  /** The last byte handed to the controller. */
  protected lastSent = PS2_ACK;

  /** `queued` is called whenever bytes were added for the controller. */
  constructor(protected readonly queued: () => void) {}

  /** Bytes waiting to go to the controller. */
  get pending(): number {
    return this.queue.length;
  }

  /** The next byte for the controller (call only when {@link pending} > 0). */
  take(): number {
    const b = this.queue.shift()!;
    this.lastSent = b;
    return b;
  }

  /** A byte from the controller. */
  abstract receive(byte: number): void;

  protected reply(...bytes: number[]): void {
    this.queue.push(...bytes);
    this.queued();
  }

  /** Power-on: nothing waiting. */
  protected resetOutput(): void {
    this.queue.length = 0;
    this.lastSent = PS2_ACK;
  }

  protected saveOutput(): Ps2OutputState {
    return { queue: [...this.queue], lastSent: this.lastSent };
  }

  /** Restores what {@link saveOutput} wrote (already checked against {@link ps2OutputState}). */
  protected loadOutput(s: Ps2OutputState): void {
    this.queue.length = 0;
    this.queue.push(...s.queue);
    this.lastSent = s.lastSent;
  }
}
