import { inject, injectable } from "tsyringe";
import {
  type AccessHandlers,
  type Bus,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type JsonValue,
  defineDevicePlugin,
  encodeBase64,
} from "@ringlab/sdk";
import { FONT_8X16, FONT_HEIGHT } from "./font-8x16.js";
import { MODE3_REPLAY } from "./mode3-replay.generated.js";
import { AttributeController } from "./registers/attribute-controller.js";
import { Crtc } from "./registers/crtc.js";
import { Dac } from "./registers/dac.js";
import { GraphicsController, type MemoryWindow } from "./registers/graphics-controller.js";
import { Sequencer } from "./registers/sequencer.js";
import { type AnsiOptions, renderAnsi } from "./render-ansi.js";
import { type RgbaImage, renderImage } from "./render-image.js";
import { renderText, renderTextLines, requireTextMode } from "./render-text.js";
import { type ReplayStep, VGA_PORT_FIRST, VGA_PORT_LAST, parseReplay } from "./replay.js";
import { type TextGeometry, textGeometry } from "./text-screen.js";
import { type VgaOptions, vgaOptionsSchema } from "./vga-options.js";
import { decodeVram, vgaState } from "./vga-state.js";
import { PLANE_SIZE, VideoMemory } from "./video-memory.js";

/** Cells the BIOS clears at B8000-BFFFF: 32 KiB of character/attribute pairs. */
const TEXT_CELLS = 0x4000;
/** What the BIOS fills the text screen with: a space, light grey on black (0x0720). */
const BLANK_CHAR = 0x20;
const BLANK_ATTR = 0x07;
/**
 * Input status 0 (0x3C2 read): bit 4 is the monitor switch sense, bit 7 the vertical
 * retrace interrupt; neither is modelled (no interrupt, no sense lines), as in Bochs.
 */
const INPUT_STATUS_0 = 0x00;

/** A copy of every register, for tests, debuggers and reports. */
export interface VgaRegisters {
  miscOutput: number;
  featureControl: number;
  sequencer: number[];
  crtc: number[];
  graphics: number[];
  attribute: number[];
  /** Attribute controller index register as 0x3C0 reads it (index | PAS). */
  attributeIndex: number;
  attributeFlipFlop: "index" | "data";
  dacMask: number;
  /** 256 × (red, green, blue), 6 bits each. */
  dac: number[];
}

/**
 * An IBM VGA: the registers of the IBM VGA Technical Reference (misc output, sequencer, CRT
 * controller, graphics controller, attribute controller, DAC, input status), 256 KiB of
 * planar video memory behind the memory window the graphics controller selects, and
 * renderers for the screen as text, ANSI text and RGBA pixels (the CLI encodes them as PNG).
 *
 * Ports 0x3B0-0x3DF. The CRTC answers at 0x3D4/0x3D5 and input status 1 at 0x3DA in colour
 * mode (misc output bit 0 set), at 0x3B4/0x3B5/0x3BA in mono mode; the other set reads 0xFF
 * and ignores writes, as on the hardware. Video memory is an MMIO window at the range GR6
 * selects, re-mapped whenever the guest changes it.
 *
 * There is no BIOS: {@link reset} brings the adapter up by replaying a recorded list of
 * register writes (by default SeaBIOS setting mode 3), after filling the text screen with
 * blanks and loading ringlab's 8x16 font into plane 2, which the BIOS does with memory
 * writes that the recording does not contain.
 */
@injectable()
export class Vga implements Device {
  readonly seq = new Sequencer();
  readonly crtc = new Crtc();
  readonly gc = new GraphicsController();
  readonly ac = new AttributeController();
  readonly dac = new Dac();
  readonly memory = new VideoMemory(this.seq, this.gc);

  private misc = 0;
  private featureControl = 0;
  private vgaEnable = 1;
  private inputStatus1 = 0;

  private bus: Bus | undefined;
  private mapped: MemoryWindow | undefined;
  private windowProblem: string | undefined;
  private readonly replaySteps: ReplayStep[];

