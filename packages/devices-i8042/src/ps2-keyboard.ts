import { stateBool, stateInt, z } from "@ringlab/sdk";
import { PS2_ACK, Ps2Device, ps2OutputState } from "./ps2-device.js";
import { keyBytes } from "./scancodes.js";

/** Keyboard replies (IBM PS/2 Technical Reference, "Keyboards": commands and responses). */
export const KBD_ACK = PS2_ACK;
export const KBD_RESEND = 0xfe;
export const KBD_BAT_OK = 0xaa;
export const KBD_ECHO = 0xee;
/** The two ID bytes of an MF2 keyboard (reply to 0xF2 after the ACK). */
export const KBD_ID = [0xab, 0x83] as const;

/** The keyboard's output buffer holds 16 bytes; a full buffer's last byte becomes the overrun code. */
export const KBD_BUFFER_SIZE = 16;
/** Default typematic byte: 10.9 characters/s after 500 ms (IBM: the power-on default). */
export const DEFAULT_TYPEMATIC = 0x2b;

/** Commands that are followed by an option byte, and the set-3 key-list commands. */
const CMD_LEDS = 0xed;
const CMD_SCANCODE_SET = 0xf0;
const CMD_TYPEMATIC = 0xf3;
const CMD_KEY_LIST = 0xfb;
/** A byte from this value up received where an option was expected is a new command. */
const FIRST_COMMAND = 0xed;

/** What the keyboard can be waiting for an option byte of: nothing (0) or one of these commands. */
const OPTION_COMMANDS: readonly unknown[] = [0, CMD_LEDS, CMD_TYPEMATIC, CMD_SCANCODE_SET, CMD_KEY_LIST];

/** The keyboard's saved state, part of the controller's. */
export const ps2KeyboardState = z
  .object({
    ...ps2OutputState,
    awaiting: stateInt(0, 0xff).refine((v) => OPTION_COMMANDS.includes(v), {
      error: (issue) => `expected 0 or a command that takes an option, got ${String(issue.input)}`,
    }),
    scanning: stateBool(),
    set: stateInt(1, 2).transform((v) => v as 1 | 2),
    leds: stateInt(0, 7),
    typematic: stateInt(0, 0x7f),
  })
  .strict();

/** The values of {@link ps2KeyboardState}. */
export type Ps2KeyboardState = z.output<typeof ps2KeyboardState>;

/**
 * A PS/2 (MF2) keyboard behind the controller's keyboard port: the commands a PC sends it,
 * and its scan codes in set 2 (the default) or set 1. It never times out or asks for a
 * resend on its own: replies are queued at once and reach the controller as it takes them.
 * The power-on state is the one after its basic assurance test, with the 0xAA that test
 * sends already read (as by the BIOS a boot without one skips): empty buffer, scanning on.
 */
export class Ps2Keyboard extends Ps2Device {
  /** A command waiting for its option byte (0: none). */
  private awaiting = 0;
  private scanningOn = true;
  private codeSet: 1 | 2 = 2;
  private ledBits = 0;
  private typematicByte = DEFAULT_TYPEMATIC;

  reset(): void {
    this.resetOutput();
    this.awaiting = 0;
    this.ledBits = 0;
    this.defaults();
    this.scanningOn = true;
  }

  /** Whether scanning is on (0xF4; off after 0xF5). Keys pressed while off are not reported. */
  get scanning(): boolean {
    return this.scanningOn;
  }

  /** The scan code set in use, 1 or 2. */
  get scanCodeSet(): 1 | 2 {
    return this.codeSet;
  }

  /** The LED bits last set with 0xED: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock. */
  get leds(): number {
    return this.ledBits;
  }

  /** The typematic rate/delay byte last set with 0xF3. */
  get typematic(): number {
    return this.typematicByte;
  }

  /**
   * Key `key` (its set 2 make code, 0xE0xx for extended keys; see `KEY`) went down (`make`)
   * or up: queues its codes in the current set, if scanning is on.
   */
  key(key: number, make: boolean): void {
    if (!this.scanningOn) return;
    this.scanCodes(keyBytes(key, make, this.codeSet));
  }

