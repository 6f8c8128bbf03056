import "reflect-metadata";
import {
  ImageError,
  type Machine,
  type PolicyRun,
  type RunOutcome,
  bootKernel,
  builtinRegistry,
  createMachine,
  isBzImage,
  outcomeText,
  planMultiboot,
  policyRunOf,
  textScreenOf,
} from "@ringlab/machine";
import type { GuestImage, Progress, ScreenFrame } from "./protocol.js";
import { exitRows, progressLine } from "./view-model.js";

/** A mistake of the user's (a file that is not a bootable image): its message is one line to show as it is. */
export class GuestError extends Error {
  override name = "GuestError";
}

/** The VGA's pictures, as `@ringlab/devices-vga` renders them. */
interface ScreenDevice {
  screenImage(): { width: number; height: number; data: Uint8Array };
  screenLines(): string[];
}

/**
 * One boot of a guest under one policy, run a slice at a time so that the worker can show
 * it live and give way to new requests. The machine is the CLI's default one (the same
 * configuration `ringlab run` and `ringlab compare` use without flags), so a finished run
 * is the run `ringlab compare` would record.
 */
export class GuestRun {
  readonly machine: Machine;
  private consoleText = "";
  private consoleSent = 0;
  private host = 0;
  private ended: RunOutcome | undefined;

  constructor(
    readonly guest: GuestImage,
    readonly policy: string,
  ) {
    const bytes = guest.bytes;
    if (bytes.length === 0) throw new GuestError(`${guest.name} is empty: expected a Multiboot kernel`);
    if (isBzImage(bytes)) {
      throw new GuestError(`${guest.name} is a Linux bzImage: the playground boots Multiboot kernels only (Linux talks on a serial port; use \`ringlab run\`)`);
    }
    this.machine = createMachine({ monitor: { policy } }, builtinRegistry(), {
      console: {
        write: (b) => {
          for (let i = 0; i < b.length; i++) this.consoleText += String.fromCharCode(b[i]!);
        },
      },
    });
    try {
      bootKernel(this.machine, this.machine.cpu, planMultiboot(guest.name, bytes), { loaderName: "ringlab" });
    } catch (e) {
      if (e instanceof ImageError) throw new GuestError(`cannot boot ${imageProblem(e.message)}`);
      throw e;
    }
  }

  /** How the run ended, once it has. */
  get outcome(): RunOutcome | undefined {
    return this.ended;
  }

  /**
   * Runs at most `instructions` more guest instructions. Returns the outcome when the guest's
   * run ended in them, else undefined. Slicing never changes what the guest sees (the loop
   * is driven by virtual time alone), so the slices add up to one uninterrupted run.
   */
  step(instructions: number): RunOutcome | undefined {
    if (this.ended) return this.ended;
    const limit = this.machine.clock.instructions + Math.max(1, Math.floor(instructions));
    const t0 = performance.now();
    const o = this.machine.run(limit);
    this.host += performance.now() - t0;
    if (o.kind === "instruction-limit" && o.instructions >= limit) return undefined;
    this.ended = o;
    return o;
  }

  /** Runs to the end in slices of `slice` instructions (for tests and comparisons without a page). */
  runToEnd(slice = 1 << 20): RunOutcome {
    for (;;) {
      const o = this.step(slice);
      if (o) return o;
    }
  }

  /** Console output since the last call. */
  takeConsole(): string {
    const s = this.consoleText.slice(this.consoleSent);
    this.consoleSent = this.consoleText.length;
    return s;
  }

  /** Everything the guest wrote to the debug console. */
  get console(): string {
    return this.consoleText;
  }

  /** Where the run is: the counters, and the live view made of them. */
  progress(): Progress {
    const m = this.machine;
    const exitsByReason = m.monitor.stats.byReason();
    const p = {
      policy: this.policy,
      instructions: m.clock.instructions,
      virtualMs: m.clock.nanoseconds / 1e6,
      hostMs: this.host,
      exits: m.monitor.stats.total,
      exitsByReason,
    };
    return { ...p, exitRows: exitRows(exitsByReason), line: progressLine(p) };
  }

  /**
   * The screen as the VGA shows it now, or null without a VGA; a screen the device cannot
   * render (a CRTC programmed to nothing) is `{ error }`.
   */
  screen(): ScreenFrame | null | { error: string } {
    const vga = this.machine.devices.find((d) => "screenImage" in d) as unknown as ScreenDevice | undefined;
    if (!vga) return null;
    try {
      const img = vga.screenImage();
      return { width: img.width, height: img.height, pixels: img.data, text: vga.screenLines().join("\n") };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** The finished run as `ringlab compare` records it. */
  policyRun(): PolicyRun {
    if (!this.ended) throw new Error("policyRun: the run has not ended");
    return policyRunOf(this.machine, this.policy, this.ended, this.consoleText, this.host);
  }

  /** The end in the comparison table's words ("exit 0"). */
  outcomeText(): string {
    return this.ended ? outcomeText(this.ended) : "running";
  }

  /** Whether the machine has a text screen (a VGA). */
  get hasScreen(): boolean {
    return textScreenOf(this.machine) !== undefined;
  }
}

/**
 * A loader's message without its advice for the command line (`--load FILE@ADDR` means
 * nothing in a browser).
 */
export function imageProblem(message: string): string {
  return message.replace(/ \(not a Multiboot kernel; use --load FILE@ADDR for a raw image\)/, ": not a Multiboot kernel").replace(/ \(use --load FILE@ADDR for a raw image\)/, "");
}
