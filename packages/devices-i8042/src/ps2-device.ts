import type { StateObject, StateReader } from "@ringlab/sdk";

/** A PS/2 device's acknowledge byte: what it sends after each command it accepts. */
export const PS2_ACK = 0xfa;

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

  protected saveOutput(): StateObject {
    return { queue: [...this.queue], lastSent: this.lastSent };
  }

  /** Reads what {@link saveOutput} wrote (validated first; applied by the returned function). */
  protected loadOutput(r: StateReader, o: StateObject): () => void {
    const queue = r.ints(o, "queue", 64, 0, 0xff);
    const lastSent = r.int(o, "lastSent", 0, 0xff);
    return () => {
      this.queue.length = 0;
      this.queue.push(...queue);
      this.lastSent = lastSent;
    };
  }
}