  private readonly mmio: AccessHandlers = {
    read8: (offset) => this.memRead(offset),
    write8: (offset, value) => this.memWrite(offset, value),
  };

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) options: VgaOptions,
  ) {
    this.replaySteps = parseReplay(options.replay ?? MODE3_REPLAY, `device '${id}': option 'replay'`);
  }

  attach(bus: Bus): void {
    bus.ports.claim({
      owner: this.id,
      base: VGA_PORT_FIRST,
      count: VGA_PORT_LAST - VGA_PORT_FIRST + 1,
      handlers: { read8: (o) => this.ioRead(VGA_PORT_FIRST + o), write8: (o, v) => this.ioWrite(VGA_PORT_FIRST + o, v) },
    });
    this.bus = bus;
    // At attach the graphics controller selects the whole A0000-BFFFF range, so a device or
    // RAM mapping in the way is a configuration error reported here, not later.
    this.mapWindow(this.gc.window, true);
  }

  /**
   * Power-on: every register and all video memory to zero, then what the BIOS would do:
   * text cells at B8000-BFFFF to 0x0720, the 8x16 font to plane 2 (character map 0), and the
   * replay (register writes that set mode 3 by default).
   */
  reset(): void {
    this.seq.clear();
    this.crtc.clear();
    this.gc.clear();
    this.ac.clear();
    this.dac.clear();
    this.memory.clear();
    this.misc = 0;
    this.featureControl = 0;
    this.vgaEnable = 1;
    this.inputStatus1 = 0;
    this.updateWindow();
    for (let i = 0; i < TEXT_CELLS; i++) {
      this.memory.poke(0, i * 2, BLANK_CHAR);
      this.memory.poke(1, i * 2, BLANK_ATTR);
    }
    for (let c = 0; c < 256; c++) {
      for (let line = 0; line < FONT_HEIGHT; line++) this.memory.poke(2, c * 32 + line, FONT_8X16[c * FONT_HEIGHT + line]!);
    }
    this.play(this.replaySteps);
  }

  /** Performs replay steps as a guest would (see {@link parseReplay}). */
  play(steps: readonly ReplayStep[]): void {
    for (const step of steps) {
      if (step.kind === "write") this.ioWrite(step.port, step.value);
      else if (step.kind === "read") this.ioRead(step.port);
      else {
        const w = this.gc.window;
        if (step.address >= w.base && step.address < w.base + w.size) this.memWrite(step.address - w.base, step.value);
      }
    }
  }

  // ---- ports ---------------------------------------------------------------------------

  private get colorMode(): boolean {
    return (this.misc & 0x01) !== 0;
  }

  /** Ports of the other emulation (mono vs colour) are not decoded (IBM VGA Tech Ref, misc output bit 0). */
  private decoded(port: number): boolean {
    if (port >= 0x3b0 && port <= 0x3bf) return !this.colorMode;
    if (port >= 0x3d0 && port <= 0x3df) return this.colorMode;
    return true;
  }

  private ioRead(port: number): number {
    if (!this.decoded(port)) return 0xff;
    switch (port) {
      case 0x3b4:
      case 0x3d4:
        return this.crtc.index;
      case 0x3b5:
      case 0x3d5:
        return this.crtc.readData();
      case 0x3ba:
      case 0x3da:
        return this.readInputStatus1();
      case 0x3c0:
        return this.ac.readIndex();
      case 0x3c1:
        return this.ac.readData();
      case 0x3c2:
        return INPUT_STATUS_0;
      case 0x3c3:
        return this.vgaEnable;
      case 0x3c4:
        return this.seq.index;
      case 0x3c5:
        return this.seq.readData();
      case 0x3c6:
        return this.dac.pelMask;
      case 0x3c7:
        return this.dac.state;
      case 0x3c8:
        return this.dac.writeIndex;
      case 0x3c9:
        return this.dac.readData();
      case 0x3ca:
        return this.featureControl;
      case 0x3cc:
        return this.misc;
      case 0x3ce:
        return this.gc.index;
      case 0x3cf:
        return this.gc.readData();
      default:
        return 0xff;
    }
  }

  private ioWrite(port: number, value: number): void {
    if (!this.decoded(port)) return;
    switch (port) {
      case 0x3b4:
      case 0x3d4:
        this.crtc.index = value;
        break;
      case 0x3b5:
      case 0x3d5:
        this.crtc.writeData(value);
        break;
      case 0x3ba:
      case 0x3da:
        this.featureControl = value;
        break;
      case 0x3c0:
        this.ac.write(value);
        break;
      case 0x3c2:
        this.misc = value;
        break;
      case 0x3c3:
        this.vgaEnable = value & 0x01;
        break;
      case 0x3c4:
        this.seq.index = value;
        break;
      case 0x3c5:
        this.seq.writeData(value);
        break;
      case 0x3c6:
        this.dac.pelMask = value;
        break;
      case 0x3c7:
        this.dac.setReadIndex(value);
        break;
      case 0x3c8:
        this.dac.setWriteIndex(value);
        break;
      case 0x3c9:
        this.dac.writeData(value);
        break;
      case 0x3ce:
        this.gc.index = value;
        break;
      case 0x3cf:
        this.gc.writeData(value);
        if (this.gc.index === 6) this.updateWindow();
        break;
    }
  }

  /**
   * Input status 1: reading it resets the attribute controller flip-flop to "index"
   * (FreeVGA, Attribute Controller Registers). With no wall clock, bits 0 (display
   * disabled) and 3 (vertical retrace) toggle on every read, so guests that wait for a
   * retrace edge see one at once, deterministically; QEMU answers the same way, which is
   * why the recorded log reads 09, 00, 09, ...
   */
  private readInputStatus1(): number {
    this.ac.resetFlipFlop();
    this.inputStatus1 ^= 0x09;
    return this.inputStatus1;
  }

  // ---- memory --------------------------------------------------------------------------

  /** Misc output bit 1 (RAM enable) clear cuts the CPU off from video memory. */
  private memRead(offset: number): number {
    if (!(this.misc & 0x02)) return 0xff;
    return this.memory.read(offset);
  }

  private memWrite(offset: number, value: number): void {
    if (!(this.misc & 0x02)) return;
    this.memory.write(offset, value);
  }

  private updateWindow(): void {
    const want = this.gc.window;
    if (this.mapped && this.mapped.base === want.base && this.mapped.size === want.size) return;
    this.mapWindow(want, false);
  }

  /**
   * Moves the MMIO window: unmap, then map the new range. During a run another owner in
   * the new range must not make a guest port write throw, so the window is then left
   * unmapped and the conflict is kept for {@link windowError}.
   */
  private mapWindow(window: MemoryWindow, throwOnConflict: boolean): void {
    const bus = this.bus;
    if (!bus) return;
    bus.memory.unmap(this.id);
    this.mapped = undefined;
    try {
      bus.memory.mapMmio(this.id, window.base, window.size, this.mmio);
      this.mapped = window;
      this.windowProblem = undefined;
    } catch (e) {
      if (throwOnConflict) throw e;
      this.windowProblem = (e as Error).message;
    }
  }

  /** The memory window currently mapped on the bus, if any. */
  get window(): MemoryWindow | undefined {
    return this.mapped;
  }

  /** Why the last window move left the window unmapped (a mapping conflict), if it did. */
  get windowError(): string | undefined {
    return this.windowProblem;
  }

  // ---- output --------------------------------------------------------------------------

  /** The text screen as lines (CP437 mapped to Unicode, trailing spaces removed). */
  screenLines(): string[] {
    return renderTextLines(this);
  }

  /** The text screen as plain text, one line per row. Throws a one-line error in graphics modes. */
  screenText(): string {
    return renderText(this);
  }

  /** The text screen with ANSI SGR colours. Throws a one-line error in graphics modes. */
  screenAnsi(options: AnsiOptions = {}): string {
    return renderAnsi(this, options);
  }

  /** The screen as RGBA pixels (see {@link renderImage}). */
  screenImage(): RgbaImage {
    return renderImage(this);
  }

  /** The text mode geometry and cursor. Throws a one-line error in graphics modes. */
  textGeometry(): TextGeometry {
    requireTextMode(this, "the text geometry");
    return textGeometry(this);
  }

  /** Byte `addr` of plane `plane` (0-3), without touching the latches. */
  peekPlane(plane: number, addr: number): number {
    return this.memory.peek(plane, addr);
  }

  /** A copy of every register. */
  registers(): VgaRegisters {
    return {
      miscOutput: this.misc,
      featureControl: this.featureControl,
      sequencer: [...this.seq.regs],
      crtc: [...this.crtc.regs],
      graphics: [...this.gc.regs],
      attribute: [...this.ac.regs],
      attributeIndex: this.ac.readIndex(),
      attributeFlipFlop: this.ac.flipFlop ? "data" : "index",
      dacMask: this.dac.pelMask,
      dac: [...this.dac.palette],
    };
  }

  // ---- state ---------------------------------------------------------------------------

  saveState(): JsonValue {
    return vgaState.save({
      version: 1,
      misc: this.misc,
      featureControl: this.featureControl,
      vgaEnable: this.vgaEnable,
      inputStatus1: this.inputStatus1,
      sequencer: this.seq.save(),
      crtc: this.crtc.save(),
      graphics: this.gc.save(),
      attribute: this.ac.save(),
      dac: this.dac.save(),
      latches: [...this.memory.latch],
      vram: encodeBase64(this.memory.vram),
    });
  }

  loadState(json: JsonValue): void {
    const s = vgaState.load(json, `${this.id} state`);
    this.seq.load(s.sequencer);
    this.crtc.load(s.crtc);
    this.gc.load(s.graphics);
    this.ac.load(s.attribute);
    this.dac.load(s.dac);
    this.misc = s.misc;
    this.featureControl = s.featureControl;
    this.vgaEnable = s.vgaEnable;
    this.inputStatus1 = s.inputStatus1;
    this.memory.latch.set(s.latches);
    this.memory.vram.set(decodeVram(s.vram)!);
    this.updateWindow();
  }
}

/** The `vga` device plugin. */
export const vgaPlugin = defineDevicePlugin({
  name: "vga",
  description: "IBM VGA: text modes at B8000, registers 0x3B0-0x3DF, BIOS-free mode 3 by replay, text/ANSI/image output",
  options: vgaOptionsSchema,
  device: Vga,
});
