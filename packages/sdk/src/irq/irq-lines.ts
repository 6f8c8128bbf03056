import { ResourceConflictError, RinglabError } from "../errors.js";

/** Receives level changes of IRQ lines: an interrupt controller's input pins. */
export interface IrqSink {
  /** Line `line` changed to `high`. */
  setIrqLevel(line: number, high: boolean): void;
}

/** A device's handle on one IRQ line. */
export interface IrqLine {
  /** The line's number on the board, 0..`count - 1` of its {@link IrqLines} (IRQ 0..15 on a PC/AT). */
  readonly line: number;
  /** Drives the line high (a level-triggered request, or the rising edge of an edge one). */
  raise(): void;
  /** Drives the line low. */
  lower(): void;
  /** A rising edge followed by the line going low again, as an ISA device's short pulse. */
  pulse(): void;
  /** The line's current level. */
  readonly high: boolean;
}

/**
 * The board's interrupt request lines (16 on a PC/AT: IRQ 0..15). Devices claim the lines
 * they drive; the interrupt controller connects as the sink that sees every level change.
 * ISA lines are not shareable, so two devices claiming one line is an error naming both.
 */
export class IrqLines {
  private readonly levels: boolean[];
  private readonly owners: (string | undefined)[];
  private sink: IrqSink | undefined;

  /** A board with `count` lines (16 by default), all low, none claimed, no sink connected. */
  constructor(
    /** Number of lines, numbered 0..count-1; 16 on a PC/AT (two cascaded 8259As). */
    readonly count = 16,
  ) {
    this.levels = new Array<boolean>(count).fill(false);
    this.owners = new Array<string | undefined>(count).fill(undefined);
  }

  /** Claims `line` for `owner` and returns the handle the device drives it with. */
  claim(owner: string, line: number): IrqLine {
    if (!Number.isInteger(line) || line < 0 || line >= this.count) {
      throw new RinglabError("bad-claim", `${owner}: IRQ ${line} is not a line of this board (0..${this.count - 1})`);
    }
    const other = this.owners[line];
    if (other !== undefined) {
      throw new ResourceConflictError(`IRQ ${line} is claimed by both '${other}' and '${owner}'`, { owners: [other, owner] });
    }
    this.owners[line] = owner;
    const lines = this;
    return {
      line,
      raise: () => lines.set(line, true),
      lower: () => lines.set(line, false),
      pulse: () => {
        lines.set(line, true);
        lines.set(line, false);
      },
      get high() {
        return lines.levels[line]!;
      },
    };
  }

  /**
   * `owner` stops driving `line`: the line goes low and may be claimed again (an interrupt
   * router whose route register moved a PCI interrupt to another IRQ). Only the owner can
   * release its line; anything else is ignored.
   */
  release(owner: string, line: number): void {
    if (this.owners[line] !== owner) return;
    this.set(line, false);
    this.owners[line] = undefined;
  }

  /** Connects the interrupt controller's inputs. Only one sink may connect. */
  connect(owner: string, sink: IrqSink): void {
    if (this.sink) throw new ResourceConflictError(`IRQ lines already connect to an interrupt controller; '${owner}' cannot connect too`);
    this.sink = sink;
    for (let i = 0; i < this.count; i++) if (this.levels[i]) sink.setIrqLevel(i, true);
  }

  /** The level of `line`. */
  level(line: number): boolean {
    return this.levels[line] ?? false;
  }

  /** The lines that are high, lowest first: part of a machine's saved state. */
  saveLevels(): number[] {
    const high: number[] = [];
    this.levels.forEach((h, i) => h && high.push(i));
    return high;
  }

  /**
   * Sets the line levels from {@link saveLevels} without telling the sink: the interrupt
   * controller restores its own view of its inputs from its saved state, so replaying the
   * changes would show it edges that never happened. Load this before the devices' state.
   */
  restoreLevels(high: readonly number[]): void {
    this.levels.fill(false);
    for (const line of high) {
      if (Number.isInteger(line) && line >= 0 && line < this.count) this.levels[line] = true;
    }
  }

  /** Owner of `line`, or undefined. */
  ownerOf(line: number): string | undefined {
    return this.owners[line];
  }

  /** Claimed lines with their owners, lowest first. */
  claims(): {
    /** The line number. */
    line: number;
    /** The owner that claimed it (a device id). */
    owner: string;
  }[] {
    const out: { line: number; owner: string }[] = [];
    this.owners.forEach((owner, line) => owner !== undefined && out.push({ line, owner }));
    return out;
  }

  private set(line: number, high: boolean): void {
    if (this.levels[line] === high) return;
    this.levels[line] = high;
    this.sink?.setIrqLevel(line, high);
  }
}