  /**
   * Queues raw scan code bytes, subject to the 16-byte buffer: when it fills, its last byte
   * becomes the overrun code (0x00 in set 2, 0xFF in set 1) and later bytes are lost.
   */
  scanCodes(bytes: readonly number[]): void {
    for (const b of bytes) {
      if (this.queue.length >= KBD_BUFFER_SIZE) {
        this.queue[KBD_BUFFER_SIZE - 1] = this.codeSet === 1 ? 0xff : 0x00;
        break;
      }
      this.queue.push(b & 0xff);
    }
    this.queued();
  }

  /** A byte from the controller (a guest write to port 0x60 with no controller command waiting). */
  receive(byte: number): void {
    const b = byte & 0xff;
    const waiting = this.awaiting;
    if (waiting !== 0 && b < FIRST_COMMAND) {
      this.option(waiting, b);
      return;
    }
    this.awaiting = 0;
    this.command(b);
  }

  private option(command: number, b: number): void {
    switch (command) {
      case CMD_LEDS:
        this.ledBits = b & 0x07;
        break;
      case CMD_TYPEMATIC:
        this.typematicByte = b & 0x7f;
        break;
      case CMD_SCANCODE_SET:
        if (b === 0) {
          this.reply(KBD_ACK, this.codeSet);
        } else if (b === 1 || b === 2) {
          this.codeSet = b;
          this.reply(KBD_ACK);
        } else {
          this.reply(KBD_RESEND); // set 3 is not implemented; other values are invalid
        }
        this.awaiting = 0;
        return;
      case CMD_KEY_LIST:
        this.reply(KBD_ACK); // set 3 key types: accepted, nothing to change in sets 1 and 2
        return;
    }
    this.awaiting = 0;
    this.reply(KBD_ACK);
  }

  private command(b: number): void {
    switch (b) {
      case CMD_LEDS:
      case CMD_TYPEMATIC:
      case CMD_SCANCODE_SET:
        this.awaiting = b;
        this.reply(KBD_ACK);
        return;
      case 0xee:
        this.reply(KBD_ECHO);
        return;
      case 0xf2:
        this.reply(KBD_ACK, ...KBD_ID);
        return;
      case 0xf4: // enable: clear the buffer, scan
        this.queue.length = 0;
        this.scanningOn = true;
        this.reply(KBD_ACK);
        return;
      case 0xf5: // default disable
      case 0xf6: // set default
        this.queue.length = 0;
        this.defaults();
        this.scanningOn = b === 0xf6;
        this.reply(KBD_ACK);
        return;
      case 0xf7:
      case 0xf8:
      case 0xf9:
      case 0xfa: // set 3 "all keys" types: accepted
        this.reply(KBD_ACK);
        return;
      case 0xfb:
      case 0xfc:
      case 0xfd: // set 3 key types, followed by key codes
        this.awaiting = CMD_KEY_LIST;
        this.reply(KBD_ACK);
        return;
      case 0xfe:
        this.reply(this.lastSent);
        return;
      case 0xff: // reset: ACK, then the result of the basic assurance test
        this.queue.length = 0;
        this.defaults();
        this.ledBits = 0;
        this.scanningOn = true;
        this.reply(KBD_ACK, KBD_BAT_OK);
        return;
      default:
        this.reply(KBD_RESEND);
    }
  }

  private defaults(): void {
    this.codeSet = 2;
    this.typematicByte = DEFAULT_TYPEMATIC;
  }

  /** The keyboard's state, for the controller's {@link ps2KeyboardState}. */
  saveState(): Ps2KeyboardState {
    return {
      ...this.saveOutput(),
      awaiting: this.awaiting,
      scanning: this.scanningOn,
      set: this.codeSet,
      leds: this.ledBits,
      typematic: this.typematicByte,
    };
  }

  /** Restores {@link saveState}'s value, already checked against {@link ps2KeyboardState}. */
  loadState(s: Ps2KeyboardState): void {
    this.loadOutput(s);
    this.awaiting = s.awaiting;
    this.scanningOn = s.scanning;
    this.codeSet = s.set;
    this.ledBits = s.leds;
    this.typematicByte = s.typematic;
  }
}
